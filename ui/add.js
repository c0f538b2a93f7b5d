// The add dialog: Camera, Screen, Image, Link and Manual tabs, then a confirmation card with the live code.
import * as api from "./api.js";
import { refresh } from "./list.js";
import { $, message, openDialog, paintAvatar, toast } from "./ui.js";

const dialog = $("add-dialog");
const pendingTemplate = $("pending-row");
let tab = "camera";
let pending = [];
let codeTimer = null;
let cameraOn = false;
let outline = null;
let trace = null;
let framesShown = 0;
let fpsTimer = null;
/** Counts the dialog's closings and returns to the tabs: a scan that answers after either is dropped. */
let generation = 0;
/** Whether the camera was turned off because the window was hidden, to be turned on when it is shown. */
let pausedWhileHidden = false;
/** Whether a confirmation is on its way: a second click would find the card taken. */
let confirming = false;

/** Wires the dialog. `report(event, value)` receives preview timings when tracing. */
export function initAdd(report) {
  trace = report;
  for (const button of dialog.querySelectorAll("[data-tab]")) {
    button.addEventListener("click", () => selectTab(button.dataset.tab));
  }
  dialog.querySelector(".tabs").addEventListener("keydown", onTabKey);
  dialog.addEventListener("close", onClose);
  // A hidden window (minimised, or closed into the tray) does not keep the camera on; it comes back with the window.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && cameraOn) {
      stopCamera();
      pausedWhileHidden = true;
      status("camera-status", "The camera is off while Twofold is hidden.");
    } else if (!document.hidden && pausedWhileHidden) {
      pausedWhileHidden = false;
      if (dialog.open && tab === "camera" && $("confirm-view").hidden) startCamera();
    }
  });
  $("camera-select").addEventListener("change", () => startCamera());
  $("camera-retry").addEventListener("click", () => {
    $("camera-select").replaceChildren(); // list the cameras again: one may have been plugged in
    startCamera();
  });
  $("scan-screen").addEventListener("click", () => still("screen-status", api.scanScreen(), "Reading the screen…"));
  $("image-file").addEventListener("change", (event) => {
    readFile(event.target.files[0]);
    event.target.value = ""; // so choosing the same file again reads it again
  });
  $("paste-image").addEventListener("click", () => still("image-status", api.scanClipboard(), "Reading the clipboard…"));
  // A file dragged onto the window reaches Rust with its path (pages get no file from such a drop in every web
  // view); what it holds comes back here. Asked for after the first paint, which it does not need to hold up.
  requestAnimationFrame(() => setTimeout(() => api.watchDrops(onDropped).catch(() => {}), 0));
  dialog.addEventListener("paste", onPaste);
  $("link-form").addEventListener("submit", (event) => {
    event.preventDefault();
    still("link-status", api.scanLink($("link-text").value), "Reading the link…");
  });
  $("manual-form").addEventListener("submit", onManual);
  $("manual-kind").addEventListener("change", syncManualFields);
  $("confirm-back").addEventListener("click", () => showTabs());
  $("confirm-add").addEventListener("click", () => confirm(conflicting() ? "replace" : "ask"));
  $("confirm-keep").addEventListener("click", () => confirm("keepBoth"));
  syncManualFields();
}

/** Opens the dialog on a tab (the camera by default). */
export function openAdd(which = "camera") {
  openDialog(dialog);
  showTabs(which);
}

function showTabs(which = tab) {
  generation += 1;
  $("add-tabs-view").hidden = false;
  $("confirm-view").hidden = true;
  clearTimeout(codeTimer);
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
    const first = { screen: "scan-screen", image: "paste-image", link: "link-text", manual: "manual-issuer" }[name];
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
  const names = ["camera", "screen", "image", "link", "manual"];
  const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
  if (!step) return;
  event.preventDefault();
  const next = names[(names.indexOf(tab) + step + names.length) % names.length];
  selectTab(next);
  dialog.querySelector(`[data-tab="${next}"]`).focus();
}

function onClose() {
  generation += 1;
  stopCamera();
  clearTimeout(codeTimer);
  pending = [];
  forgetTypedSecrets();
  api.discardPending().catch(() => {});
  // The next opening starts clean: no last camera frame (it may show a QR code), no old sentences or fields.
  const canvas = $("camera-view");
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  for (const id of ["camera-status", "screen-status", "image-status", "link-status"]) status(id, "");
  $("manual-form").reset();
  $("manual-error").textContent = "";
  syncManualFields();
}

/** A pasted link or a typed secret stays in the page only while the user works on it. */
function forgetTypedSecrets() {
  $("link-text").value = "";
  $("manual-secret").value = "";
}

