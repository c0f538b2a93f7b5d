// The browser extension's requests, in the window: a pairing to confirm (the user compares the code with the one
// the extension shows) and the question before a site's first code. Twofold brings the window forward for them.
import * as api from "./api.js";
import { openDialog } from "./dialogs.js";
import { logFailure } from "./requests.js";
import { $ } from "./ui.js";

/** The offer and the question on screen, to answer the right ones. */
let offer = null;
let question = null;

export function initBrowser() {
  $("pairing-accept").addEventListener("click", () => decide(true));
  $("pairing-refuse").addEventListener("click", () => decide(false));
  // Escape is a refusal, never a confirmation.
  $("pairing-dialog").addEventListener("cancel", () => decide(false));
  $("site-once").addEventListener("click", () => answer(false));
  $("site-always").addEventListener("click", () => answer(true));
  $("site-deny").addEventListener("click", () => deny());
  $("site-dialog").addEventListener("cancel", () => deny());
  api.watchBrowser(refresh).catch(logFailure("listening for the browser extension"));
  refresh();
}

async function refresh() {
  const view = await api.browserRequests().catch(logFailure("reading the browser extension's requests"));
  if (view) show(view);
}

function show(view) {
  const pairing = view.pairings[0] ?? null;
  offer = pairing?.offer ?? null;
  if (pairing) {
    $("pairing-text").textContent = `${pairing.browser} asks to fill codes from Twofold. The extension shows this code:`;
    $("pairing-code").textContent = pairing.code;
    openDialog($("pairing-dialog"));
    $("pairing-refuse").focus();
  } else if ($("pairing-dialog").open) {
    $("pairing-dialog").close();
  }
  const asked = view.question;
  if (asked && asked.id !== question?.id) showQuestion(asked);
  question = asked;
  if (!asked && $("site-dialog").open) $("site-dialog").close();
}

function showQuestion(asked) {
  $("site-title").textContent = `Fill a code on ${asked.site}?`;
  $("site-text").textContent = asked.known
    ? `Several accounts are for ${asked.site}. Choose the one to fill.`
    : `No account in Twofold lists ${asked.site} yet. Fill only if this is the site you meant to sign in to:`;
  const list = $("site-accounts");
  list.replaceChildren();
  asked.accounts.forEach((account, i) => {
    const row = $("site-account-template").content.firstElementChild.cloneNode(true);
    const radio = row.querySelector("input");
    radio.value = account.id;
    radio.checked = i === 0;
    row.querySelector(".issuer").textContent = account.issuer || account.name;
    row.querySelector(".name").textContent = account.issuer ? account.name : "";
    list.append(row);
  });
  // A site's own accounts need no "always": the site is on their list already.
  $("site-always").hidden = asked.known;
  $("site-once").textContent = asked.known ? "Fill" : "Fill once";
  openDialog($("site-dialog"));
  list.querySelector("input:checked")?.focus();
}

async function decide(accept) {
  if (!offer) return;
  const decided = offer;
  offer = null;
  const view = await api.decidePairing(decided, accept).catch(logFailure("answering the pairing"));
  if (view) show(view);
}

async function answer(always) {
  if (!question) return;
  const account = document.querySelector('input[name="site-account"]:checked')?.value ?? null;
  await reply(account, always);
}

async function deny() {
  if (question) await reply(null, false);
}

async function reply(account, always) {
  const asked = question;
  question = null;
  $("site-dialog").close();
  const view = await api.answerSiteQuestion(asked.id, account, always).catch(logFailure("answering the question"));
  if (view) show(view);
}
