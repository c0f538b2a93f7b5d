// The add dialog's Import tab: another authenticator's export, or a Twofold backup, chosen or dropped on the window.
// Rust reads it (and runs the key derivation of an encrypted one, which takes a moment); its accounts come to the
// confirmation card like a scan's, so nothing is added before the user checks them.
import * as api from "./api.js";
import { $ } from "./ui.js";

let on = null;

/** Wires the tab. `options.still(statusId, promise, working)` shows what a request found, as the other tabs do. */
export function initImportTab(options) {
  on = options;
  $("import-choose").addEventListener("click", () => $("import-file").click());
  $("import-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = ""; // so choosing the same file again reads it again
    if (!file) return;
    hidePassword();
    on.still("import-status", api.importFile(await file.arrayBuffer()), `Reading ${file.name}…`);
  });
  $("import-unlock").addEventListener("submit", (event) => {
    event.preventDefault();
    const password = $("import-password").value;
    $("import-password").value = ""; // a password stays in the page only while it is being typed
    // Checking a password takes a moment on purpose: the sentence says so until the answer comes.
    on.still("import-status", api.unlockExport(password), "Unlocking…");
  });
}

/** An encrypted export waits for its password: the field asks for it, with the sentence naming the app. */
export function askPassword(result) {
  $("import-unlock-label").textContent = `Password of the ${result.format} export`;
  $("import-unlock").hidden = false;
  $("import-password").focus();
}

/** The password was wrong: the field stays, ready for another try. */
export function passwordRefused() {
  if ($("import-unlock").hidden) return;
  $("import-password").focus();
}

/** Hides the password field and forgets what was typed in it. */
export function hidePassword() {
  $("import-unlock").hidden = true;
  $("import-password").value = "";
}
