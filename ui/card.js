// The add dialog's confirmation card: the accounts a scan found, each with its live code, ticked to add; and
// the toast that says what adding them did, with Undo.
import * as api from "./api.js";
import { refresh } from "./list.js";
import { Latest, logFailure, oneAtATime } from "./requests.js";
import { $, message, paintAvatar, toast } from "./ui.js";

const pendingTemplate = $("pending-row");
let on = null;
/** The accounts on the card. */
let pending = [];
let codeTimer = null;
/** Each card shown is a turn: an answer about an earlier card (or after the card went) is dropped. */
const cards = new Latest();

/** Wires the card's buttons. `options.onBack()` goes back to the tabs ("Scan again"); `options.onAdded()` is
 *  called once the accounts of the card still shown were added. */
export function initCard(options) {
  on = options;
  $("confirm-back").addEventListener("click", () => on.onBack());
  $("confirm-add").addEventListener("click", () => confirm(conflicting() ? "replace" : "ask"));
  $("confirm-keep").addEventListener("click", () => confirm("keepBoth"));
}

/** Whether the card is shown (rather than the tabs). */
export const cardShown = () => !$("confirm-view").hidden;

/** Takes the card away: the tabs show again, or the dialog closed. */
export function hideCard() {
  cards.next();
  clearTimeout(codeTimer);
  pending = [];
  $("confirm-view").hidden = true;
}

const conflicting = () => pending.some((p) => p.status === "conflict");

/** Shows the accounts to confirm, and the accounts of an export that could not be read (`leftOut` sentences). */
export function showCard(list, leftOut = []) {
  cards.next();
  pending = list;
  $("confirm-view").hidden = false;
  $("confirm-error").textContent = "";
  const several = list.length > 1;
  $("confirm-intro").textContent = several
    ? `This export holds ${list.length} accounts. Untick any you do not want.`
    : "Check that this code matches what the service expects, then add the account.";
  renderPending(true);
  const conflicts = list.filter((p) => p.status === "conflict");
  const note = $("conflict-note");
  note.hidden = conflicts.length === 0;
  if (conflicts.length) {
    note.textContent = several
      ? `${conflicts.length} of these have the same service and account name as accounts you already have. Replace them (you reset your password or got new QR codes), or keep both.`
      : "You already have an account with this service and name. Replace it if you reset your password or got a new QR code, or keep both.";
  }
  showLeftOut(leftOut);
  $("confirm-keep").hidden = conflicts.length === 0;
  const fresh = list.filter((p) => p.status !== "duplicate").length;
  $("confirm-add").textContent = conflicts.length
    ? "Replace — you reset your password or got a new QR"
    : several ? `Add ${fresh} accounts` : "Add account";
  $("confirm-add").disabled = fresh === 0;
  // Nothing new to add: the keyboard goes to "Scan again" (a disabled button cannot take it).
  $(fresh === 0 ? "confirm-back" : "confirm-add").focus();
  scheduleCodes();
}

function showLeftOut(leftOut) {
  $("left-out-note").hidden = leftOut.length === 0;
  $("left-out-intro").textContent = leftOut.length === 1
    ? "One account of this export cannot be added, so it is not listed above:"
    : `${leftOut.length} accounts of this export cannot be added, so they are not listed above:`;
  $("left-out-list").replaceChildren(...leftOut.map((sentence) => {
    const item = document.createElement("li");
    item.textContent = sentence;
    return item;
  }));
}

/** The ids of the accounts ticked on the card. */
const ticked = () => [...$("pending-list").querySelectorAll(".pending-check:checked")].map((c) => c.value);

