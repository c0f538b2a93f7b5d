// The account list: rows with live codes, search, keyboard selection, copy, favourites and reordering.
// It wakes only when a code expires; the countdown ring and the "next code" hint are CSS animations.
import * as api from "./api.js";
import { $, message, paintAvatar, toast } from "./ui.js";

const rowTemplate = $("account-row");
let accounts = [];
let refreshTimer = null;
let firstPaint = null;
let handlers = {};

/** Wires the list; `on.openAccount(account)` opens the account dialog. */
export function initList(on) {
  handlers = on;
  $("search").addEventListener("input", render);
  $("accounts").addEventListener("dragover", (event) => event.preventDefault());
}

/** Called once after the first list with codes is on screen (for the startup measurement). */
export function onFirstPaint(callback) {
  firstPaint = callback;
}

export const allAccounts = () => accounts;

function matches(account, query) {
  const q = query.trim().toLowerCase();
  return !q || account.issuer.toLowerCase().includes(q) || account.name.toLowerCase().includes(q);
}

/** Favourites first, otherwise the saved order. */
function shownAccounts() {
  const query = $("search").value;
  const shown = accounts.filter((a) => matches(a, query));
  return [...shown.filter((a) => a.favorite), ...shown.filter((a) => !a.favorite)];
}

function renderRow(account) {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  row.dataset.id = account.id;
  row.setAttribute("aria-label", `${account.issuer} ${account.name}`.trim());
  paintAvatar(row.querySelector(".avatar"), account.issuer, account.name);
  row.querySelector(".issuer").textContent = account.issuer || account.name;
  row.querySelector(".name").textContent = account.issuer ? account.name : "";
  row.querySelector(".code").textContent = account.code;
  row.querySelector(".star").hidden = !account.favorite;
  const next = row.querySelector(".next-code");
  const nextButton = row.querySelector(".next");
  if (account.period) {
    // The ring empties by a CSS animation, and the next code fades in for the last 10 s: no script ticks.
    row.style.setProperty("--period", `${account.period}s`);
    row.style.setProperty("--elapsed", `${account.secondsLeft - account.period}s`);
    row.style.setProperty("--next-in", `${Math.max(0, account.secondsLeft - 10)}s`);
    next.textContent = `next ${account.nextCode}`;
    nextButton.hidden = true;
  } else {
    row.classList.add("counter");
    nextButton.addEventListener("click", (event) => {
      event.stopPropagation();
      advance(account);
    });
  }
  row.querySelector(".more").addEventListener("click", (event) => {
    event.stopPropagation();
    handlers.openAccount(account);
  });
  row.addEventListener("click", () => copy(account));
  row.addEventListener("keydown", (event) => onRowKey(event, account));
  row.addEventListener("dragstart", (event) => {
    event.dataTransfer.setData("text/x-twofold-account", account.id);
    event.dataTransfer.effectAllowed = "move";
    row.classList.add("dragging");
  });
  row.addEventListener("dragend", () => row.classList.remove("dragging"));
  row.addEventListener("drop", (event) => {
    const id = event.dataTransfer.getData("text/x-twofold-account");
    if (id && id !== account.id) {
      event.preventDefault();
      moveTo(id, accounts.findIndex((a) => a.id === account.id));
    }
  });
  return row;
}

function onRowKey(event, account) {
  const ctrl = event.ctrlKey || event.metaKey;
  if (event.key === "Enter" || (ctrl && event.key === "c")) {
    event.preventDefault();
    copy(account);
  } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
    event.preventDefault();
    event.stopPropagation();
    move(account, event.key === "ArrowUp" ? -1 : 1);
  } else if (event.key === "Delete") {
    event.preventDefault();
    remove(account);
  } else if (event.key === "F2" || event.key === "ContextMenu") {
    event.preventDefault();
    handlers.openAccount(account);
  }
}

/** Draws the list from the last fetched accounts, keeping the focused row focused. */
export function render() {
  const focused = document.activeElement?.closest?.(".account")?.dataset.id;
  const shown = shownAccounts();
  $("accounts").replaceChildren(...shown.map(renderRow));
  $("empty-state").hidden = accounts.length > 0;
  $("no-results").hidden = accounts.length === 0 || shown.length > 0;
  if (focused) document.querySelector(`.account[data-id="${CSS.escape(focused)}"]`)?.focus();
}

/** Fetches the accounts and their codes, draws them, and sleeps until the first code expires. */
export async function refresh() {
  clearTimeout(refreshTimer);
  try {
    accounts = await api.listAccounts();
  } catch (error) {
    toast(message(error));
    return;
  }
  render();
  if (firstPaint) {
    const callback = firstPaint;
    firstPaint = null;
    requestAnimationFrame(() => requestAnimationFrame(callback));
  }
  const waits = accounts.filter((a) => a.secondsLeft).map((a) => a.secondsLeft);
  if (waits.length) {
    refreshTimer = setTimeout(refresh, Math.min(...waits) * 1000);
  }
}

/** Focuses the first row (Down arrow from the search field). */
export function focusFirst() {
  document.querySelector(".account")?.focus();
}

async function copy(account) {
  try {
    const clearsIn = await api.copyCode(account.id);
    toast(clearsIn ? `Copied — clipboard clears in ${clearsIn} s` : "Copied");
  } catch (error) {
    toast(message(error));
  }
}

async function advance(account) {
  try {
    await api.nextCode(account.id);
    await refresh();
  } catch (error) {
    toast(message(error));
  }
}

/** Deletes an account with an Undo toast. */
export async function remove(account) {
  try {
    await api.deleteAccount(account.id);
    await refresh();
    toast(`Deleted ${account.issuer || account.name}`, async () => {
      await api.restoreAccount(account.id);
      await refresh();
    });
  } catch (error) {
    toast(message(error));
  }
}

/** Moves an account one place up or down among the shown rows. */
export async function move(account, step) {
  const shown = shownAccounts();
  const at = shown.findIndex((a) => a.id === account.id);
  const target = shown[at + step];
  if (!target) return;
  await moveTo(account.id, accounts.findIndex((a) => a.id === target.id));
}

async function moveTo(id, index) {
  try {
    await api.moveAccount(id, index);
    await refresh();
    document.querySelector(`.account[data-id="${CSS.escape(id)}"]`)?.focus();
  } catch (error) {
    toast(message(error));
  }
}
