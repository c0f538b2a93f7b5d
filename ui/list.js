// The account list: rows with live codes, search, keyboard selection, copy, favourites and reordering.
// It wakes only when a code expires; the countdown ring and the "next code" hint are CSS animations.
import * as api from "./api.js";
import { $, message, paintAvatar, toast } from "./ui.js";

const rowTemplate = $("account-row");
let accounts = [];
let refreshTimer = null;
let revealTimer = null;
let fetchedAt = 0;
let renderToken = 0;
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

/** Wires the list; `on.openAccount(account)` opens the account dialog. */
export function initList(on) {
  handlers = on;
  watchFocus();
  $("search").addEventListener("input", render);
  window.addEventListener("pointermove", onPointerMove);
  window.addEventListener("pointerup", (event) => endDrag(event, true));
  window.addEventListener("pointercancel", (event) => endDrag(event, false));
  // Another window took the pointer (Alt+Tab mid-drag, say): the drag ends where it began.
  window.addEventListener("blur", () => drag && endDrag({ pointerId: drag.pointerId }, false));
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
    // The ring is a CSS animation that repeats every period, in phase with the clock (periods start at multiples
    // of the period since 1970), stepping once a second: no script ticks and one repaint a second.
    row.style.setProperty("--period", `${account.period}s`);
    row.style.setProperty("--steps", String(account.period));
    phaseRing(row, account);
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
  row.addEventListener("pointerdown", (event) => startDrag(event, account, row));
  return row;
}

// ---- Reordering with the pointer ----
// Pointer events, not the page's drag and drop: on Windows the shell's file-drop handler turns that off, and
// pointer events behave the same on every system. A touch is left to scroll the list; the account dialog's
// Move buttons and Alt+↑/↓ reorder too.

/** The drag in progress: {account, row, pointerId, x, y, moving, target}. */
let drag = null;
/** How far (px) the pointer moves before a press becomes a drag rather than a click. */
const DRAG_THRESHOLD = 6;
/** Within this many pixels of the window's top or bottom edge, a drag scrolls the list. */
const SCROLL_EDGE = 48;

function startDrag(event, account, row) {
  if (event.button !== 0 || event.pointerType === "touch" || event.target.closest("button")) return;
  if (drag) endDrag({ pointerId: drag.pointerId }, false);
  drag = { account, row, pointerId: event.pointerId, x: event.clientX, y: event.clientY, moving: false, target: null };
}

function onPointerMove(event) {
  if (!drag || event.pointerId !== drag.pointerId) return;
  if (!(event.buttons & 1)) {
    // The button was released where the page did not see it: nothing moves.
    endDrag(event, false);
    return;
  }
  if (!drag.moving) {
    if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) return;
    drag.moving = true;
    drag.row.setPointerCapture(event.pointerId);
    drag.row.addEventListener("lostpointercapture", (lost) => endDrag(lost, false), { once: true });
    drag.row.classList.add("dragging");
    document.body.classList.add("reordering");
    window.getSelection()?.removeAllRanges();
  }
  const over = document.elementFromPoint(event.clientX, event.clientY)?.closest(".account");
  setDropTarget(over && over !== drag.row && sameGroup(over) ? over : null);
  if (event.clientY < SCROLL_EDGE) window.scrollBy(0, -24);
  else if (event.clientY > window.innerHeight - SCROLL_EDGE) window.scrollBy(0, 24);
}

/** Favourites are shown first: a row moves among its own group only. */
function sameGroup(row) {
  return accounts[indexOf(row.dataset.id)]?.favorite === drag.account.favorite;
}

/** Marks where the dragged row would land: above the target when moving up, below it when moving down. */
function setDropTarget(row) {
  drag.target?.classList.remove("drop-above", "drop-below");
  drag.target = row;
  if (!row) return;
  row.classList.add(indexOf(row.dataset.id) < indexOf(drag.row.dataset.id) ? "drop-above" : "drop-below");
}

function endDrag(event, drop) {
  if (!drag || event.pointerId !== drag.pointerId) return;
  const { account, row, moving, target } = drag;
  setDropTarget(null);
  drag = null;
  row.classList.remove("dragging");
  document.body.classList.remove("reordering");
  if (!moving) return;
  // The click that ends a drag is not a click on a row (which would copy its code).
  const swallow = (click) => click.stopPropagation();
  window.addEventListener("click", swallow, { capture: true, once: true });
  setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
  const to = target ? indexOf(target.dataset.id) : -1;
  if (drop && to >= 0) moveTo(account.id, to);
}

function onRowKey(event, account) {
  // Keys on the row's own buttons (⋯, Next code) are theirs: Enter presses the button.
  if (event.target !== event.currentTarget) return;
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
  const token = ++renderToken;
  const first = Math.max(firstRows(), shown.findIndex((a) => a.id === focused) + 1);
  $("accounts").replaceChildren(...shown.slice(0, first).map(renderRow));
  if (shown.length > first) {
    requestAnimationFrame(() => setTimeout(() => {
      if (token !== renderToken) return;
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
  if (focused) document.querySelector(`.account[data-id="${CSS.escape(focused)}"]`)?.focus();
}

const shape = (list) => list.map((a) => [a.id, a.issuer, a.name, a.favorite, a.kind, a.period].join("\u0000")).join("\u0001");

/** The rows on screen with their accounts (rows are looked up once, not once per account). */
function shownRows() {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return [...document.querySelectorAll(".account")].map((row) => [row, byId.get(row.dataset.id)]);
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
  if (before === shape(accounts) && document.querySelector(".account")) {
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

/** Accounts whose deletion is on its way: a second press on the same row waits for the first's answer. */
const removing = new Set();

/** Deletes an account with an Undo toast; the row that takes its place gets the focus. */
export async function remove(account) {
  if (removing.has(account.id)) return;
  removing.add(account.id);
  try {
    await deleteAndOfferUndo(account);
  } finally {
    removing.delete(account.id);
  }
}

async function deleteAndOfferUndo(account) {
  const shown = shownAccounts();
  const at = shown.findIndex((a) => a.id === account.id);
  const neighbour = shown[at + 1] ?? shown[at - 1];
  try {
    await api.deleteAccount(account.id);
    // Focused before the list is drawn again, so that the drawing keeps it.
    if (neighbour) document.querySelector(`.account[data-id="${CSS.escape(neighbour.id)}"]`)?.focus();
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
    document.querySelector(`.account[data-id="${CSS.escape(id)}"]`)?.focus();
  } catch (error) {
    toast(message(error));
  }
}