/** Draws the pending accounts: all ticked for a new scan (`fresh`), else as the user left the boxes. */
function renderPending(fresh = false) {
  const several = pending.length > 1;
  const checked = new Set(ticked());
  $("pending-list").replaceChildren(...pending.map((item) => {
    const row = pendingTemplate.content.firstElementChild.cloneNode(true);
    row.dataset.id = item.id;
    const check = row.querySelector(".pending-check");
    check.value = item.id;
    check.hidden = !several;
    check.checked = item.status !== "duplicate" && (fresh || checked.has(item.id));
    check.disabled = item.status === "duplicate";
    paintAvatar(row.querySelector(".avatar"), item.issuer, item.name);
    row.querySelector(".issuer").textContent = item.issuer || item.name;
    row.querySelector(".name").textContent = item.issuer ? item.name : "";
    row.querySelector(".code").textContent = item.code;
    row.querySelector(".pending-note").textContent = {
      duplicate: "Already in Twofold.",
      conflict: "Same name as an account you have.",
      new: "",
    }[item.status];
    return row;
  }));
}

/** Renews the codes on the card when the first of them expires. */
function scheduleCodes() {
  clearTimeout(codeTimer);
  const waits = pending.filter((p) => p.secondsLeft).map((p) => p.secondsLeft);
  if (!waits.length) return;
  const current = cards.now();
  codeTimer = setTimeout(async () => {
    if (!current()) return;
    const fresh = await api.pendingAccounts().catch(logFailure("renewing the codes on the card"));
    if (!current() || !fresh) return;
    const same = fresh.length === pending.length && fresh.every((p, i) => p.id === pending[i].id);
    pending = fresh;
    if (same) {
      // New codes into the rows on screen: a ticked box keeps the keyboard focus.
      for (const item of pending) {
        const row = $("pending-list").querySelector(`[data-id="${CSS.escape(item.id)}"]`);
        if (row) row.querySelector(".code").textContent = item.code;
      }
    } else {
      renderPending();
    }
    scheduleCodes();
  }, Math.min(...waits) * 1000);
}

/** Adds the ticked accounts; `onConflict` is "ask", "replace" or "keepBoth". One confirmation at a time: a second
 *  click would find the card taken, and its toast would cover the first's Undo. (Disabling the buttons instead
 *  would take the keyboard from the one pressed.) */
const confirm = oneAtATime(async (onConflict) => {
  const ids = pending.length > 1 ? ticked() : pending.map((p) => p.id);
  const current = cards.now();
  try {
    const results = await api.confirmPending(ids, onConflict);
    // A file dropped on the window meanwhile shows its own card: it stays open for the user to confirm.
    if (current()) {
      pending = [];
      on.onAdded();
    }
    await refresh();
    announce(results);
  } catch (error) {
    // On the card if it is still shown; otherwise (closed, or a newer card shown) in a toast.
    if (current()) $("confirm-error").textContent = message(error);
    else toast(message(error));
  }
});

function announce(results) {
  const added = results.filter((r) => r.outcome === "added");
  const replaced = results.filter((r) => r.outcome === "replaced");
  const changed = added.length + replaced.length;
  // Undo takes back the whole confirmation: replaced accounts come back, added ones go to the trash.
  const undoAll = async () => {
    for (const r of replaced) await api.restoreAccount(r.replaced);
    for (const r of added) await api.deleteAccount(r.id);
    await refresh();
  };
  // An account named like one that reached the list after the card was shown is left out, and says so.
  const conflicts = results.filter((r) => r.outcome === "conflict");
  const [left, them] = conflicts.length === 1
    ? [`${conflicts[0].label} was`, "it"]
    : [`${conflicts.length} accounts were`, "them"];
  const leftOut = conflicts.length
    ? `${left} not added: an account with the same name is already in Twofold. Add ${them} again to choose Replace or Keep both.`
    : "";
  const also = leftOut && `. ${leftOut}`;
  if (changed === 0) {
    toast(leftOut || "Those accounts are already in Twofold.");
  } else if (changed === 1) {
    const [r] = [...added, ...replaced];
    toast(`${r.outcome === "replaced" ? "Replaced" : "Added"} ${r.label}${also}`, undoAll);
  } else if (replaced.length) {
    toast(`Added ${changed} accounts, ${replaced.length} of them replacing older ones${also}`, undoAll);
  } else {
    toast(`Added ${changed} accounts${also}`, undoAll);
  }
}
