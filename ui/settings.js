// The settings dialog, in sections: general (clipboard clear delay, theme, tray), recovery password, app lock
// (lock.js), backups (backups.js), export (export.js), browser integration (browsers.js), recently deleted (trash.js),
// about.
import * as api from "./api.js";
import { initBackups, showBackups } from "./backups.js";
import { initExport, showExport } from "./export.js";
import { showLock } from "./lock.js";
import { openDialog } from "./dialogs.js";
import { Latest } from "./requests.js";
import { $, applyTheme, message, toast } from "./ui.js";

const dialog = $("settings-dialog");
let settings = null;


let wired = false;

export function initSettings(initial) {
  show(initial);
  if (wired) return;
  wired = true;
  $("setting-clear").addEventListener("change", save);
  for (const radio of document.querySelectorAll('input[name="theme"]')) radio.addEventListener("change", save);
  $("setting-tray").addEventListener("change", save);
  $("setting-shortcut").addEventListener("keydown", recordShortcut);
  $("shortcut-default").addEventListener("click", () => saveShortcut(DEFAULT_SHORTCUT));
  $("shortcut-off").addEventListener("click", () => saveShortcut(null));
  $("password-form").addEventListener("submit", onPassword);
  // A password stays in the page only while it is being typed: one left half-typed is gone when the dialog closes.
  dialog.addEventListener("close", () => {
    $("password-form").reset();
    $("lock-password").value = "";
    $("export-password").value = "";
    $("export-recovery").value = "";
  });
  for (const link of dialog.querySelectorAll(".settings-nav a")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      goTo(link.getAttribute("href").slice(1));
    });
  }
  initBackups(openSettings);
  initExport();
}

/** Scrolls to a section and moves the keyboard to its first control. */
function goTo(sectionId) {
  const section = $(sectionId);
  section.scrollIntoView({ block: "start" });
  section.querySelector("input, select, button:not([disabled])")?.focus({ preventScroll: true });
}

/** Opens the settings; with `sectionId`, at that section. */
export async function openSettings(sectionId) {
  try {
    show(await api.getSettings());
  } catch (error) {
    toast(message(error));
  }
  $("password-error").textContent = "";
  $("settings-error").textContent = "";
  openDialog(dialog);
  if (typeof sectionId === "string") goTo(sectionId);
  else $("setting-clear").focus();
  // Fetched each time the dialog opens; the modules load on the first opening.
  const browsers = await import("./browsers.js");
  await browsers.showBrowsers();
  const trash = await import("./trash.js");
  await trash.showTrash();
}

function show(view) {
  settings = view;
  applyTheme(view.theme);
  $("setting-clear").value = view.clipboardClearSeconds == null ? "off" : String(view.clipboardClearSeconds);
  if (!$("setting-clear").value) {
    const option = document.createElement("option");
    option.value = String(view.clipboardClearSeconds);
    option.textContent = `after ${view.clipboardClearSeconds} seconds`;
    $("setting-clear").append(option);
    $("setting-clear").value = option.value;
  }
  for (const radio of document.querySelectorAll('input[name="theme"]')) radio.checked = radio.value === view.theme;
  $("setting-tray").checked = view.keepInTray;
  $("setting-shortcut").value = view.quickCopyShortcut ?? "";
  $("shortcut-error").textContent = view.shortcutProblem ?? "";
  // On Wayland the desktop has the last word on the keys: it says which they are.
  $("shortcut-by-desktop").hidden = !view.shortcutByDesktop;
  $("shortcut-by-desktop").textContent = view.shortcutByDesktop ? `Your desktop opens the palette with ${view.shortcutByDesktop}.` : "";
  $("palette-command").textContent = view.paletteCommand;
  $("password-status").textContent = view.passwordSet
    ? "A recovery password is set. It opens your accounts if the keychain is reset or unavailable."
    : "No recovery password is set. If the keychain is reset, your accounts cannot be opened. Set one now.";
  $("password-submit").textContent = view.passwordSet ? "Change password" : "Set password";
  $("password-current-row").hidden = !view.passwordSet;
  $("password-rekey-note").hidden = !view.passwordSet;
  $("about-version").textContent = view.version;
  $("about-path").textContent = view.vaultPath;
  showBackups(view.backups);
  showExport(view);
  showLock(view);
}

let saving = Promise.resolve();
/** Each change of a control is a turn: only the latest is saved and shown. */
const changes = new Latest();

