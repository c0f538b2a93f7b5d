// "Recently deleted" in the settings dialog. Deleted accounts, and those a new QR code replaced, stay in the vault's
// trash, encrypted, until the user restores them here or deletes them for good. Deleting for good is confirmed in
// the system's own dialog, which Twofold's Rust side shows and reads, so no page script can answer it. Loaded the
// first time the settings open, so it costs the start-up nothing.
import * as api from "./api.js";
import { refresh } from "./list.js";
import { $, message, paintAvatar, toast } from "./ui.js";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
/** The trash as last fetched, most recently deleted first. */
let items = [];
let wired = false;

/** Fetches the trash and shows it; the settings dialog calls this each time it opens. */
export async function showTrash() {
  wire();
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
  $("trash-empty").addEventListener("click", () => purge("all"));
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
  else purge(item);
}

/** Runs one change to the trash, about `item` (or all), with the section's buttons off, so a double click sends it
 *  once. On failure the sentence shows and the list is fetched again, the trash may have changed behind it (an
 *  undo, say), and the keyboard goes back to the item's row, or to the first. */
async function change(request, item) {
  const buttons = document.querySelectorAll("#trash-list button, #trash-empty");
  for (const button of buttons) button.disabled = true;
  $("trash-error").textContent = "";
  try {
    await request();
    return true;
  } catch (error) {
    await fetchTrash();
    // "Cancel" in the confirmation: nothing happened, and nothing needs saying.
    if (error?.kind !== "cancelled") $("trash-error").textContent = message(error);
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
  render();
  toast(`${labelOf(item)} is back in your accounts.`);
  focusRow(index);
  await refresh();
}

/** Deletes `what` (one item, or "all") for good, once the user confirms in the system's dialog. */
async function purge(what) {
  // Exactly what the page shows: an account that reached the trash since is not deleted unseen.
  const ids = what === "all" ? items.map((i) => i.id) : [what.id];
  if (!(await change(() => api.deleteForGood(ids), what === "all" ? null : what))) return;
  const index = what === "all" ? 0 : items.indexOf(what);
  items = what === "all" ? [] : items.filter((i) => i !== what);
  render();
  toast(what === "all" ? "Recently deleted is empty." : `${labelOf(what)} is deleted for good.`);
  focusRow(index);
}