// ---- Camera ----

function status(id, text, kind = "") {
  const element = $(id);
  element.textContent = text;
  element.dataset.kind = kind;
}

/** A camera that failed (none, busy, no permission, unplugged) can be tried again once the user fixed it. */
function cameraFailed(text) {
  cameraOn = false;
  status("camera-status", text, "error");
  $("camera-retry").hidden = false;
}

/** Counts the camera's starts: what an earlier start reports (a camera left while it opened) is dropped. */
let cameraStarts = 0;

async function startCamera() {
  // No separate stop: Rust's start stops the camera that is on first, in order, where a stop sent just before
  // could reach Rust after the start and stop the new camera.
  clearInterval(fpsTimer);
  cameraOn = false;
  const started = ++cameraStarts;
  const current = () => started === cameraStarts;
  $("camera-retry").hidden = true;
  keepKeyboard();
  status("camera-status", "Starting the camera…");
  const select = $("camera-select");
  try {
    if (!select.options.length) {
      const cameras = await api.listCameras();
      if (!current()) return;
      for (const camera of cameras) {
        const option = document.createElement("option");
        option.value = String(camera.index);
        option.textContent = camera.name;
        select.append(option);
      }
      if (!cameras.length) {
        cameraFailed("No camera was found. Connect a webcam and try again, or use the Screen, Image, Link or Manual tab.");
        return;
      }
    }
    if (tab !== "camera" || !dialog.open || !current()) return;
    if (document.hidden) {
      // Hidden while the cameras were listed: the camera comes on when the window is shown.
      pausedWhileHidden = true;
      status("camera-status", "The camera is off while Twofold is hidden.");
      return;
    }
    cameraOn = true;
    outline = null;
    let told = false; // whether the scan has said something newer than what its start resolves to
    const sofar = await api.startCamera(
      Number(select.value || 0),
      (event) => {
        if (!current()) return;
        told ||= event.type !== "seen";
        onScanEvent(event);
      },
      (frame) => current() && onFrame(frame),
    );
    if (!cameraOn || !current()) return; // stopped or left while the camera was opening: Rust closed it again
    // Codes of an export read before (the window was hidden, another camera picked) are kept: it goes on there.
    if (!told) {
      status("camera-status", sofar ? `${sofar.message} Show the next code.` : "Point the camera at the QR code.");
    }
    startFpsCount();
  } catch (error) {
    if (current()) cameraFailed(message(error));
  }
}

function stopCamera() {
  clearInterval(fpsTimer);
  if (cameraOn) {
    cameraOn = false;
    api.stopCamera().catch(() => {});
  }
}

async function onFrame(buffer) {
  if (!cameraOn) return;
  const bitmap = await createImageBitmap(new Blob([buffer], { type: "image/jpeg" }));
  if (!cameraOn) {
    // Stopped while the frame was decoded: the dialog may have closed and cleared the view (a frame can show a code).
    bitmap.close();
    return;
  }
  const canvas = $("camera-view");
  if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
  }
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  if (outline && performance.now() - outline.at < 600) drawOutline(context, canvas);
  framesShown += 1;
}

function drawOutline(context, canvas) {
  const scale = canvas.width / outline.width;
  context.strokeStyle = "#3ddc84";
  context.lineWidth = 4;
  context.beginPath();
  outline.corners.forEach((p, i) => (i ? context.lineTo(p.x * scale, p.y * scale) : context.moveTo(p.x * scale, p.y * scale)));
  context.closePath();
  context.stroke();
}

function startFpsCount() {
  clearInterval(fpsTimer);
  framesShown = 0;
  if (!trace) return;
  fpsTimer = setInterval(() => {
    trace("previewFps", framesShown / 5);
    framesShown = 0;
  }, 5000);
}

function onScanEvent(event) {
  switch (event.type) {
    case "seen":
      outline = { ...event, at: performance.now() };
      break;
    case "progress":
      status("camera-status", `${event.message} Show the next code.`);
      break;
    case "rejected":
      status("camera-status", event.message, "error");
      break;
    case "found":
      if (!cameraOn) break; // stopped meanwhile: the closing dialog discards it
      cameraOn = false;
      showPending(event.pending, event.leftOut);
      break;
    case "failed":
      cameraFailed(event.error.message);
      break;
    default:
      break;
  }
}

// ---- Still pictures, links and manual entry ----

