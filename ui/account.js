// The account dialog: rename and websites, favourite, move, show the QR code or the secret (after a confirmation), delete.
import * as api from "./api.js";
import { openDialog } from "./dialogs.js";
import { allAccounts, move, refresh, remove } from "./list.js";
import { Latest, logFailure } from "./requests.js";
import { $, message, toast } from "./ui.js";

const dialog = $("account-dialog");
let current = null;
let sensitive = null;
/** Each hiding of what was shown is a turn: an answer that arrives after the dialog closed (or asked for something
 *  else) is dropped. */
const hides = new Latest();

export function initAccount() {
  $("edit-form").addEventListener("submit", onRename);
  $("action-favorite").addEventListener("click", onFavorite);
  $("action-up").addEventListener("click", () => moveCurrent(-1));
  $("action-down").addEventListener("click", () => moveCurrent(1));
  $("action-qr").addEventListener("click", () => ask("qr"));
  $("action-reveal").addEventListener("click", () => ask("secret"));
  $("action-delete").addEventListener("click", () => {
    dialog.close();
    remove(current);
  });
  $("sensitive-cancel").addEventListener("click", () => {
    const asker = askerOf(sensitive);
    hideSensitive();
    $(asker).focus(); // the Cancel button is gone with its question
  });
  $("sensitive-show").addEventListener("click", showSensitive);
  $("sensitive-password").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      showSensitive();
    }
  });
  // Whatever was revealed is dropped from the page as soon as the dialog closes, or the window is hidden
  // (minimised, or closed into the tray), so that it is not on screen when the window comes back.
  dialog.addEventListener("close", hideSensitive);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden || !sensitive) return;
    const asking = $("sensitive-confirm").contains(document.activeElement);
    const asker = askerOf(sensitive);
    hideSensitive();
    if (asking) $(asker).focus(); // not left on the hidden question's button
  });
}

/** Opens the dialog for an account. */
export function openAccount(account) {
  current = account;
  $("account-title").textContent = account.issuer || account.name || "Account";
  $("edit-issuer").value = account.issuer;
  $("edit-name").value = account.name;
  $("edit-websites").value = "";
  api
    .accountWebsites(account.id)
    .then((websites) => {
      if (current === account) $("edit-websites").value = websites.join("\n");
    })
    .catch(logFailure("reading the account's websites"));
  $("edit-error").textContent = "";
  $("action-favorite").textContent = account.favorite ? "Remove from favourites" : "Add to favourites";
  hideSensitive();
  openDialog(dialog);
  $("edit-issuer").focus();
}

async function onRename(event) {
  event.preventDefault();
  try {
    await api.renameAccount(current.id, $("edit-issuer").value, $("edit-name").value);
    await api.setWebsites(current.id, $("edit-websites").value.split("\n"));
    dialog.close();
    await refresh();
    toast("Saved");
  } catch (error) {
    $("edit-error").textContent = message(error);
  }
}

async function onFavorite() {
  try {
    await api.setFavorite(current.id, !current.favorite);
    dialog.close();
    await refresh();
  } catch (error) {
    toast(message(error));
  }
}

async function moveCurrent(step) {
  await move(current, step);
  current = allAccounts().find((a) => a.id === current.id) ?? current;
}

function ask(what) {
  hideSensitive(); // one thing at a time: asking for the secret drops a QR code already shown, and back
  sensitive = what;
  $("sensitive-question").textContent = what === "qr"
    ? "Show this account's QR code so a phone can scan it? Anyone who sees it can make this account's codes. Make sure nobody is watching your screen."
    : "Show this account's secret key? Anyone who sees it can make this account's codes. Make sure nobody is watching your screen.";
  $("sensitive-confirm").hidden = false;
  $("sensitive-view").hidden = true;
  $("sensitive-cancel").focus();
}

/** Asks Rust for what the question offered. Where a recovery password is set, Rust wants it first: the question
 *  then shows a field for it, and says why a try was refused (a wrong password, or a wait after several). */
async function showSensitive() {
  // A password stays in the page only while it is being typed.
  const password = $("sensitive-password").value || null;
  $("sensitive-password").value = "";
  $("sensitive-error").textContent = "";
  const asked = hides.now();
  try {
    const what = sensitive;
    const shown = what === "qr"
      ? await api.accountQr(current.id, password)
      : await api.revealSecret(current.id, password);
    if (!asked()) return;
    // The keyboard stays in the dialog, on the button that asked, while the Show button goes with its question.
    $(askerOf(what)).focus();
    $("sensitive-confirm").hidden = true;
    if (what === "qr") {
      $("qr-image").src = shown.image;
      $("qr-image").hidden = false;
    } else {
      $("secret-text").textContent = shown.secret;
      $("secret-text").hidden = false;
    }
    $("sensitive-view").hidden = false;
    $("sensitive-view").scrollIntoView({ block: "nearest" });
  } catch (error) {
    if (!asked()) return;
    if (["needsRecoveryPassword", "wrongPassword", "wait"].includes(error?.kind)) {
      $("sensitive-password-row").hidden = false;
      $("sensitive-error").textContent = message(error);
      $("sensitive-password").focus();
    } else {
      toast(message(error));
    }
  }
}

/** The button that asks to show this (`qr` or `secret`). */
const askerOf = (what) => (what === "qr" ? "action-qr" : "action-reveal");

function hideSensitive() {
  hides.next();
  $("sensitive-confirm").hidden = true;
  $("sensitive-password-row").hidden = true;
  $("sensitive-password").value = "";
  $("sensitive-error").textContent = "";
  $("sensitive-view").hidden = true;
  $("qr-image").removeAttribute("src");
  $("qr-image").hidden = true;
  $("secret-text").textContent = "";
  $("secret-text").hidden = true;
  sensitive = null;
}
