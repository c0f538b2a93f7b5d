// The add dialog's Manual tab: an account typed in by hand (the secret key, and the advanced fields when a service
// asks for them). Rust checks the fields and says what is wrong with one.
import * as api from "./api.js";
import { $, message } from "./ui.js";

let on = null;

/** Wires the form; `options.onFound(pending)` gets the account to confirm. */
export function initManual(options) {
  on = options;
  $("manual-form").addEventListener("submit", onSubmit);
  $("manual-kind").addEventListener("change", syncFields);
  syncFields();
}

/** Empties the form for the dialog's next opening. */
export function resetManual() {
  $("manual-form").reset();
  $("manual-error").textContent = "";
  syncFields();
}

/** Drops the typed secret: it stays in the page only while the user works on it. */
export function forgetManualSecret() {
  $("manual-secret").value = "";
}

/** Shows the fields the chosen kind of code has. */
function syncFields() {
  const kind = $("manual-kind").value;
  $("manual-counter").closest("label").hidden = kind !== "hotp";
  $("manual-period").closest("label").hidden = kind === "hotp";
  $("manual-algorithm").closest("label").hidden = kind === "steam";
  $("manual-digits").closest("label").hidden = kind === "steam";
}

async function onSubmit(event) {
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
    on.onFound(result.pending);
  } catch (error) {
    $("manual-error").textContent = message(error);
  }
}
