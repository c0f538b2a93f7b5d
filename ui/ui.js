// Small view helpers shared by the screens: element lookup, error sentences, the toast with its undo action,
// issuer avatars.
import { brandFor } from "./brands.js";

export const $ = (id) => document.getElementById(id);

/** Applies the theme: "system" follows the OS through prefers-color-scheme. */
export function applyTheme(theme) {
  if (theme === "light" || theme === "dark") {
    document.documentElement.dataset.theme = theme;
  } else {
    delete document.documentElement.dataset.theme;
  }
}

/** The sentence of a {kind, message} error (or anything thrown). */
export function message(error) {
  return error?.message ?? String(error);
}

/** Puts a sentence in a status line; `kind` ("error", or "" for news) styles it. */
export function setStatus(id, text, kind = "") {
  const element = $(id);
  element.textContent = text;
  element.dataset.kind = kind;
}

let toastTimer = null;
let toastAction = null;

/** Shows a toast; `action` adds an Undo button (also reachable with Ctrl+Z while the toast shows). While a dialog
 *  is open the toast is shown inside it: a modal dialog dims the page behind it and makes it unclickable. */
export function toast(text, action) {
  const host = [...document.querySelectorAll("dialog[open]")].pop() ?? document.body;
  if ($("toast").parentElement !== host) host.append($("toast"));
  $("toast-text").textContent = text;
  const button = $("toast-action");
  toastAction = action ?? null;
  button.hidden = !action;
  $("toast").hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, action ? 8000 : 4000);
}

function hideToast() {
  $("toast").hidden = true;
  toastAction = null;
}

/** Runs the toast's undo action, if one is showing. Returns whether there was one. */
export function undo() {
  const action = toastAction;
  if (!action) return false;
  hideToast();
  // An undo that fails (the vault could not be saved, say) says so in a toast of its own.
  Promise.resolve().then(action).catch((error) => toast(message(error)));
  return true;
}

// The quick-copy palette's page has no toast.
$("toast-action")?.addEventListener("click", undo);
// A dialog that closes while its toast shows hands the toast back to the page, still showing.
document.addEventListener("close", (event) => {
  if (event.target.contains($("toast"))) document.body.append($("toast"));
}, true);

/** Fills an `.avatar` with the issuer's brand icon, or initials on a colour derived from the issuer. */
export function paintAvatar(avatar, issuer, name) {
  const label = (issuer || name || "?").trim();
  const brand = brandFor(label);
  const initials = avatar.querySelector(".initials");
  const icon = avatar.querySelector(".icon");
  if (brand) {
    avatar.style.setProperty("--avatar", `#${brand.hex}`);
    // Drawn inline: an <img> per icon would cost WebKit a separate SVG document for each.
    icon.firstElementChild.setAttribute("d", brand.path);
    icon.removeAttribute("hidden");
    initials.textContent = "";
  } else {
    avatar.style.setProperty("--avatar", `hsl(${hue(label)} 55% 42%)`);
    icon.firstElementChild.removeAttribute("d");
    icon.setAttribute("hidden", "");
    initials.textContent = initialsOf(label);
  }
}

function initialsOf(label) {
  const words = label.split(/[\s._@-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : label.slice(0, 2);
  return letters.toUpperCase();
}

function hue(text) {
  let h = 0;
  for (const c of text.toLowerCase()) h = (h * 31 + c.codePointAt(0)) % 360;
  return h;
}
