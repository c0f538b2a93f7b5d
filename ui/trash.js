// "Recently deleted" in the settings dialog. Deleted accounts, and those a new QR code replaced, stay in the vault's
// trash, encrypted, until the user restores them here or deletes them for good (after a confirmation). Loaded the
// first time the settings open, so it costs the start-up nothing.
import * as api from "./api.js";
import { refresh } from "./list.js";
import { $, message, paintAvatar, toast } from "./ui.js";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
/** The trash as last fetched, most recently deleted first. */
let items = [];
/** What the open confirmation would delete for good: one item, or "all". */
let target = null;
let wired = false;

/** Fetches the trash and shows it; the settings dialog calls this each time it opens. */
export async function showTrash() {
  wire();
  hideConfirm();
  $("trash-error").textContent = "";
  await fetchTrash();
}

async function fetchTrash() {
  try {
    items = await api.listTrash();
  } catch (error) {
    items = [];
    $("trash-error").textContent = message(error);
  }
  render();
}

function wire() {
  if (wired) return;
  wired = true;
  $("trash-list").addEventListener("click", onRowClick);
  $("trash-empty").addEventListener("click", () => ask("all"));
  $("trash-cancel").addEventListener("click", () => {
    const asked = target;
    hideConfirm();
    if (asked === "all") $("trash-empty").focus();
    else focusRow(items.indexOf(asked));
  });
  $("trash-purge").addEventListener("click", purge);
}

const labelOf = (item) => (item.issuer && item.name ? `${item.issuer} (${item.name})` : item.issuer || item.name);

function render() {
  const template = $("trash-row").content.firstElementChild;
  const rows = items.map((item) => {
    const row = template.cloneNode(true);
    row.dataset.id = item.id;
    paintAvatar(row.querySelector(".avatar"), item.issuer, item.name);
    row.querySelector(".issuer").textContent = item.issuer || item.name;
    row.querySelector(".name").textContent = item.issuer ? item.name : "";
    const what = item.replaced ? "Replaced by a new QR code" : "Deleted";
    row.querySelector(".when").textContent = `${what} ${when.format(new Date(item.deletedAt * 1000))}`;
    row.querySelector(".trash-restore").setAttribute("aria-label", `Restore ${labelOf(item)}`);
    row.querySelector(".trash-delete").setAttribute("aria-label", `Delete ${labelOf(item)} for good`);
    return row;
  });
  $("trash-list").replaceChildren(...rows);
  $("trash-status").textContent = items.length
    ? "Deleted accounts, and accounts a new QR code replaced, stay here, encrypted in your vault, until you " +
      "delete them for good."
    : "No deleted accounts.";
  $("trash-empty").hidden = items.length === 0;
}

/** Focuses the row at `index` (or the last one), or the status line when none is left. */
function focusRow(index) {
  const rows = $("trash-list").children;
  const row = rows[Math.min(index, rows.length - 1)];
  (row?.querySelector(".trash-restore") ?? $("trash-status")).focus();
}

function onRowClick(event) {
  const button = event.target.closest("button");
  const item = items.find((i) => i.id === button?.closest(".trash-item")?.dataset.id);
  if (!item) return;
  if (button.classList.contains("trash-restore")) restore(item);
  else ask(item);
}

/** Runs one change to the trash, about `item` (or all), with the section's buttons off, so a double click sends it
 *  once. On failure the sentence shows and the list is fetched again, the trash may have changed behind it (an
 *  undo, say), and the keyboard goes back to the item's row, or to the first. */
async function change(request, item) {
  const buttons = document.querySelectorAll("#trash-list button, #trash-empty, #trash-purge");
  for (const button of buttons) button.disabled = true;
  $("trash-error").textContent = "";
  try {
    await request();
    return true;
  } catch (error) {
    hideConfirm();
    await fetchTrash();
    $("trash-error").textContent = message(error);
    focusRow(Math.max(0, items.findIndex((i) => i.id === item?.id)));
    return false;
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

async function restore(item) {
  if (!(await change(() => api.restoreFromTrash(item.id), item))) return;
  const index = items.indexOf(item);
  items = items.filter((i) => i !== item);
  if (target === item) hideConfirm();
  render();
  toast(`${labelOf(item)} is back in your accounts.`);
  focusRow(index);
  await refresh();
}

function ask(what) {
  target = what;
  const [question, its, where] =
    what !== "all"
      ? [`Delete ${labelOf(what)} for good?`, "Its", what.issuer || "that service"]
      : items.length === 1
        ? ["Delete the one account here for good?", "Its", "that service"]
        : [`Delete all ${items.length} accounts here for good?`, "Their", "those services"];
  $("trash-question").textContent =
    `${question} ${its} codes cannot be brought back, so make sure you can sign in to ${where} another way, ` +
    "or have turned two-step sign-in off there.";
  $("trash-confirm").hidden = false;
  $("trash-cancel").focus();
}

function hideConfirm() {
  target = null;
  $("trash-confirm").hidden = true;
}

async function purge() {
  const what = target;
  if (!what) return;
  // Exactly what the question named: an account that reached the trash since is not deleted unseen.
  const ids = what === "all" ? items.map((i) => i.id) : [what.id];
  if (!(await change(() => api.deleteForGood(ids), what === "all" ? null : what))) return;
  const index = what === "all" ? 0 : items.indexOf(what);
  items = what === "all" ? [] : items.filter((i) => i !== what);
  hideConfirm();
  render();
  toast(what === "all" ? "Recently deleted is empty." : `${labelOf(what)} is deleted for good.`);
  focusRow(index);
}
