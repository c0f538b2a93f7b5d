// The add dialog: the Camera, Screen, Image, Link, Import and Manual tabs, and what they found, shown on the
// confirmation card (card.js). The camera lives in camera.js, exports of other apps in import-tab.js and the typed
// account in manual.js; pictures and links are here.
import * as api from "./api.js";
import { clearCamera, initCamera, startCamera, stopCamera } from "./camera.js";
import { cardShown, hideCard, initCard, showCard } from "./card.js";
import { openDialog } from "./dialogs.js";
import { askPassword, hidePassword, initImportTab, passwordRefused } from "./import-tab.js";
import { forgetManualSecret, initManual, resetManual } from "./manual.js";
import { Latest, logFailure } from "./requests.js";
import { screenShown } from "./screens.js";
import { $, message, setStatus } from "./ui.js";

const dialog = $("add-dialog");
const tabNames = ["camera", "screen", "image", "link", "import", "manual"];
let tab = "camera";
/** Each return to the tabs, and each closing, is a turn: a scan that answers after either is dropped. */
const turns = new Latest();

/** Wires the dialog. `report(event, value)` receives preview timings when tracing. */
export function initAdd(report) {
  for (const button of dialog.querySelectorAll("[data-tab]")) {
    button.addEventListener("click", () => selectTab(button.dataset.tab));
  }
  dialog.querySelector(".tabs").addEventListener("keydown", onTabKey);
  dialog.addEventListener("close", onClose);
  initCamera({ report, keepKeyboard, onFound: found, wanted: () => dialog.open && tab === "camera" && !cardShown() });
  initManual({ onFound: found });
  initImportTab({ still });
  initCard({ onBack: () => showTabs(), onAdded: () => dialog.close() });
  $("scan-screen").addEventListener("click", () => still("screen-status", api.scanScreen(), "Reading the screen…"));
  $("image-file").addEventListener("change", (event) => {
    readFile(event.target.files[0]);
    event.target.value = ""; // so choosing the same file again reads it again
  });
  $("paste-image").addEventListener("click", () => still("image-status", api.scanClipboard(), "Reading the clipboard…"));
  // A file dragged onto the window reaches Rust with its path (pages get no file from such a drop in every web
  // view); what it holds comes back here. Asked for after the first paint, which it does not need to hold up.
  requestAnimationFrame(() => setTimeout(() => {
    api.watchDrops(onDropped).catch(logFailure("listening for files dropped on the window"));
  }, 0));
  dialog.addEventListener("paste", onPaste);
  $("link-form").addEventListener("submit", (event) => {
    event.preventDefault();
    still("link-status", api.scanLink($("link-text").value), "Reading the link…");
  });
}

/** Opens the dialog on a tab (the camera by default). */
export function openAdd(which = "camera") {
  openDialog(dialog);
  showTabs(which);
}

function showTabs(which = tab) {
  turns.next();
  hideCard();
  $("add-tabs-view").hidden = false;
  selectTab(which);
}