async function still(statusId, promise, working) {
  status(statusId, working);
  const asked = generation;
  try {
    const result = await promise;
    if (asked !== generation) {
      // The dialog closed (or went back to the tabs) meanwhile: what was found, or a code of an export added to the
      // codes read so far, is not wanted.
      if ((result.type === "found" || result.type === "progress") && !dialog.open) api.discardPending().catch(() => {});
      return;
    }
    showScan(statusId, result);
  } catch (error) {
    if (asked === generation) status(statusId, message(error), "error");
  }
}

/** Shows what a still picture or a link held: the confirmation card, export progress, or why nothing. */
function showScan(statusId, result) {
  if (result.type === "found") {
    status(statusId, "");
    showPending(result.pending, result.leftOut);
  } else if (result.type === "progress") {
    status(statusId, `${result.message} Add the next code of the export.`);
  } else if (result.type === "failed") {
    status(statusId, result.error.message, "error");
  } else {
    status(statusId, result.message, "error");
  }
}

/** A file dropped on the window, once the accounts are open: the Image tab shows what it holds. */
function onDropped({ scan }) {
  if ($("screen-list").hidden) {
    // Dropped on the welcome or lock screen: nothing is shown, so nothing read may wait for the next Add.
    if (scan.type === "found" || scan.type === "progress") api.discardPending().catch(() => {});
    return;
  }
  if (!dialog.open) {
    openAdd("image");
  } else {
    toTab("image");
  }
  showScan("image-status", scan);
}

/** Shows the tab `name`, leaving the confirmation card if it is up (a picture or link pasted or dropped on it). */
function toTab(name) {
  if (!$("confirm-view").hidden) showTabs(name);
  else if (tab !== name) selectTab(name);
}