/** Saves the controls as they are. Saves run one at a time, each reading the controls when it starts, so quick
 *  changes (↓ ↓ through the themes) end with the last one saved and shown. */
function save() {
  applyTheme(document.querySelector('input[name="theme"]:checked')?.value);
  const latest = changes.next();
  saving = saving.then(async () => {
    if (!latest()) return; // a later change saves the controls anyway
    const clear = $("setting-clear").value;
    const theme = document.querySelector('input[name="theme"]:checked')?.value ?? "system";
    const keepInTray = $("setting-tray").checked;
    $("settings-error").textContent = "";
    try {
      const saved = await api.saveSettings({
        clipboardClearSeconds: clear === "off" ? null : Number(clear),
        theme,
        keepInTray,
      });
      if (latest()) show(saved);
    } catch (error) {
      // Nothing was saved: the page shows the settings as they are, and why (a toast would sit under the dialog).
      if (latest() && settings) show(settings);
      $("settings-error").textContent = message(error);
    }
  });
}

const MAC = navigator.platform.startsWith("Mac");
const DEFAULT_SHORTCUT = MAC ? "Cmd+Shift+Space" : "Ctrl+Shift+Space";

/** The name of a key as the shortcut library reads it: letters and digits bare, other keys by their code. Where
 *  the code is not known (keys some input methods and automation send), by the key's own name. */
function keyName(event) {
  const code = event.code && event.code !== "Unidentified" ? event.code : "";
  if (code) return code.replace(/^Key(?=[A-Z]$)/, "").replace(/^Digit(?=\d$)/, "");
  if (event.key === " ") return "Space";
  if (event.key.length === 1) return event.key.toUpperCase();
  if (event.key && event.key !== "Unidentified") return event.key;
  // Letters, digits, Space and F1–F12 by their legacy key codes, which every engine still fills in.
  const k = event.keyCode;
  if ((k >= 65 && k <= 90) || (k >= 48 && k <= 57)) return String.fromCharCode(k);
  if (k === 32) return "Space";
  if (k >= 112 && k <= 123) return `F${k - 111}`;
  return "Unidentified";
}

/** Keys pressed in the shortcut field become the shortcut: modifiers first, then one other key. Tab still moves
 *  on, and Escape leaves the field as it was. */
function recordShortcut(event) {
  const modifiers = ["Control", "Shift", "Alt", "Meta", "AltGraph", "CapsLock"];
  if (modifiers.includes(event.key) || event.isComposing) return;
  const plain = !event.ctrlKey && !event.altKey && !event.metaKey;
  if (plain && (event.key === "Tab" || event.key === "Escape")) return;
  event.preventDefault();
  const parts = [];
  if (event.ctrlKey) parts.push("Ctrl");
  if (event.altKey) parts.push(MAC ? "Option" : "Alt");
  if (event.shiftKey) parts.push("Shift");
  if (event.metaKey) parts.push(MAC ? "Cmd" : "Super");
  parts.push(keyName(event));
  saveShortcut(parts.join("+"));
}

async function saveShortcut(shortcut) {
  $("setting-shortcut").value = shortcut ?? "";
  $("shortcut-error").textContent = "";
  try {
    show(await api.setShortcut(shortcut));
    toast(shortcut ? `${shortcut} opens the quick-copy palette` : "No shortcut opens the quick-copy palette");
  } catch (error) {
    // The shortcut before is still in effect: the field shows it again, with the reason.
    if (settings) $("setting-shortcut").value = settings.quickCopyShortcut ?? "";
    $("shortcut-error").textContent = message(error);
  }
}

async function onPassword(event) {
  event.preventDefault();
  const password = $("password-new").value;
  $("password-error").textContent = "";
  if (password !== $("password-repeat").value) {
    $("password-error").textContent = "The two passwords differ. Type the same password twice.";
    return;
  }
  const submit = $("password-submit");
  submit.disabled = true;
  submit.textContent = "Saving…";
  try {
    const changed = settings?.passwordSet;
    const current = $("password-current").value || null;
    $("password-current").value = "";
    show(await api.setPassword(password, current));
    $("password-new").value = "";
    $("password-repeat").value = "";
    toast(changed ? "Recovery password changed" : "Recovery password set");
  } catch (error) {
    $("password-error").textContent = message(error);
    show(settings);
    if (["needsRecoveryPassword", "wrongPassword", "wait"].includes(error?.kind)) $("password-current").focus();
  } finally {
    submit.disabled = false;
  }
}
