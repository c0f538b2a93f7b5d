// The settings' Browser integration: a switch per browser (whether it can start Twofold for its extension),
// Repair, and the paired browsers, each with Unpair.
import * as api from "./api.js";
import { $, message, toast } from "./ui.js";

let wired = false;

/** Fills the section with what Twofold finds now. */
export async function showBrowsers() {
  if (!wired) {
    wired = true;
    $("browsers-repair").addEventListener("click", () => run(api.repairBrowsers(), "Browsers repaired"));
  }
  await run(api.browserIntegration());
}

async function run(request, done) {
  $("browsers-error").textContent = "";
  try {
    show(await request);
    if (done) toast(done);
  } catch (error) {
    $("browsers-error").textContent = message(error);
  }
}

const NOTES = { on: "", off: "", stale: "Points at another copy of Twofold: use Repair." };

function show(view) {
  const list = $("browser-list");
  list.replaceChildren();
  for (const browser of view.browsers) {
    // A browser this user does not have is listed only while it is turned on.
    if (!browser.found && browser.connection === "off") continue;
    const row = $("browser-row-template").content.firstElementChild.cloneNode(true);
    const box = row.querySelector("input");
    box.checked = browser.connection !== "off";
    box.id = `browser-${browser.id}`;
    box.addEventListener("change", () => run(api.connectBrowser(browser.id, box.checked)));
    row.querySelector(".name").textContent = browser.name;
    row.querySelector(".note").textContent = NOTES[browser.connection] ?? "";
    list.append(row);
  }
  if (!list.children.length) {
    const none = document.createElement("li");
    none.className = "muted";
    none.textContent = "No browser Twofold can work with was found for this user.";
    list.append(none);
  }
  const pairings = $("pairing-list");
  pairings.replaceChildren();
  for (const pairing of view.pairings) {
    const row = $("pairing-row-template").content.firstElementChild.cloneNode(true);
    row.querySelector(".name").textContent = pairing.browser;
    row.querySelector(".when").textContent = `paired ${new Date(pairing.pairedAt * 1000).toLocaleDateString()}`;
    row.querySelector("button").addEventListener("click", () => run(api.unpairBrowser(pairing.id), `${pairing.browser} unpaired`));
    pairings.append(row);
  }
  $("pairings-status").textContent = view.pairings.length ? "" : "No browser is paired.";
}
