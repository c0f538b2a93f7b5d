#!/usr/bin/env python3
"""An Aegis vault reader independent of Twofold, written from the format Aegis describes in docs/vault.md and
docs/decrypt.py: prints the database of FILE as JSON, decrypting it with PASSWORD when it is encrypted (every
password slot is tried). Needs the `cryptography` package.

    python3 aegis_decrypt.py FILE [PASSWORD]
"""
import base64
import json
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def main(path, password=None):
    with open(path, encoding="utf-8") as f:
        vault = json.load(f)
    db = vault["db"]
    if isinstance(db, dict):
        print(json.dumps(db))
        return 0
    master = None
    for slot in vault["header"]["slots"]:
        if slot["type"] != 1:
            continue
        key = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"]) \
            .derive(password.encode())
        params = slot["key_params"]
        try:
            master = AESGCM(key).decrypt(bytes.fromhex(params["nonce"]),
                                         bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]), None)
            break
        except InvalidTag:
            continue
    if master is None:
        print("no password slot opens with that password", file=sys.stderr)
        return 1
    params = vault["header"]["params"]
    content = AESGCM(master).decrypt(bytes.fromhex(params["nonce"]),
                                     base64.b64decode(db) + bytes.fromhex(params["tag"]), None)
    print(json.dumps(json.loads(content.decode("utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
