// The quick-copy palette: type a few letters of a service, Enter copies the first account's code (or the one
// chosen with the arrows) and closes, Escape closes. Finding and copying happen in Rust; this page draws rows and
// keeps their countdowns. A locked Twofold shows the recovery password field instead.
import * as api from "./api.js";
import { $, applyTheme, message, paintAvatar } from "./ui.js";

/** Rows drawn at most: the palette is for the few best matches. */
const SHOWN = 8;
const rowTemplate = $("palette-row");
let accounts = [];
let chosen = 0;
/** When the accounts were read, to count their seconds down. */
let readAt = 0;
let tick = null;
/** Each search is a turn: an answer to an older one is dropped. */
let turn = 0;

async function search() {
  const mine = ++turn;
  try {
    const found = await api.findAccounts($("palette-search").value);
    if (mine !== turn) return;
    showUnlock(false);
    accounts = found.slice(0, SHOWN);
    readAt = Date.now();
    chosen = Math.min(chosen, Math.max(accounts.length - 1, 0));
    render();
  } catch (error) {
    if (mine !== turn) return;
    if (error?.kind === "locked") return showUnlock(true, message(error));
    $("palette-error").textContent = message(error);
  }
}

function showUnlock(locked, sentence = "") {
  $("palette-unlock").hidden = !locked;
  $("palette-find").hidden = locked;
  if (!locked) return;
  stopTicking();
  $("palette-locked-message").textContent = sentence
    ? `${sentence} Enter your recovery password to copy a code.`
    : "Twofold is locked. Enter your recovery password to copy a code.";
  $("palette-password").focus();
}

/** Seconds left of an account's code now, counted down from when it was read. */
function secondsLeft(account) {
  if (account.secondsLeft == null) return null;
  return account.secondsLeft - Math.floor((Date.now() - readAt) / 1000);
}

function render() {
  $("palette-error").textContent = "";
  const query = $("palette-search").value.trim();
  $("palette-empty").hidden = accounts.length > 0;
  $("palette-empty").textContent = query ? `No account matches “${query}”.` : "No accounts yet.";
  $("palette-list").replaceChildren(...accounts.map((account, index) => {
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    row.dataset.id = account.id;
    row.id = `palette-option-${index}`;
    paintAvatar(row.querySelector(".avatar"), account.issuer, account.name);
    row.querySelector(".issuer").textContent = account.issuer || account.name;
    row.querySelector(".name").textContent = account.issuer ? account.name : "";
    row.addEventListener("pointermove", (event) => {
      if (pointerMoved(event)) choose(index);
    });
    row.addEventListener("click", () => copy(index));
    return row;
  }));
  choose(chosen);
  paintCodes();
  startTicking();
}

/** The codes and countdowns of the rows. Fewer than 5 seconds left: Enter copies the next code, and says so. */
function paintCodes() {
  let expired = false;
  accounts.forEach((account, index) => {
    const row = $(`palette-option-${index}`);
    if (!row) return;
    const left = secondsLeft(account);
    if (left != null && left <= 0) expired = true;
    const soon = left != null && left < 5;
    row.querySelector(".code").textContent = soon ? account.nextCode : account.code;
    row.querySelector(".soon").textContent = soon ? `next code, valid in ${Math.max(left, 0)} s` : "";
    row.querySelector(".left").textContent = left == null ? "" : `${Math.max(left, 0)} s`;
    row.classList.toggle("soon", soon);
  });
  if (expired) search();
}

/** Where the pointer was last seen. WebKit also reports a pointer that stays put while rows move under it (as they
 *  do with each letter typed): only a real move chooses a row. */
let pointer = null;

function pointerMoved(event) {
  const was = pointer;
  pointer = { x: event.screenX, y: event.screenY };
  return was !== null && (was.x !== pointer.x || was.y !== pointer.y);
}

function startTicking() {
  stopTicking();
  if (accounts.some((a) => a.secondsLeft != null)) tick = setInterval(paintCodes, 1000);
}

function stopTicking() {
  clearInterval(tick);
  tick = null;
}

function choose(index) {
  chosen = index;
  for (const row of $("palette-list").children) row.setAttribute("aria-selected", String(row.id === `palette-option-${index}`));
  const row = $(`palette-option-${index}`);
  if (row) {
    $("palette-search").setAttribute("aria-activedescendant", row.id);
    row.scrollIntoView({ block: "nearest" });
  }
}

async function copy(index) {
  const account = accounts[index];
  if (!account) return;
  try {
    await api.quickCopy(account.id);
    close(true);
  } catch (error) {
    $("palette-error").textContent = message(error);
  }
}

/** Hides the palette, ready for the next time; `giveBack`: the keyboard returns to the window that had it. */
function close(giveBack) {
  stopTicking();
  api.closePalette(giveBack).catch(() => {});
}

/** Told by Rust, when the page is ready and each time the palette opens: the theme of the settings, and whether
 *  the palette is shown. Shown, it starts afresh: an empty search field, with the keyboard. Built hidden, the page
 *  waits, with no timer running. */
function opened({ theme, shown }) {
  applyTheme(theme);
  if (!shown) return;
  $("palette-search").value = "";
  $("palette-password").value = "";
  $("palette-unlock-error").textContent = "";
  chosen = 0;
  $("palette-search").focus();
  search();
}

$("palette-search").addEventListener("input", () => {
  chosen = 0;
  search();
});

document.addEventListener("keydown", (event) => {
  if (event.isComposing || event.keyCode === 229) return;
  if (event.key === "Escape") {
    event.preventDefault();
    close(true);
  } else if (!$("palette-find").hidden && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    if (accounts.length) choose((chosen + step + accounts.length) % accounts.length);
  } else if (!$("palette-find").hidden && event.key === "Enter") {
    event.preventDefault();
    copy(chosen);
  }
});

// The user turned to another window: the palette goes, and the keyboard stays where the user put it.
window.addEventListener("blur", () => close(false));

$("palette-unlock").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("palette-unlock-error").textContent = "";
  try {
    await api.paletteUnlock($("palette-password").value);
    $("palette-password").value = "";
    $("palette-search").focus();
    await search();
    $("palette-search").focus();
  } catch (error) {
    $("palette-unlock-error").textContent = message(error);
    $("palette-password").select();
  }
});

api.watchPalette(opened).catch((error) => {
  $("palette-error").textContent = message(error);
});