async function readFile(file) {
  if (!file) return;
  status("image-status", `Reading ${file.name}…`);
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

function syncManualFields() {
  const kind = $("manual-kind").value;
  $("manual-counter").closest("label").hidden = kind !== "hotp";
  $("manual-period").closest("label").hidden = kind === "hotp";
  $("manual-algorithm").closest("label").hidden = kind === "steam";
  $("manual-digits").closest("label").hidden = kind === "steam";
}

async function onManual(event) {
  event.preventDefault();
  $("manual-error").textContent = "";
  // Numbers go as typed: Rust reads them and the sentence says what is wrong with one.
  const number = (id) => $(id).value.trim() || null;
  try {
    const result = await api.addManual({
      issuer: $("manual-issuer").value,
      name: $("manual-name").value,
      secret: $("manual-secret").value,
      kind: $("manual-kind").value,
      algorithm: $("manual-algorithm").value,
      digits: number("manual-digits"),
      period: number("manual-period"),
      counter: number("manual-counter"),
    });
    showPending(result.pending);
  } catch (error) {
    $("manual-error").textContent = message(error);
  }
}

// ---- Confirmation ----

const conflicting = () => pending.some((p) => p.status === "conflict");

/** Shows the accounts to confirm, and the accounts of an export that could not be read (`leftOut` sentences). */
function showPending(list, leftOut = []) {
  stopCamera();
  forgetTypedSecrets();
  pending = list;
  $("add-tabs-view").hidden = true;
  $("confirm-view").hidden = false;
  $("confirm-error").textContent = "";
  const several = list.length > 1;
  $("confirm-intro").textContent = several
    ? `This export holds ${list.length} accounts. Untick any you do not want.`
    : "Check that this code matches what the service expects, then add the account.";
  renderPending(true);
  const conflicts = list.filter((p) => p.status === "conflict");
  const note = $("conflict-note");
  note.hidden = conflicts.length === 0;
  if (conflicts.length) {
    note.textContent = several
      ? `${conflicts.length} of these have the same service and account name as accounts you already have. Replace them (you reset your password or got new QR codes), or keep both.`
      : "You already have an account with this service and name. Replace it if you reset your password or got a new QR code, or keep both.";
  }
  showLeftOut(leftOut);
  $("confirm-keep").hidden = conflicts.length === 0;
  const fresh = list.filter((p) => p.status !== "duplicate").length;
  $("confirm-add").textContent = conflicts.length
    ? "Replace — you reset your password or got a new QR"
    : several ? `Add ${fresh} accounts` : "Add account";
  $("confirm-add").disabled = fresh === 0;
  // Nothing new to add: the keyboard goes to "Scan again" (a disabled button cannot take it).
  $(fresh === 0 ? "confirm-back" : "confirm-add").focus();
  scheduleCodes();
}

function showLeftOut(leftOut) {
  $("left-out-note").hidden = leftOut.length === 0;
  $("left-out-intro").textContent = leftOut.length === 1
    ? "One account of this export cannot be added, so it is not listed above:"
    : `${leftOut.length} accounts of this export cannot be added, so they are not listed above:`;
  $("left-out-list").replaceChildren(...leftOut.map((sentence) => {
    const item = document.createElement("li");
    item.textContent = sentence;
    return item;
  }));
}

/** Draws the pending accounts: all ticked for a new scan (`fresh`), else as the user left the boxes. */
function renderPending(fresh = false) {
  const several = pending.length > 1;
  const checked = new Set([...document.querySelectorAll(".pending-check:checked")].map((c) => c.value));
  $("pending-list").replaceChildren(...pending.map((item) => {
    const row = pendingTemplate.content.firstElementChild.cloneNode(true);
    row.dataset.id = item.id;
    const check = row.querySelector(".pending-check");
    check.value = item.id;
    check.hidden = !several;
    check.checked = item.status !== "duplicate" && (fresh || checked.has(item.id));
    check.disabled = item.status === "duplicate";
    paintAvatar(row.querySelector(".avatar"), item.issuer, item.name);
    row.querySelector(".issuer").textContent = item.issuer || item.name;
    row.querySelector(".name").textContent = item.issuer ? item.name : "";
    row.querySelector(".code").textContent = item.code;
    row.querySelector(".pending-note").textContent = {
      duplicate: "Already in Twofold.",
      conflict: "Same name as an account you have.",
      new: "",
    }[item.status];
    return row;
  }));
}

function scheduleCodes() {
  clearTimeout(codeTimer);
  const waits = pending.filter((p) => p.secondsLeft).map((p) => p.secondsLeft);
  if (!waits.length) return;
  const asked = generation;
  codeTimer = setTimeout(async () => {
    if ($("confirm-view").hidden || !dialog.open) return;
    const fresh = await api.pendingAccounts().catch(() => null);
    if (asked !== generation || !fresh) return;
    const same = fresh.length === pending.length && fresh.every((p, i) => p.id === pending[i].id);
    pending = fresh;
    if (same) {
      // New codes into the rows on screen: a ticked box keeps the keyboard focus.
      for (const item of pending) {
        const row = $("pending-list").querySelector(`[data-id="${CSS.escape(item.id)}"]`);
        if (row) row.querySelector(".code").textContent = item.code;
      }
    } else {
      renderPending();
    }
    scheduleCodes();
  }, Math.min(...waits) * 1000);
}

async function confirm(onConflict) {
  const ids = pending.length > 1
    ? [...document.querySelectorAll(".pending-check:checked")].map((c) => c.value)
    : pending.map((p) => p.id);
  // One confirmation at a time: a second click would find the card taken, and its toast would cover the first's
  // Undo. (Disabling the buttons instead would take the keyboard from the one pressed.)
  if (confirming) return;
  confirming = true;
  const asked = generation;
  try {
    const results = await api.confirmPending(ids, onConflict);
    // A file dropped on the window meanwhile shows its own card: it stays open for the user to confirm.
    if (asked === generation) {
      pending = [];
      dialog.close();
    }
    await refresh();
    announce(results);
  } catch (error) {
    // On the card if it is still shown; otherwise (closed, or a newer card shown) in a toast.
    if (asked === generation) $("confirm-error").textContent = message(error);
    else toast(message(error));
  } finally {
    confirming = false;
  }
}

function announce(results) {
  const added = results.filter((r) => r.outcome === "added");
  const replaced = results.filter((r) => r.outcome === "replaced");
  const changed = added.length + replaced.length;
  // Undo takes back the whole confirmation: replaced accounts come back, added ones go to the trash.
  const undoAll = async () => {
    for (const r of replaced) await api.restoreAccount(r.replaced);
    for (const r of added) await api.deleteAccount(r.id);
    await refresh();
  };
  // An account named like one that reached the list after the card was shown is left out, and says so.
  const conflicts = results.filter((r) => r.outcome === "conflict");
  const [left, them] = conflicts.length === 1
    ? [`${conflicts[0].label} was`, "it"]
    : [`${conflicts.length} accounts were`, "them"];
  const leftOut = conflicts.length
    ? `${left} not added: an account with the same name is already in Twofold. Add ${them} again to choose Replace or Keep both.`
    : "";
  const also = leftOut && `. ${leftOut}`;
  if (changed === 0) {
    toast(leftOut || "Those accounts are already in Twofold.");
  } else if (changed === 1) {
    const [r] = [...added, ...replaced];
    toast(`${r.outcome === "replaced" ? "Replaced" : "Added"} ${r.label}${also}`, undoAll);
  } else if (replaced.length) {
    toast(`Added ${changed} accounts, ${replaced.length} of them replacing older ones${also}`, undoAll);
  } else {
    toast(`Added ${changed} accounts${also}`, undoAll);
  }
}
