// The account list: rows with live codes, search, keyboard selection, copy, favourites and reordering.
// It wakes only when a code expires; the countdown ring and the "next code" hint are CSS animations.
import * as api from "./api.js";
import { initDrag } from "./drag.js";
import { Latest, logFailure, oneAtATime } from "./requests.js";
import { screenShown } from "./screens.js";
import { $, message, paintAvatar, toast } from "./ui.js";

const rowTemplate = $("account-row");
let accounts = [];
let refreshTimer = null;
let revealTimer = null;
let fetchedAt = 0;
/** Each drawing of the list is a turn: the rest of an earlier drawing is not appended after a newer one. */
const drawings = new Latest();
/** Rows drawn before the first paint: at least 12, and a few more than fit in the window (rows are 56 px or more). */
const firstRows = () => Math.max(12, Math.ceil(window.innerHeight / 56) + 2);
let firstPaint = null;
let handlers = {};
/** Retry delay after a failed refresh (ms): codes must not freeze after one error. */
const RETRY_MS = 5000;
/** The longest the list waits without looking at the clock (ms); see refreshAt. */
const CLOCK_LOOK_MS = 10000;

/** Sets a row's countdown ring in phase with the clock, from the codes fetched `fetchedAt`. */
function phaseRing(row, account) {
  const passed = (Date.now() - fetchedAt) / 1000;
  row.style.setProperty("--elapsed", `${account.secondsLeft - passed - account.period}s`);
}

/** Where the account with this id is in the saved order (-1 if it is gone). */
const indexOf = (id) => accounts.findIndex((a) => a.id === id);

/** Seconds from the last fetch until the first time-based code expires (Infinity with none). */
const firstExpiry = () => Math.min(...accounts.filter((a) => a.secondsLeft).map((a) => a.secondsLeft));

/** Whether a code on screen has expired without a refresh: timers count no time while the computer sleeps. */
const stale = () => fetchedAt > 0 && Date.now() - fetchedAt >= firstExpiry() * 1000;

/** Rings tick only while the window has focus; in the background they rest, so an idle Twofold does not
 *  repaint every second. Codes and next-code hints still change on time. */
function watchFocus() {
  const list = $("accounts");
  list.classList.toggle("still", !document.hasFocus());
  window.addEventListener("blur", () => list.classList.add("still"));
  window.addEventListener("focus", () => {
    if (stale()) refresh(); // back from sleep: new codes, and rings set from them
    for (const [row, account] of shownRows()) {
      if (account?.period) phaseRing(row, account);
    }
    list.classList.remove("still");
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && stale()) refresh();
  });
}

/** Wires the list; `on.openAccount(account)` opens the account dialog. The rows' events are handled once, on the
 *  list: a row is found from the event's target. */
export function initList(on) {
  handlers = on;
  watchFocus();
  $("search").addEventListener("input", render);
  const list = $("accounts");
  list.addEventListener("click", onListClick);
  list.addEventListener("keydown", onRowKey);
  initDrag(list, { accountOf, indexOf, moveTo });
  // Accounts added from the command line (`twofold add`) appear at once.
  api.watchAccounts(() => {
    if (screenShown("list")) refresh();
  }).catch(logFailure("listening for accounts added from the command line"));
}

/** Called once after the first list with codes is on screen (for the startup measurement). */
export function onFirstPaint(callback) {
  firstPaint = callback;
}

export const allAccounts = () => accounts;

/** The account a row shows (undefined for a row no longer listed). */
const accountOf = (row) => accounts[indexOf(row.dataset.id)];

/** The row an event happened in, and its account (null outside a row, or for a row no longer listed). */
function rowOf(event) {
  const row = event.target.closest?.(".account");
  const account = row && accountOf(row);
  return account ? { row, account } : null;
}

/** The row of the account with this id, if it is drawn. */
const rowById = (id) => $("accounts").querySelector(`.account[data-id="${CSS.escape(id)}"]`);

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
    // The ring is a CSS animation that repeats every period, in phase with the clock (periods start at multiples
    // of the period since 1970), stepping once a second: no script ticks and one repaint a second.
    row.style.setProperty("--period", `${account.period}s`);
    row.style.setProperty("--steps", String(account.period));
    phaseRing(row, account);
    next.textContent = `next ${account.nextCode}`;
    nextButton.hidden = true;
  } else {
    row.classList.add("counter");
  }
  return row;
}

