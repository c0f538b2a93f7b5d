// The extension's background script: the only part that talks to Twofold, through the native-messaging host that
// Twofold installs. It names the tab and frame that asked, as the browser reports them, never as the page says.

const HOST = "app.twofold.connector";
const api = globalThis.browser ?? globalThis.chrome;

/** What the extension says when the host cannot be reached. */
const NOT_INSTALLED =
  "Twofold is not installed, or its browser connection is off. Install Twofold, then turn this browser on in Settings → Browser integration.";

api.runtime.onMessage.addListener((message, sender, reply) => {
  if (message?.type !== "fill" || !sender.tab) return false;
  askTwofold({ type: "fill", origin: new URL(sender.url).origin, frame: sender.frameId ?? 0 })
    .then(reply)
    .catch(() => reply({ message: NOT_INSTALLED }));
  return true; // the reply comes later
});

/** Sends one message to Twofold and resolves to its answer (a promise in Chromium browsers and in Firefox). */
function askTwofold(message) {
  return api.runtime.sendNativeMessage(HOST, message);
}
