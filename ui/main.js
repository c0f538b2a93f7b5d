// Start-up, the welcome and locked screens, and the keyboard shortcuts. The list lives in list.js, the dialogs in
// add.js, account.js and settings.js; every call into Rust is in api.js.
import * as api from "./api.js";
import { initAccount, openAccount } from "./account.js";
import { initAdd, openAdd } from "./add.js";
import { initBrowser } from "./browser.js";
import { anyDialogOpen } from "./dialogs.js";
import { clearSearch, focusFirst, focusSearch, focusStep, initList, onFirstPaint, refresh, searchHasFocus } from "./list.js";
import { logFailure, oneAtATime } from "./requests.js";
import { showScreen as show, screenShown } from "./screens.js";
import { initLock, lockNow } from "./lock.js";
import { initSettings, openSettings } from "./settings.js";
import { $, applyTheme, message, undo } from "./ui.js";

/** The add dialog's tab to open once the welcome screen created the vault, if any. */
let openAddAfterCreate = null;

const report = (event, value) => api.reportTiming(event, value).catch(logFailure(`reporting the timing ${event}`));
let addReady = false;

async function enter(state) {
  if (!addReady) {
    addReady = true;
    initAdd(state.trace ? report : null);
  }
  applyTheme(state.settings?.theme);
  if (state.stage !== "locked") {
    // Opened by the keychain after a password was half typed: the password leaves the page with the locked screen.
    $("unlock-password").value = "";
    $("unlock-error").textContent = "";
  }
  if (state.stage === "welcome") {
    show("welcome");
    $("create-password").focus();
  } else if (state.stage === "locked") {
    $("locked-message").textContent = state.problem?.message ?? "";
    $("unlock-form").hidden = !state.passwordAvailable;
    $("retry-keychain").textContent = state.problem?.kind === "keychain" ? "Try the keychain again" : "Try again";
    // Locked by the user or the clock: only the recovery password opens it, never the keychain.
    $("retry-keychain").hidden = state.problem?.kind === "locked";
    show("locked");
    if (state.passwordAvailable) $("unlock-password").focus();
  } else {
    initSettings(state.settings);
    const notice = $("recovery-notice");
    notice.textContent = [state.recovery, state.keychainNotice].filter(Boolean).join(" ");
    notice.hidden = !notice.textContent;
    if (state.trace) onFirstPaint(() => report("codesVisible", performance.now()));
    // The rows are drawn before the list screen appears, so its first frame already shows the codes.
    const drawn = refresh(state.accounts);
    show("list");
    await drawn;
    if (openAddAfterCreate) {
      const tab = openAddAfterCreate;
      openAddAfterCreate = null;
      openAdd(tab);
    } else {
      focusFirst();
    }
  }
}

$("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const buttons = ["create-submit", "create-restore", "create-import"];
  for (const id of buttons) $(id).disabled = true;
  try {
    // "Scan a QR code" goes on to the camera; "Restore from a backup" and "Import from another app" to the
    // Import tab, which reads a Twofold backup as it reads another app's export.
    const importing = ["create-restore", "create-import"].includes(event.submitter?.id);
    openAddAfterCreate = importing ? "import" : "camera";
    const state = await api.createVault($("create-password").value);
    $("create-password").value = ""; // a password stays in the page only while it is being typed
    await enter(state);
  } catch (error) {
    openAddAfterCreate = null;
    $("create-error").textContent = message(error);
    // Without a keychain, a recovery password alone can protect the vault: the sentence says so.
    if (error?.kind === "keychain") $("create-password").focus();
    // A vault that appeared meanwhile (a backup copied into the folder, say) is opened instead of being
    // overwritten: the welcome screen has no way to it.
    if (error?.kind === "vault") {
      const state = await api.startup().catch(logFailure("looking for a vault that appeared"));
      if (state && state.stage !== "welcome") await enter(state);
    }
  } finally {
    for (const id of buttons) $(id).disabled = false;
  }
});

/** Runs an unlock or a new try of the keychain, one at a time: a second answer would replace the first one's
 *  notice (a new key stored in the keychain, say) before it could be read. */
const unlock = oneAtATime((work) => work());

$("unlock-form").addEventListener("submit", (event) => {
  event.preventDefault();
  unlock(async () => {
    $("unlock-error").textContent = "";
    $("unlock-submit").textContent = "Unlocking…"; // checking a password takes a moment on purpose
    try {
      const state = await api.unlockWithPassword($("unlock-password").value);
      $("unlock-password").value = "";
      await enter(state);
    } catch (error) {
      $("unlock-error").textContent = message(error);
      $("unlock-password").select();
    } finally {
      $("unlock-submit").textContent = "Unlock";
    }
  });
});

$("retry-keychain").addEventListener("click", () => {
  unlock(async () => {
    $("unlock-error").textContent = "";
    $("locked-message").textContent = "Asking the keychain again…";
    try {
      await enter(await api.startup());
    } catch (error) {
      $("locked-message").textContent = message(error);
    }
  });
});
$("open-add").addEventListener("click", () => openAdd());
$("empty-add").addEventListener("click", () => openAdd());
$("open-settings").addEventListener("click", () => openSettings());
// The settings' Export section points to the way in: the add dialog's Import tab.
$("settings-import").addEventListener("click", () => {
  $("settings-dialog").close();
  openAdd("import");
});

initList({ openAccount });
initAccount();
initBrowser();
initLock(onLocked);

/** Twofold locked (after a time without use, or the Lock button): the open dialogs close, the codes leave the
 *  page, and the locked screen asks for the recovery password. */
async function onLocked() {
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  await refresh([]);
  $("recovery-notice").hidden = true;
  const state = await api.startup().catch(logFailure("showing the locked screen"));
  if (state) await enter(state);
}

const typing = () => ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);

document.addEventListener("keydown", (event) => {
  // Keys that an input method is composing with (arrows choose a candidate, Escape cancels) belong to it.
  if (!screenShown("list") || event.isComposing || event.keyCode === 229) return;
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key; // Caps Lock does not change a shortcut
  if (ctrl && key === "z" && !event.shiftKey && !typing()) {
    if (undo()) event.preventDefault();
  } else if (anyDialogOpen()) {
    // The open dialog has the keys: Ctrl+N would throw away a confirmation card, Ctrl+F reach a hidden field.
    return;
  } else if (ctrl && key === "n") {
    event.preventDefault();
    openAdd();
  } else if (ctrl && key === "l" && !$("lock-now").hidden) {
    event.preventDefault();
    lockNow();
  } else if (ctrl && key === ",") {
    event.preventDefault();
    openSettings();
  } else if (ctrl && key === "f") {
    event.preventDefault();
    focusSearch();
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    if (event.altKey) return;
    event.preventDefault();
    focusStep(event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Escape" && searchHasFocus()) {
    clearSearch();
  } else if (event.key.length === 1 && event.key !== " " && !ctrl && !event.altKey && !typing()) {
    // Typing searches; Space stays with the focused button.
    focusSearch();
  }
});

api.startup().then(
  (state) => enter(state),
  (error) => {
    $("locked-message").textContent = message(error);
    $("unlock-form").hidden = true;
    show("locked");
  },
);