/** A click on a row copies its code; its buttons open the account dialog (⋯) or advance the counter. */
function onListClick(event) {
  const hit = rowOf(event);
  if (!hit) return;
  const button = event.target.closest("button");
  if (button?.classList.contains("more")) handlers.openAccount(hit.account);
  else if (button?.classList.contains("next")) advance(hit.account);
  else if (!button) copy(hit.account);
}

function onRowKey(event) {
  // Keys on the row's own buttons (⋯, Next code) are theirs: Enter presses the button.
  const hit = rowOf(event);
  if (!hit || event.target !== hit.row) return;
  const { account } = hit;
  const ctrl = event.ctrlKey || event.metaKey;
  if (event.key === "Enter" || (ctrl && event.key.toLowerCase() === "c")) {
    event.preventDefault();
    copy(account);
  } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
    event.preventDefault();
    event.stopPropagation();
    move(account, event.key === "ArrowUp" ? -1 : 1);
  } else if (event.key === "Delete") {
    event.preventDefault();
    // Held down, the key repeats: that would delete the rows below one by one, with Undo for the last only.
    if (!event.repeat) remove(account);
  } else if (event.key === "F2" || event.key === "ContextMenu") {
    event.preventDefault();
    handlers.openAccount(account);
  }
}

/** Draws the list from the last fetched accounts, keeping the focused row focused. */
export function render() {
  const focused = document.activeElement?.closest?.(".account")?.dataset.id;
  const shown = shownAccounts();
  // A screenful first, the rest right after the first paint: a long list shows its codes as fast as a short one.
  // The first batch reaches the focused row, so that it can keep the focus.
  const current = drawings.next();
  const first = Math.max(firstRows(), shown.findIndex((a) => a.id === focused) + 1);
  $("accounts").replaceChildren(...shown.slice(0, first).map(renderRow));
  if (shown.length > first) {
    requestAnimationFrame(() => setTimeout(() => {
      if (!current()) return;
      $("accounts").append(...shown.slice(first).map(renderRow));
      revealNextCodes();
    }, 0));
  }
  // The first account's row takes the keyboard from the empty list's Add button, which goes.
  const fromEmpty = $("empty-state").contains(document.activeElement);
  $("empty-state").hidden = accounts.length > 0;
  if (fromEmpty && accounts.length) focusFirst();
  $("no-results").hidden = accounts.length === 0 || shown.length > 0;
  if (fetchedAt) revealNextCodes();
  if (focused) rowById(focused)?.focus();
}

const shape = (list) => list.map((a) => [a.id, a.issuer, a.name, a.favorite, a.kind, a.period].join("\u0000")).join("\u0001");

/** The rows on screen with their accounts (rows are looked up once, not once per account). */
function shownRows() {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return [...$("accounts").querySelectorAll(".account")].map((row) => [row, byId.get(row.dataset.id)]);
}

/** Puts new codes into the rows already on screen (same accounts, same order): no rebuild, no relayout. */
function updateCodes() {
  for (const [row, account] of shownRows()) {
    if (!account) continue;
    row.querySelector(".code").textContent = account.code;
    row.querySelector(".next-code").textContent = account.period ? `next ${account.nextCode}` : "";
    if (account.period) phaseRing(row, account); // once a period: keeps the ring true after a sleep
  }
}

/** Shows each row's next code during its last 10 s, and schedules the next time a row enters them. */
function revealNextCodes() {
  clearTimeout(revealTimer);
  const passed = (Date.now() - fetchedAt) / 1000;
  for (const [row, account] of shownRows()) {
    if (account?.secondsLeft) row.classList.toggle("late", account.secondsLeft - passed <= 10);
  }
  let soonest = Infinity;
  for (const account of accounts) {
    const left = account.secondsLeft - passed;
    if (account.secondsLeft && left > 10) soonest = Math.min(soonest, left - 10);
  }
  if (soonest < Infinity) revealTimer = setTimeout(revealNextCodes, soonest * 1000 + 50);
}

