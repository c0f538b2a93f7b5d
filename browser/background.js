// The extension's background script: the only part that talks to Twofold, through the native-messaging host that
// Twofold installs. It pairs with Twofold (pairing.js), keeps the pairing in the extension's storage, signs every
// request and checks every answer. A fill names the frame that asked as the browser reports it, never as the page
// says.
import { agree, fromBase64Url, newKeyPair, publicKeyBytes, sign, toBase64Url, verify } from "./pairing.js";

const HOST = "app.twofold.connector";
const api = globalThis.browser ?? globalThis.chrome;

const NOT_INSTALLED =
  "Twofold is not installed, or its browser connection is off. Install Twofold, then turn this browser on in Settings → Browser integration.";
const NOT_PAIRED = "This browser is not paired with Twofold yet. Click the Twofold button in the toolbar to pair it.";

/** Sends one message to Twofold; a host the browser cannot find is said as NOT_INSTALLED. */
async function ask(message) {
  try {
    return await api.runtime.sendNativeMessage(HOST, message);
  } catch (problem) {
    const why = problem?.message ?? String(problem);
    if (/not found|no such native application/i.test(why)) throw new Error(NOT_INSTALLED);
    throw new Error(`Twofold's connection to this browser failed (${why}). Repair it in Twofold's settings.`);
  }
}

/** The browser's name, for Twofold's list of paired browsers. */
function browserName() {
  if (navigator.userAgent.includes("Firefox/")) return "Firefox";
  const brands = navigator.userAgentData?.brands?.map((b) => b.brand) ?? [];
  return brands.find((b) => !/not.a.brand|chromium/i.test(b)) ?? "Chromium";
}

async function stored() {
  const { pairing = null } = await api.storage.local.get("pairing");
  return pairing;
}

/** Requests one after another: each takes the next number. */
let queue = Promise.resolve();
function inTurn(work) {
  const turn = queue.then(work, work);
  queue = turn.catch(() => {});
  return turn;
}

/** A signed request and its checked answer (a SignedAnswer), or an Error with the sentence to show. */
function signed(request) {
  return inTurn(async () => {
    const pairing = await stored();
    if (!pairing) throw new Error(NOT_PAIRED);
    const key = fromBase64Url(pairing.key);
    const sequence = pairing.sequence + 1;
    await api.storage.local.set({ pairing: { ...pairing, sequence } });
    const body = JSON.stringify(request);
    const signature = await sign(key, "to-app", pairing.id, sequence, body);
    const answer = await ask({ type: "signed", pairing: pairing.id, sequence, body, signature });
    if (answer?.type === "error") {
      if (answer.kind === "notPaired") await api.storage.local.remove("pairing");
      throw new Error(answer.message);
    }
    const genuine =
      answer?.type === "signed" &&
      answer.pairing === pairing.id &&
      answer.sequence === sequence &&
      (await verify(key, "to-extension", pairing.id, sequence, answer.body, answer.signature));
    if (!genuine) throw new Error("The answer did not come from the paired Twofold. Pair this browser again.");
    return JSON.parse(answer.body);
  });
}

/** Pairs with Twofold: `onCode` gets the code to compare while the user confirms in Twofold. */
async function pair(onCode) {
  const keys = await newKeyPair();
  const publicKey = toBase64Url(await publicKeyBytes(keys));
  const offer = await ask({ type: "pair", browser: browserName(), publicKey });
  if (offer?.type !== "pairOffer") throw new Error(offer?.message ?? "Twofold did not offer to pair.");
  const agreed = await agree(keys, fromBase64Url(offer.publicKey));
  // The code comes from both keys: one that differs means something in between changed them.
  if (agreed.code !== offer.code) throw new Error("The codes do not match. Do not pair; try again.");
  onCode(`${agreed.code.slice(0, 3)} ${agreed.code.slice(3)}`);
  const paired = await ask({ type: "pairWait", offer: offer.offer });
  if (paired?.type !== "paired") throw new Error(paired?.message ?? "The pairing was not confirmed in Twofold.");
  await api.storage.local.set({ pairing: { id: paired.pairing, key: toBase64Url(agreed.key), sequence: 0 } });
}

// Installed and not paired yet: the pairing page opens in a tab, as the first thing to do.
api.runtime.onInstalled.addListener(async ({ reason }) => {
  if (reason === "install" && !(await stored())) api.tabs.create({ url: api.runtime.getURL("popup.html") });
});

// The keyboard shortcut (Alt+Shift+2 unless the user changed it): the frames of the tab look for a code field with
// the keyboard; the one that has it asks, as a click on its button would.
api.commands.onCommand.addListener(async (command, tab) => {
  if (command !== "fill-code") return;
  const target = tab ?? (await api.tabs.query({ active: true, currentWindow: true }))[0];
  // A tab whose pages have no content script (a browser page) has nobody to answer: nothing to do there.
  if (target?.id !== undefined) api.tabs.sendMessage(target.id, { type: "shortcut" }).catch(() => {});
});

// The toolbar page (popup.html) pairs through a port, so that it sees the code before the user confirms.
api.runtime.onConnect.addListener((port) => {
  if (port.name !== "pair") return;
  port.onMessage.addListener(async () => {
    try {
      await pair((code) => port.postMessage({ code }));
      port.postMessage({ paired: true });
    } catch (problem) {
      port.postMessage({ error: problem.message });
    }
  });
});

/** Whether a message comes from one of the extension's own pages (the toolbar page), not from a web page. */
const fromOwnPage = (sender) => sender.id === api.runtime.id && (sender.url ?? "").startsWith(api.runtime.getURL(""));

api.runtime.onMessage.addListener((message, sender, reply) => {
  if (message?.type === "status" && fromOwnPage(sender)) {
    stored().then((pairing) => reply({ paired: pairing !== null }));
    return true;
  }
  if (message?.type !== "fill" || !sender.tab || !sender.url || fromOwnPage(sender)) return false;
  // The frame's origin as the browser reports it.
  const origin = new URL(sender.url).origin;
  signed({ type: "fill", origin })
    .then((answer) =>
      reply(
        answer.type === "code" ? { code: answer.code, account: answer.account, origin } : { message: answer.message },
      ),
    )
    .catch((problem) => reply({ message: problem.message }));
  return true; // the reply comes later
});
