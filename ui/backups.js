// The settings' Backups section, and the warning over the list while backups fail. Rust makes the backups (on a
// change, and daily) and sends their state whenever it changes; this page only shows it and sends the choices.
import * as api from "./api.js";
import { logFailure } from "./requests.js";
import { $, message } from "./ui.js";

let current = null;
let onOpenSettings = null;

/** Wires the section once. `openSettings(sectionId)` opens the settings at a section (the warning's button). */
export function initBackups(openSettings) {
  onOpenSettings = openSettings;
  $("backup-enabled").addEventListener("change", () => change({ enabled: $("backup-enabled").checked }));
  $("backup-folder").addEventListener("change", () => change({ folder: $("backup-folder").value.trim() || null }));
  $("backup-keep").addEventListener("change", () => change({ keep: Number($("backup-keep").value) || 10 }));
  $("backup-choose").addEventListener("click", async () => {
    const folder = await api.chooseFolder().catch((error) => {
      showError(error);
      return null;
    });
    if (folder) {
      $("backup-folder").value = folder;
      await change({ folder });
    }
  });
  $("backup-now").addEventListener("click", () => run("backup-now", "Backing up…", async () => {
    await api.backUpNow();
    return "Backup made.";
  }));
  $("backup-verify").addEventListener("click", () => run("backup-verify", "Checking the newest backup…", api.verifyBackups));
  $("backup-warning-open").addEventListener("click", () => onOpenSettings?.("settings-backups"));
  api.watchBackups(showBackups).catch(logFailure("listening for backups"));
}

/** Shows the backups' state: {enabled, folder, keep, lastAt, failure, revision}. A reply to a command may arrive
 *  after a newer report from the backup thread: the older view is not shown. */
export function showBackups(view) {
  if (current && view.revision < current.revision) return;
  current = view;
  $("backup-enabled").checked = view.enabled;
  if (document.activeElement !== $("backup-folder")) $("backup-folder").value = view.folder ?? "";
  if (document.activeElement !== $("backup-keep")) $("backup-keep").value = String(view.keep);
  $("backup-now").disabled = !view.folder;
  $("backup-verify").disabled = !view.folder;
  $("backup-last").textContent = lastSentence(view);
  $("backup-failure").hidden = !view.failure;
  $("backup-failure").textContent = view.failure ?? "";
  // Over the list, a failure stays until a backup succeeds: never silence.
  $("backup-warning").hidden = !(view.enabled && view.failure);
  $("backup-warning-text").textContent = view.failure ? `Backups are failing. ${view.failure}` : "";
}

function lastSentence(view) {
  const last = view.lastAt ? `The last backup was made ${new Date(view.lastAt * 1000).toLocaleString()}.` : "";
  if (!view.enabled) return `Automatic backups are off. ${last}`.trim();
  return last || "No backup has been made yet.";
}

/** Sends a change of one choice, with the others as they are. */
async function change(part) {
  $("backup-error").textContent = "";
  $("backup-result").textContent = "";
  const next = {
    enabled: current?.enabled ?? false,
    folder: current?.folder ?? null,
    keep: current?.keep ?? 10,
    ...part,
  };
  try {
    const settings = await api.setBackups(next);
    showBackups(settings.backups);
    if (part.enabled) $("backup-result").textContent = "Backups are on. The first one is being made.";
  } catch (error) {
    if (current) showBackups(current);
    showError(error);
    // Backups are encrypted with the recovery password: without one, the field to set it is where to go.
    if (error?.kind === "needsRecoveryPassword") {
      $("settings-security").scrollIntoView({ block: "start" });
      $("password-new").focus();
    }
  }
}

async function run(buttonId, working, work) {
  const button = $(buttonId);
  button.disabled = true;
  $("backup-error").textContent = "";
  $("backup-result").textContent = working;
  try {
    $("backup-result").textContent = await work();
  } catch (error) {
    $("backup-result").textContent = "";
    showError(error);
  } finally {
    button.disabled = !current?.folder;
  }
}

function showError(error) {
  $("backup-error").textContent = message(error);
}
