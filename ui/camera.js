// The add dialog's Camera tab: the camera picker, the live preview with the code's outline, and what the scan
// reports. Rust scans the frames; this module only draws them.
import * as api from "./api.js";
import { Latest, logFailure } from "./requests.js";
import { $, message, setStatus } from "./ui.js";

let on = null;
let cameraOn = false;
/** Hides the code's outline when no code has been seen for a while. */
let outlineTimer = null;
/** The object URL of the picture on screen, released when the next one replaces it. */
let shownUrl = null;
let framesShown = 0;
let fpsTimer = null;
/** Whether the camera was turned off because the window was hidden, to be turned on when it is shown. */
let pausedWhileHidden = false;
/** Each start of the camera is a turn: what an earlier start reports (a camera left while it opened) is dropped. */
const starts = new Latest();

const status = (text, kind) => setStatus("camera-status", text, kind);

/** Wires the tab. `options.wanted()` says whether the camera should be on (its tab shown, in the open dialog);
 *  `options.keepKeyboard()` gives the keyboard to the tab when its control went; `options.onFound(pending,
 *  leftOut)` gets the accounts a scan found; `options.report(event, value)`, when tracing, the preview's rate. */
export function initCamera(options) {
  on = options;
  // A hidden window (minimised, or closed into the tray) does not keep the camera on; it comes back with the window.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && cameraOn) {
      stopCamera();
      pausedWhileHidden = true;
      status("The camera is off while Twofold is hidden.");
    } else if (!document.hidden && pausedWhileHidden) {
      pausedWhileHidden = false;
      if (on.wanted()) startCamera();
    }
  });
  $("camera-select").addEventListener("change", () => startCamera());
  $("camera-retry").addEventListener("click", () => {
    $("camera-select").replaceChildren(); // list the cameras again: one may have been plugged in
    startCamera();
  });
}

/** Notes whether the camera is on. While it is, the page behind the dialog is not drawn: without GPU compositing
 *  (see linux_webview.rs), every preview frame would repaint the list under the picture as well. */
function setCameraOn(on) {
  cameraOn = on;
  document.body.classList.toggle("camera-live", on);
}

/** A camera that failed (none, busy, no permission, unplugged) can be tried again once the user fixed it. */
function cameraFailed(text) {
  setCameraOn(false);
  status(text, "error");
  $("camera-retry").hidden = false;
}

/** Turns the chosen camera on (listing the cameras first, the first time). */
export async function startCamera() {
  // No separate stop: Rust's start stops the camera that is on first, in order, where a stop sent just before
  // could reach Rust after the start and stop the new camera.
  clearInterval(fpsTimer);
  setCameraOn(false);
  const current = starts.next();
  $("camera-retry").hidden = true;
  on.keepKeyboard();
  status("Starting the camera…");
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
    if (!on.wanted() || !current()) return;
    if (document.hidden) {
      // Hidden while the cameras were listed: the camera comes on when the window is shown.
      pausedWhileHidden = true;
      status("The camera is off while Twofold is hidden.");
      return;
    }
    setCameraOn(true);
    hideOutline();
    let told = false; // whether the scan has said something newer than what its start resolves to
    const sofar = await api.startCamera(
      Number(select.value || 0),
      previewWidth(),
      (event) => {
        if (!current()) return;
        told ||= event.type !== "seen";
        onScanEvent(event);
      },
      (frame) => current() && onFrame(frame),
    );
    if (!cameraOn || !current()) return; // stopped or left while the camera was opening: Rust closed it again
    // Codes of an export read before (the window was hidden, another camera picked) are kept: it goes on there.
    if (!told) status(sofar ? `${sofar.message} Show the next code.` : "Point the camera at the QR code.");
    startFpsCount();
  } catch (error) {
    if (current()) cameraFailed(message(error));
  }
}

/** Turns the camera off, if it is on. */
export function stopCamera() {
  clearInterval(fpsTimer);
  if (cameraOn) {
    setCameraOn(false);
    api.stopCamera().catch(logFailure("turning the camera off"));
  }
}

/** Forgets the last frame (it may show a QR code) and the tab's sentence, for the dialog's next opening. */
export function clearCamera() {
  const view = $("camera-view");
  view.removeAttribute("src");
  if (shownUrl) URL.revokeObjectURL(shownUrl);
  shownUrl = null;
  hideOutline();
  status("");
}

/** The preview's width in device pixels: the width the viewfinder shows it at, so Rust encodes it once at that
 *  size and the page only puts it on screen. */
function previewWidth() {
  const shown = $("camera-view").parentElement.clientWidth || 640;
  return Math.round(shown * (window.devicePixelRatio || 1));
}

/** Puts a preview JPEG on screen: the picture element decodes and draws it; nothing else is done per frame. */
function onFrame(buffer) {
  if (!cameraOn) return;
  const url = URL.createObjectURL(new Blob([buffer], { type: "image/jpeg" }));
  $("camera-view").src = url;
  if (shownUrl) URL.revokeObjectURL(shownUrl);
  shownUrl = url;
  framesShown += 1;
}

/** Draws the outline of a code just seen over the picture, in the frame's coordinates; it goes when no code has
 *  been seen for 600 ms (Rust repeats the sighting while the code stays in view). */
function showOutline({ corners, width, height }) {
  const svg = $("camera-outline");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svg.firstElementChild.setAttribute("points", corners.map((p) => `${p.x},${p.y}`).join(" "));
  svg.removeAttribute("hidden"); // an SVG element has no `hidden` property to set
  clearTimeout(outlineTimer);
  outlineTimer = setTimeout(hideOutline, 600);
}

function hideOutline() {
  clearTimeout(outlineTimer);
  $("camera-outline").setAttribute("hidden", "");
}

function startFpsCount() {
  clearInterval(fpsTimer);
  framesShown = 0;
  if (!on.report) return;
  fpsTimer = setInterval(() => {
    on.report("previewFps", framesShown / 5);
    framesShown = 0;
  }, 5000);
}

function onScanEvent(event) {
  switch (event.type) {
    case "seen":
      showOutline(event);
      break;
    case "progress":
      status(`${event.message} Show the next code.`);
      break;
    case "rejected":
      status(event.message, "error");
      break;
    case "found":
      if (!cameraOn) break; // stopped meanwhile: the closing dialog discards it
      setCameraOn(false);
      on.onFound(event.pending, event.leftOut);
      break;
    case "failed":
      cameraFailed(event.error.message);
      break;
    default:
      break;
  }
}
