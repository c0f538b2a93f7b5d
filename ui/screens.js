// The app's screens (loading, welcome, locked, list): exactly one is shown.
import { $ } from "./ui.js";

const names = ["loading", "welcome", "locked", "list"];

/** Shows the screen `name` and hides the others. */
export function showScreen(name) {
  for (const screen of names) {
    $(`screen-${screen}`).hidden = screen !== name;
  }
}

/** Whether the screen `name` is the one shown. */
export const screenShown = (name) => !$(`screen-${name}`).hidden;
