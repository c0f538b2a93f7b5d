// Plays the browser extension's side of a pairing with the extension's own code (browser/pairing.js) on Node's
// WebCrypto, for tests/browser_pairing.rs. Lines on standard output and input, base64url for bytes:
//   out: our public key          in: Twofold's public key
//   out: the code, then the signature of FILL (to-app, pairing "p-test", number 1)
//   in:  Twofold's signature of REPLY (to-extension, pairing "p-test", number 1)
//   out: whether it verifies, then whether the same signature verifies for an altered reply
import { webcrypto } from "node:crypto";
import { createInterface } from "node:readline";

if (!globalThis.crypto) globalThis.crypto = webcrypto;
const pairing = await import(new URL("../../browser/pairing.js", import.meta.url));

const FILL = '{"type":"fill","origin":"https://github.com"}';
const REPLY = '{"type":"code","code":"123456"}';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => (await lines.next()).value;

const pair = await pairing.newKeyPair();
console.log(pairing.toBase64Url(await pairing.publicKeyBytes(pair)));
const agreed = await pairing.agree(pair, pairing.fromBase64Url(await next()));
console.log(agreed.code);
console.log(await pairing.sign(agreed.key, "to-app", "p-test", 1, FILL));
const reply = await next();
console.log(await pairing.verify(agreed.key, "to-extension", "p-test", 1, REPLY, reply));
console.log(await pairing.verify(agreed.key, "to-extension", "p-test", 1, REPLY.replace("123456", "654321"), reply));
process.exit(0);
