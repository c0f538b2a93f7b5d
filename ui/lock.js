// The app lock: the settings' "App lock" section, the toolbar's Lock button (Ctrl+L), the use that keeps Twofold
// unlocked, and what the page does when Rust says it locked (after a time without use, or the Lock button). The
// clock, the password check and the keys live in Rust; the page only reports use and drops its codes.
import * as api from "./api.js";
import { logFailure } from "./requests.js";
import { $, message, toast } from "./ui.js";

/** Use is reported at most this often, and four times within the time without use that locks. */
const REPORT_EVERY_MS = 5000;
let reportEvery = REPORT_EVERY_MS;
let lastReport = 0;
let current = null;

/** Wires the section, the button and the use reports; `onLocked()` shows the locked screen. */
export function initLock(onLocked) {
  $("lock-form").addEventListener("submit", onSubmit);
  $("lock-now").addEventListener("click", () => lockNow());
  for (const type of ["pointerdown", "keydown", "wheel"]) {
    document.addEventListener(type, noteUse, { capture: true, passive: true });
  }
  api.watchLock(onLocked).catch(logFailure("listening for the app lock"));
}

function noteUse() {
  const now = Date.now();
  if (now - lastReport < reportEvery) return;
  lastReport = now;
  api.noteUse().catch(logFailure("reporting use to the app lock"));
}

/** Locks now; without a recovery password, says why it cannot. */
export async function lockNow() {
  try {
    await api.lockNow();
  } catch (error) {
    toast(message(error));
  }
}

/** Shows the lock's settings: {lock: {requirePassword, afterIdleSeconds}, passwordSet}. */
export function showLock(view) {
  current = view.lock;
  const idleMs = (current.afterIdleSeconds ?? Infinity) * 1000;
  reportEvery = Math.min(REPORT_EVERY_MS, idleMs / 4);
  const can = Boolean(view.passwordSet);
  $("lock-require").checked = current.requirePassword;
  const idle = current.afterIdleSeconds == null ? "off" : String(current.afterIdleSeconds);
  if (![...$("lock-idle").options].some((o) => o.value === idle)) {
    const option = document.createElement("option");
    option.value = idle;
    option.textContent = `after ${idle} seconds without use`;
    $("lock-idle").append(option);
  }
  $("lock-idle").value = idle;
  for (const id of ["lock-require", "lock-idle", "lock-password", "lock-submit"]) $(id).disabled = !can;
  $("lock-status").textContent = can
    ? "Locking closes your accounts and takes the codes off the screen; the recovery password opens them again."
    : "The app lock needs a recovery password, which is what unlocks Twofold. Set one above first.";
  $("lock-now").hidden = !can;
}

async function onSubmit(event) {
  event.preventDefault();
  const idle = $("lock-idle").value;
  const lock = { requirePassword: $("lock-require").checked, afterIdleSeconds: idle === "off" ? null : Number(idle) };
  const password = $("lock-password").value || null;
  $("lock-password").value = "";
  $("lock-error").textContent = "";
  $("lock-submit").disabled = true;
  try {
    const view = await api.setAppLock(lock, password);
    showLock(view);
    toast("App lock saved");
  } catch (error) {
    $("lock-error").textContent = message(error);
    if (["needsRecoveryPassword", "wrongPassword", "wait"].includes(error?.kind)) $("lock-password").focus();
  } finally {
    $("lock-submit").disabled = false;
  }
}
