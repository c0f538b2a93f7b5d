// The toolbar page: whether this browser is paired with Twofold, and the pairing itself. The code shown here must
// be the one Twofold shows; the user confirms there.
const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

async function show() {
  const { paired } = await api.runtime.sendMessage({ type: "status" });
  $("status").textContent = paired
    ? "This browser is paired with Twofold. Click the Twofold button in a code field to fill it."
    : "Pair this browser with Twofold to fill codes into web pages.";
  $("pair").hidden = paired;
}

$("pair").addEventListener("click", () => {
  $("pair").hidden = true;
  $("status").textContent = "Asking Twofold…";
  const port = api.runtime.connect({ name: "pair" });
  port.onMessage.addListener((message) => {
    if (message.code) {
      $("code").textContent = message.code;
      $("code").hidden = false;
      $("status").textContent = "Twofold shows a code. If it is this one, confirm the pairing in Twofold.";
    } else if (message.paired) {
      $("code").hidden = true;
      $("status").textContent = "Paired. Click the Twofold button in a code field to fill it.";
    } else if (message.error) {
      $("code").hidden = true;
      $("status").textContent = message.error;
      $("pair").hidden = false;
    }
  });
  port.postMessage({ pair: true });
});

show();
