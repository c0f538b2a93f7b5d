// The view: owns the DOM, renders what api.js returns, and refreshes only when a code expires.
import { sampleCode } from "./api.js";

const list = document.getElementById("accounts");
const status = document.getElementById("status");
const rowTemplate = document.getElementById("account-row");

function renderAccount(view) {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  row.querySelector(".issuer").textContent = view.issuer;
  row.querySelector(".name").textContent = view.name;
  row.querySelector(".code").textContent = view.code;
  if (view.period) {
    // The ring empties by a CSS animation: no script runs between code changes.
    const elapsed = view.period - view.secondsLeft;
    row.style.setProperty("--period", `${view.period}s`);
    row.style.setProperty("--elapsed", `${-elapsed}s`);
  }
  return row;
}

async function refresh() {
  try {
    const view = await sampleCode();
    list.replaceChildren(renderAccount(view));
    status.textContent = "A sample account: pairing your own accounts is not available yet.";
    if (view.secondsLeft) {
      setTimeout(refresh, view.secondsLeft * 1000);
    }
  } catch (error) {
    status.textContent = error?.message ?? String(error);
  }
}

refresh();
