// The view: owns the DOM, renders what api.js returns, and wakes only when a code expires.
import * as api from "./api.js";

const $ = (id) => document.getElementById(id);
const screens = ["loading", "welcome", "locked", "list"];
const rowTemplate = $("account-row");
let accounts = [];
let refreshTimer = null;
let toastTimer = null;

function show(name) {
  for (const screen of screens) {
    $(`screen-${screen}`).hidden = screen !== name;
  }
}

function message(error) {
  return error?.message ?? String(error);
}

function toast(text, action) {
  $("toast-text").textContent = text;
  const button = $("toast-action");
  button.hidden = !action;
  button.onclick = action ? () => { $("toast").hidden = true; action(); } : null;
  $("toast").hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { $("toast").hidden = true; }, 6000);
}

async function enter(state) {
  if (state.stage === "welcome") {
    show("welcome");
    $("create-password").focus();
  } else if (state.stage === "locked") {
    $("locked-message").textContent = state.problem?.message ?? "";
    $("unlock-form").hidden = !state.passwordAvailable;
    show("locked");
    if (state.passwordAvailable) $("unlock-password").focus();
  } else {
    const notice = $("recovery-notice");
    notice.textContent = state.recovery ?? "";
    notice.hidden = !state.recovery;
    show("list");
    await refresh();
  }
}

function matches(account, query) {
  const q = query.trim().toLowerCase();
  return !q || account.issuer.toLowerCase().includes(q) || account.name.toLowerCase().includes(q);
}

function renderRow(account) {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  row.dataset.id = account.id;
  row.querySelector(".issuer").textContent = account.issuer || account.name;
  row.querySelector(".name").textContent = account.issuer ? account.name : "";
  row.querySelector(".code").textContent = account.code;
  const next = row.querySelector(".next-code");
  if (account.period) {
    // The ring empties by a CSS animation, and the next code fades in for the last 10 s: no script ticks.
    row.style.setProperty("--period", `${account.period}s`);
    row.style.setProperty("--elapsed", `${account.secondsLeft - account.period}s`);
    row.style.setProperty("--next-in", `${Math.max(0, account.secondsLeft - 10)}s`);
    next.textContent = `next ${account.nextCode}`;
  } else {
    row.classList.add("counter");
  }
  row.querySelector(".delete").addEventListener("click", (event) => {
    event.stopPropagation();
    remove(account);
  });
  row.addEventListener("click", () => copy(account));
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || ((event.ctrlKey || event.metaKey) && event.key === "c")) {
      event.preventDefault();
      copy(account);
    }
  });
  return row;
}

function render() {
  const query = $("search").value;
  const shown = accounts.filter((a) => matches(a, query));
  $("accounts").replaceChildren(...shown.map(renderRow));
  $("empty-state").hidden = accounts.length > 0;
  $("no-results").hidden = accounts.length === 0 || shown.length > 0;
}

async function refresh() {
  clearTimeout(refreshTimer);
  try {
    accounts = await api.listAccounts();
  } catch (error) {
    toast(message(error));
    return;
  }
  render();
  const waits = accounts.filter((a) => a.secondsLeft).map((a) => a.secondsLeft);
  if (waits.length) {
    refreshTimer = setTimeout(refresh, Math.min(...waits) * 1000);
  }
}

async function copy(account) {
  try {
    await api.copyCode(account.id);
    toast("Copied — clipboard clears in 30 s");
  } catch (error) {
    toast(message(error));
  }
}

async function remove(account) {
  try {
    await api.deleteAccount(account.id);
    await refresh();
    toast(`Deleted ${account.issuer || account.name}`, async () => {
      await api.restoreAccount(account.id);
      await refresh();
    });
  } catch (error) {
    toast(message(error));
  }
}

$("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await enter(await api.createVault($("create-password").value));
  } catch (error) {
    $("create-error").textContent = message(error);
  }
});

$("unlock-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await enter(await api.unlockWithPassword($("unlock-password").value));
  } catch (error) {
    $("unlock-error").textContent = message(error);
  }
});

$("retry-keychain").addEventListener("click", async () => enter(await api.startup()));

$("link-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("link-error").textContent = "";
  try {
    const result = await api.addLink($("link-text").value);
    if (result.outcome === "duplicate") {
      toast("That account is already in Twofold.");
    } else if (result.outcome === "conflict") {
      $("link-error").textContent = "An account with this issuer and name already exists. Re-pairing is coming to this screen; for now delete the old account first.";
      return;
    }
    $("link-text").value = "";
    await refresh();
  } catch (error) {
    $("link-error").textContent = message(error);
  }
});

$("search").addEventListener("input", render);

document.addEventListener("keydown", (event) => {
  const rows = [...document.querySelectorAll(".account")];
  const at = rows.indexOf(document.activeElement);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    rows[Math.min(rows.length - 1, Math.max(0, at + step))]?.focus();
  } else if (at < 0 && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !$("screen-list").hidden
             && document.activeElement?.tagName !== "INPUT") {
    $("search").focus();
  }
});

api.startup().then(enter, (error) => {
  $("locked-message").textContent = message(error);
  $("unlock-form").hidden = true;
  show("locked");
});