function selectTab(name) {
  tab = name;
  for (const button of dialog.querySelectorAll("[data-tab]")) {
    const selected = button.dataset.tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
  for (const panel of dialog.querySelectorAll(".tab")) {
    panel.hidden = panel.id !== `tab-${name}`;
  }
  if (name === "camera") {
    keepKeyboard();
    startCamera();
  } else {
    stopCamera();
    const first = {
      screen: "scan-screen",
      image: "paste-image",
      link: "link-text",
      import: "import-choose",
      manual: "manual-issuer",
    }[name];
    $(first)?.focus();
  }
}

/** The camera tab has no field to start in: when the control that had the keyboard was just hidden ("Scan again",
 *  the camera's "Try again"), the camera's tab takes it. */
function keepKeyboard() {
  const active = document.activeElement;
  if (!active || active === document.body || active.closest("[hidden]")) {
    dialog.querySelector('[data-tab="camera"]').focus();
  }
}

function onTabKey(event) {
  const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
  if (!step) return;
  event.preventDefault();
  const next = tabNames[(tabNames.indexOf(tab) + step + tabNames.length) % tabNames.length];
  selectTab(next);
  dialog.querySelector(`[data-tab="${next}"]`).focus();
}

function onClose() {
  turns.next();
  stopCamera();
  hideCard();
  forgetTypedSecrets();
  api.discardPending().catch(logFailure("forgetting the accounts found"));
  // The next opening starts clean: no last camera frame (it may show a QR code), no old sentences or fields.
  clearCamera();
  for (const id of ["screen-status", "image-status", "link-status", "import-status"]) setStatus(id, "");
  resetManual();
}

/** A pasted link or a typed secret stays in the page only while the user works on it. */
function forgetTypedSecrets() {
  $("link-text").value = "";
  forgetManualSecret();
  hidePassword();
}

/** Shows what a scan found on the card, in place of the tabs. */
function found(list, leftOut = []) {
  stopCamera();
  forgetTypedSecrets();
  $("add-tabs-view").hidden = true;
  showCard(list, leftOut);
}

// ---- Still pictures and links ----

async function still(statusId, promise, working) {
  setStatus(statusId, working);
  const current = turns.now();
  try {
    const result = await promise;
    if (!current()) {
      // The dialog closed (or went back to the tabs) meanwhile: what was found, or a code of an export added to the
      // codes read so far, is not wanted.
      if ((result.type === "found" || result.type === "progress") && !dialog.open) {
        api.discardPending().catch(logFailure("forgetting what a late scan found"));
      }
      return;
    }
    showScan(statusId, result);
  } catch (error) {
    if (!current()) return;
    setStatus(statusId, message(error), "error");
    if (error?.kind === "wrongPassword") passwordRefused();
  }
}

/** Shows what a still picture or a link held: the confirmation card, export progress, or why nothing. */
function showScan(statusId, result) {
  if (result.type === "found") {
    setStatus(statusId, "");
    found(result.pending, result.leftOut);
  } else if (result.type === "progress") {
    setStatus(statusId, `${result.message} Add the next code of the export.`);
  } else if (result.type === "needsPassword") {
    setStatus(statusId, result.message);
    askPassword(result);
  } else if (result.type === "failed") {
    setStatus(statusId, result.error.message, "error");
  } else {
    setStatus(statusId, result.message, "error");
  }
}

/** A file dropped on the window, once the accounts are open: the Image or the Import tab shows what it holds. */
function onDropped({ kind, scan }) {
  if (!screenShown("list")) {
    // Dropped on the welcome or lock screen: nothing is shown, so nothing read may wait for the next Add.
    if (scan.type === "found" || scan.type === "progress" || scan.type === "needsPassword") {
      api.discardPending().catch(logFailure("forgetting what a file dropped before the list held"));
    }
    return;
  }
  const where = kind === "export" ? "import" : "image";
  if (!dialog.open) {
    openAdd(where);
  } else {
    toTab(where);
  }
  showScan(`${where}-status`, scan);
}

/** Shows the tab `name`, leaving the confirmation card if it is up (a picture or link pasted or dropped on it). */
function toTab(name) {
  if (cardShown()) showTabs(name);
  else if (tab !== name) selectTab(name);
}

async function readFile(file) {
  if (!file) return;
  setStatus("image-status", `Reading ${file.name}…`);
  still("image-status", api.scanImage(await file.arrayBuffer()), `Reading ${file.name}…`);
}

async function onPaste(event) {
  const item = [...(event.clipboardData?.items ?? [])].find((i) => i.type.startsWith("image/"));
  if (item) {
    event.preventDefault();
    toTab("image");
    still("image-status", api.scanImage(await item.getAsFile().arrayBuffer()), "Reading the pasted picture…");
  } else if (tab === "camera" || tab === "image") {
    const text = event.clipboardData?.getData("text/plain")?.trim();
    if (text?.startsWith("otpauth")) {
      event.preventDefault();
      toTab("link");
      $("link-text").value = text;
      still("link-status", api.scanLink(text), "Reading the link…");
    }
  }
}
