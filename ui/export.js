// The settings' Export section: a file written where the user chooses, or Google Authenticator's export QR codes
// shown one after another. Rust checks the recovery password, makes the file and writes it; the page sends the
// choices and shows the sentence that comes back. The codes hold secrets: they leave the page when their dialog
// closes or the window is hidden.
import * as api from "./api.js";
import { openDialog } from "./dialogs.js";
import { $, message } from "./ui.js";

let settings = null;
let codes = [];
let shown = 0;

export function initExport() {
  $("export-format").addEventListener("change", () => {
    $("export-result").textContent = "";
    $("export-error").textContent = "";
    layout(true);
  });
  $("export-choose").addEventListener("click", async () => {
    const path = await api.chooseSaveFile(fileName()).catch((error) => {
      $("export-error").textContent = message(error);
      return null;
    });
    if (path) $("export-path").value = path;
  });
  $("settings-export").addEventListener("submit", onExport);
  $("codes-previous").addEventListener("click", () => showCode(shown - 1));
  $("codes-next").addEventListener("click", () => {
    if (shown + 1 < codes.length) showCode(shown + 1);
    else $("codes-dialog").close();
  });
  $("codes-dialog").addEventListener("close", forgetCodes);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && $("codes-dialog").open) $("codes-dialog").close();
  });
}

/** Shows the section for these settings; a new opening of the settings starts with empty password fields. */
export function showExport(view) {
  const first = settings === null;
  settings = view;
  $("export-warning").textContent = view.plainWarning;
  layout(first || !$("export-path").value);
}

function format() {
  return $("export-format").value;
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function fileName() {
  const names = {
    twofold: `twofold-export-${today()}.twofold`,
    aegis: `aegis-export-${today()}.json`,
    aegisPlain: `aegis-export-plain-${today()}.json`,
    otpauth: `otpauth-links-${today()}.txt`,
  };
  return names[format()] ?? "";
}

/** Shows the fields the chosen kind needs; `newPath` offers a file name for it in the export folder. */
function layout(newPath) {
  const kind = format();
  const google = kind === "google";
  $("export-warning").hidden = !(kind === "aegisPlain" || kind === "otpauth");
  $("export-password-row").hidden = !(kind === "aegis" || kind === "twofold");
  $("export-password-label").textContent = kind === "twofold"
    ? "Password for the file (leave empty to use your recovery password)"
    : "Password for the file";
  $("export-recovery-row").hidden = !settings?.passwordSet;
  $("export-path-row").hidden = google;
  $("export-submit").textContent = google ? "Show the codes" : "Export";
  if (newPath && !google && settings?.exportFolder) {
    const separator = settings.exportFolder.includes("\\") ? "\\" : "/";
    $("export-path").value = `${settings.exportFolder.replace(/[\\/]$/, "")}${separator}${fileName()}`;
  }
}

async function onExport(event) {
  event.preventDefault();
  $("export-result").textContent = "";
  $("export-error").textContent = "";
  const submit = $("export-submit");
  const label = submit.textContent;
  submit.disabled = true;
  // The key derivations take a moment on purpose.
  submit.textContent = "Working…";
  const recovery = $("export-recovery").value || null;
  try {
    if (format() === "google") {
      const view = await api.exportCodes(recovery);
      $("export-recovery").value = "";
      codes = view.images;
      openDialog($("codes-dialog"));
      showCode(0);
    } else {
      const sentence = await api.exportFile({
        format: format(),
        path: $("export-path").value,
        password: $("export-password").value || null,
        recovery,
      });
      // Passwords stay in the page only while they are being typed.
      $("export-password").value = "";
      $("export-recovery").value = "";
      $("export-result").textContent = sentence;
      layout(true);
    }
  } catch (error) {
    $("export-error").textContent = message(error);
    const field = { needsRecoveryPassword: "export-recovery", wrongPassword: "export-recovery" }[error?.kind];
    if (field) $(field).focus();
  } finally {
    submit.disabled = false;
    submit.textContent = label;
  }
}

function showCode(index) {
  if (!codes.length) return;
  shown = Math.max(0, Math.min(index, codes.length - 1));
  $("codes-image").src = codes[shown];
  $("codes-image").alt = `Export QR code ${shown + 1} of ${codes.length}`;
  $("codes-position").textContent = `Code ${shown + 1} of ${codes.length}`;
  $("codes-previous").disabled = shown === 0;
  $("codes-next").textContent = shown + 1 < codes.length ? "Next" : "Done";
  $("codes-next").focus();
}

function forgetCodes() {
  codes = [];
  shown = 0;
  $("codes-image").removeAttribute("src");
  $("codes-position").textContent = "";
}
