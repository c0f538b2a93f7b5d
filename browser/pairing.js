// The extension's half of pairing with Twofold, and the signature of every message after: the same derivation as
// the app's src/browser/pairing.rs (ECDH on P-256, HKDF-SHA256 salted with SHA-256 of both public keys, the
// extension's first; HMAC-SHA256 over "twofold/1", the direction, the pairing id, the sequence number and the body).

const encoder = new TextEncoder();
const subtle = () => globalThis.crypto.subtle;
const CURVE = { name: "ECDH", namedCurve: "P-256" };

/** A fresh key pair for one pairing; its private half never leaves WebCrypto. */
export function newKeyPair() {
  return subtle().generateKey(CURVE, false, ["deriveBits"]);
}

/** The public key to send to Twofold: 65 bytes, uncompressed. */
export async function publicKeyBytes(pair) {
  return new Uint8Array(await subtle().exportKey("raw", pair.publicKey));
}

/** Agrees with Twofold given its public key: the six digits both sides show, and the pairing's key (32 bytes). */
export async function agree(pair, appPublic) {
  const theirs = await subtle().importKey("raw", appPublic, CURVE, false, []);
  const shared = await subtle().deriveBits({ name: "ECDH", public: theirs }, pair.privateKey, 256);
  const ours = await publicKeyBytes(pair);
  const salt = await subtle().digest("SHA-256", concat(ours, appPublic));
  const base = await subtle().importKey("raw", shared, "HKDF", false, ["deriveBits"]);
  const expand = (info, bits) =>
    subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt, info: encoder.encode(info) }, base, bits);
  const code = new DataView(await expand("twofold pairing code", 32)).getUint32(0) % 1000000;
  const key = new Uint8Array(await expand("twofold message key", 256));
  return { code: String(code).padStart(6, "0"), key };
}

/** The signature of a message (base64url, no padding). `direction` is "to-app" or "to-extension". */
export async function sign(key, direction, pairing, sequence, body) {
  const hmac = await subtle().importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signed = await subtle().sign("HMAC", hmac, signedBytes(direction, pairing, sequence, body));
  return toBase64Url(new Uint8Array(signed));
}

/** Whether `signature` is the message's (compared by WebCrypto, in constant time). */
export async function verify(key, direction, pairing, sequence, body, signature) {
  const hmac = await subtle().importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  let given;
  try {
    given = fromBase64Url(signature);
  } catch {
    return false;
  }
  return subtle().verify("HMAC", hmac, given, signedBytes(direction, pairing, sequence, body));
}

function signedBytes(direction, pairing, sequence, body) {
  return encoder.encode(`twofold/1\n${direction}\n${pairing}\n${sequence}\n${body}`);
}

function concat(a, b) {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** Bytes as base64url without padding. */
export function toBase64Url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** base64url (padded or not) as bytes; throws on anything else. */
export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error("not base64url");
  const plain = atob(text.replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, ""));
  return Uint8Array.from(plain, (c) => c.charCodeAt(0));
}
