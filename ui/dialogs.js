// The dialogs' common behaviour: opened modal, closed by their [data-close] buttons, and giving the keyboard back
// when they close.
import { focusRowOf } from "./list.js";

/** What had the keyboard when each dialog opened. */
const openers = new WeakMap();

/** Opens a <dialog> and wires its close buttons once. */
export function openDialog(dialog) {
  if (!dialog.dataset.wired) {
    dialog.dataset.wired = "1";
    for (const button of dialog.querySelectorAll("[data-close]")) {
      button.addEventListener("click", () => dialog.close());
    }
    dialog.addEventListener("close", () => refocus(dialog));
  }
  if (!dialog.open) {
    openers.set(dialog, document.activeElement);
    dialog.showModal();
  }
}

/** Whether any dialog is open (it then has the keyboard shortcuts). */
export const anyDialogOpen = () => document.querySelector("dialog[open]") !== null;

/** A closed dialog gives the keyboard back to what opened it. When that is gone (the list drew the account's row
 *  again, say, after a move), the keyboard goes to the same account's row, or to the first row: never to nothing. */
function refocus(dialog) {
  const active = document.activeElement;
  // Given back already, or given on purpose; but not left on the closed dialog's own buttons.
  if (active && active !== document.body && !dialog.contains(active)) return;
  focusRowOf(openers.get(dialog));
}