/** Fetches the accounts and their codes (or takes the ones start-up brought), draws them, and sleeps until the
 *  first code expires. */
export async function refresh(fetched = null) {
  clearTimeout(refreshTimer);
  const before = shape(accounts);
  try {
    accounts = fetched ?? (await api.listAccounts());
  } catch (error) {
    toast(message(error));
    refreshTimer = setTimeout(refresh, RETRY_MS);
    return;
  }
  fetchedAt = Date.now();
  if (firstPaint) {
    // Runs in the task right after the next rendering update, i.e. once these codes are painted.
    const callback = firstPaint;
    firstPaint = null;
    requestAnimationFrame(() => setTimeout(callback, 0));
  }
  if (before === shape(accounts) && $("accounts").querySelector(".account")) {
    updateCodes();
    revealNextCodes();
  } else {
    render(); // which reveals next codes too
  }
  const wait = firstExpiry();
  if (wait < Infinity) refreshAt(fetchedAt + wait * 1000, performance.now() + wait * 1000);
}

/** Refreshes once the clock reaches `due` (ms since 1970), or once `wait` ms have passed awake (`by`, on the
 *  page's monotonic clock): whichever comes first. Timers count no time while the computer sleeps, so the wait is
 *  cut into pieces of at most CLOCK_LOOK_MS that each look at the clock: after a sleep with the window in front (no
 *  focus or visibility event then), the codes are new within that time of waking. A clock set back (a time sync)
 *  does not hold the refresh up: the awake time still counts. */
function refreshAt(due, by) {
  const left = Math.min(due - Date.now(), by - performance.now());
  if (left <= 0) {
    refresh();
  } else {
    refreshTimer = setTimeout(() => refreshAt(due, by), Math.min(left, CLOCK_LOOK_MS));
  }
}

/** Focuses the first row (Down arrow from the search field). */
export function focusFirst() {
  $("accounts").querySelector(".account")?.focus();
}

/** Moves the keyboard `step` rows down (1) or up (-1), from the focused row or, outside the rows, to the first. */
export function focusStep(step) {
  const rows = [...$("accounts").querySelectorAll(".account")];
  const at = rows.indexOf(document.activeElement);
  rows[Math.min(rows.length - 1, Math.max(0, at + step))]?.focus();
}

/** Gives the keyboard to the search field (Ctrl+F, or typing on the list). */
export function focusSearch() {
  $("search").focus();
}

/** Whether the search field has the keyboard. */
export const searchHasFocus = () => document.activeElement === $("search");

/** Empties the search field, shows every account and gives the keyboard to the first row (Escape). */
export function clearSearch() {
  $("search").value = "";
  render();
  focusFirst();
}

/** Gives the keyboard back to the row of the account `element` was in (a dialog's opener), drawn again since
 *  perhaps; or to the first row; or to the search field: never to nothing. */
export function focusRowOf(element) {
  const id = element?.closest?.(".account")?.dataset.id;
  (id && rowById(id) || $("accounts").querySelector(".account") || $("search"))?.focus();
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

/** Deletes an account with an Undo toast; the row that takes its place gets the focus. One deletion of an account
 *  at a time: a second press on the same row waits for the first's answer. */
export const remove = oneAtATime(deleteAndOfferUndo, (account) => account.id);

async function deleteAndOfferUndo(account) {
  const shown = shownAccounts();
  const at = shown.findIndex((a) => a.id === account.id);
  const neighbour = shown[at + 1] ?? shown[at - 1];
  try {
    await api.deleteAccount(account.id);
    // Focused before the list is drawn again, so that the drawing keeps it.
    if (neighbour) rowById(neighbour.id)?.focus();
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
  if (!target || target.favorite !== account.favorite) return; // favourites stay first
  await moveTo(account.id, indexOf(target.id));
}

async function moveTo(id, index) {
  try {
    await api.moveAccount(id, index);
    await refresh();
    rowById(id)?.focus();
  } catch (error) {
    toast(message(error));
  }
}
