// Every call into the Rust side goes through this module. Results carry names and codes, never secrets, except
// revealSecret and accountQr, which the user asks for explicitly. Failures arrive as {kind, message}: branch on
// kind, show message.

const { invoke, Channel } = window.__TAURI__.core;

// The first screen's question is asked as soon as this module runs (index.html runs it before the other
// modules load), so the answer is on its way while they load. The quick-copy palette's page asks no such thing.
let firstStartup = document.documentElement.dataset.page === "palette" ? null : invoke("startup");

/** Opens the vault through the keychain: {stage: "welcome"|"locked"|"ready", problem, passwordAvailable,
 *  recovery, settings, trace}. The first call takes the answer already asked for. */
export const startup = () => {
  const answer = firstStartup ?? invoke("startup");
  firstStartup = null;
  return answer;
};

/** Unlocks with the recovery password. */
export const unlockWithPassword = (password) => invoke("unlock_with_password", { password });

/** Creates the vault on first run, with an optional recovery password. */
export const createVault = (password) => invoke("create_vault", { password: password || null });

/** Every account: {id, issuer, name, kind, code, nextCode, secondsLeft, period, favorite}. */
export const listAccounts = () => invoke("list_accounts");

/** Copies an account's current code; resolves to the seconds until the clipboard is cleared, or null. */
export const copyCode = (id) => invoke("copy_code", { id });

/** The quick-copy palette's list: the accounts `query` finds, best first, as listAccounts gives them. */
export const findAccounts = (query) => invoke("find_accounts", { query });

/** Copies an account's code from the palette: the next one when fewer than 5 seconds are left. Resolves to
 *  {next, clearAfter}: whether the next code was copied, and the seconds until the clipboard is cleared, or null. */
export const quickCopy = (id) => invoke("quick_copy", { id });

/** Unlocks with the recovery password from the palette. */
export const paletteUnlock = (password) => invoke("palette_unlock", { password });

/** Hides the palette; with giveBack, the keyboard goes back to the window that had it before. */
export const closePalette = (giveBack) => invoke("close_palette", { giveBack });

/** Calls `onOpened({theme, shown})` at once and each time the palette opens (then `shown` is true), with the theme
 *  of the settings ("system", "light" or "dark"). */
export function watchPalette(onOpened) {
  const opened = new Channel();
  opened.onmessage = onOpened;
  return invoke("watch_palette", { opened });
}

/** Moves an account to the trash. */
export const deleteAccount = (id) => invoke("delete_account", { id });

/** Brings an account back from the trash; also undoes a replacement. */
export const restoreAccount = (id) => invoke("restore_account", { id });

/** The trash, most recently deleted first: [{id, issuer, name, deletedAt (seconds since 1970), replaced}]. */
export const listTrash = () => invoke("list_trash");

/** Brings an account back from the trash, beside any account that replaced it. */
export const restoreFromTrash = (id) => invoke("restore_from_trash", { id });

/** Deletes these accounts in the trash for good; fails, deleting none, if one is no longer there. */
export const deleteForGood = (ids) => invoke("delete_for_good", { ids });

/** Changes an account's issuer and name. */
export const renameAccount = (id, issuer, name) => invoke("rename_account", { id, issuer, name });

/** The account's websites, where the browser extension may fill its code: ["github.com", ...]. */
export const accountWebsites = (id) => invoke("account_websites", { id });

/** Sets the account's websites (one per entry); resolves to them as kept. Fails with {kind: "website", message}. */
export const setWebsites = (id, websites) => invoke("set_websites", { id, websites });

/** Pins or unpins an account. */
export const setFavorite = (id, favorite) => invoke("set_favorite", { id, favorite });

/** Moves an account to position `to` of the list. */
export const moveAccount = (id, to) => invoke("move_account", { id, to });

/** Advances a counter-based (HOTP) account to its next code. */
export const nextCode = (id) => invoke("next_code", { id });

/** {secret}: the secret key, grouped by four. Only on the user's explicit request, and with the recovery password
 *  where one is set (else {kind: "needsRecoveryPassword" | "wrongPassword" | "wait", message}). */
export const revealSecret = (id, password = null) => invoke("reveal_secret", { id, password });

/** {image}: a data: URL of the account's QR code. As revealSecret, with the recovery password where one is set. */
export const accountQr = (id, password = null) => invoke("account_qr", { id, password });

/** The cameras: [{index, name}]. */
export const listCameras = () => invoke("list_cameras");

/** Starts the camera. onEvent gets scan messages ({type: "seen"|"progress"|"rejected"|"found"|"failed", …});
 *  onFrame gets each preview frame as an ArrayBuffer holding a JPEG `width` pixels wide. Resolves to the progress
 *  message of an export half read before ({type: "progress", message, …}), which this scan goes on from, or null. */
export function startCamera(index, width, onEvent, onFrame) {
  const events = new Channel();
  events.onmessage = onEvent;
  const preview = new Channel();
  preview.onmessage = onFrame;
  return invoke("start_camera", { index, width, events, preview });
}

/** Stops the camera. */
export const stopCamera = () => invoke("stop_camera");

/** Calls onDropped({scan}) for each file dragged onto the window, once it is read; scan is a scan message
 *  as scanImage resolves to, or {type: "failed", error} when the file is not a picture. */
export function watchDrops(onDropped) {
  const dropped = new Channel();
  dropped.onmessage = onDropped;
  return invoke("watch_drops", { dropped });
}

/** Reads a picture's bytes (an ArrayBuffer or Uint8Array), sent as a binary body. Resolves to a scan message. */
export const scanImage = (bytes) => invoke("scan_image", new Uint8Array(bytes));

/** Reads the whole screen. */
export const scanScreen = () => invoke("scan_screen");

/** Reads the picture on the clipboard. */
export const scanClipboard = () => invoke("scan_clipboard");

/** Reads a pasted otpauth:// or otpauth-migration:// link. */
export const scanLink = (text) => invoke("scan_link", { text });

/** Reads another authenticator's export, or a Twofold backup (its bytes, sent as a binary body). Resolves to a scan
 *  message: {type: "found", …}, or {type: "needsPassword", format, message} for an encrypted one. */
export const importFile = (bytes) => invoke("import_file", new Uint8Array(bytes));

/** Opens the encrypted export waiting for its password; resolves as importFile does. */
export const unlockExport = (password) => invoke("unlock_export", { password });

/** Checks a hand-typed account: {issuer, name, secret, kind, algorithm, digits, period, counter}. */
export const addManual = (entry) => invoke("add_manual", { entry });

/** The accounts waiting for confirmation, with their codes now. */
export const pendingAccounts = () => invoke("pending_accounts");

/** Adds the chosen pending accounts; onConflict is "ask", "replace" or "keepBoth". Resolves to
 *  [{outcome, id, replaced, label}]. */
export const confirmPending = (ids, onConflict = "ask") => invoke("confirm_pending", { ids, onConflict });

/** Forgets pending accounts and stops the camera. */
export const discardPending = () => invoke("discard_pending");

/** {clipboardClearSeconds, theme, keepInTray, passwordSet, keychainLinked, version, vaultPath,
 *   backups: {enabled, folder, keep, lastAt, failure}, exportFolder}. */
export const getSettings = () => invoke("get_settings");

/** Saves {clipboardClearSeconds, theme, keepInTray}; backups are changed by setBackups. */
export const saveSettings = (settings) => invoke("save_settings", { settings });

/** Sets the shortcut that opens the quick-copy palette ("Ctrl+Shift+Space"; null: none). Resolves to the settings;
 *  fails with {kind: "shortcut", message} when the desktop refuses it, and the shortcut before stays. */
export const setShortcut = (shortcut) => invoke("set_shortcut", { shortcut });

/** Sets the recovery password, or changes it given the current one. */
export const setPassword = (password, current = null) => invoke("set_password", { password, current });

/** Changes the app lock, {requirePassword, afterIdleSeconds}, given the recovery password. Resolves to the
 *  settings. */
export const setAppLock = (lock, password = null) => invoke("set_app_lock", { lock, password });

/** Locks Twofold now. Resolves to whether it locked. */
export const lockNow = () => invoke("lock_now");

/** Tells Rust the user did something, so the app lock's wait starts again. */
export const noteUse = () => invoke("note_use");

/** Calls `onLocked()` each time Twofold locks (after a time without use, say), or is unlocked from the palette: the
 *  page then asks startup what to show. */
export function watchLock(onLocked) {
  const locked = new Channel();
  locked.onmessage = onLocked;
  return invoke("watch_lock", { locked });
}

/** Calls `onAdded()` each time the command line added accounts, so that the list shows them. */
export function watchAccounts(onAdded) {
  const added = new Channel();
  added.onmessage = onAdded;
  return invoke("watch_accounts", { added });
}

/** The browser pairings to confirm and the question about a site, if one waits:
 *  {pairings: [{offer, browser, code}], question: {id, site, accounts: [{id, issuer, name}], known} | null}. */
export const browserRequests = () => invoke("browser_requests");

/** Confirms (accept true) or refuses a browser's pairing. Resolves to the browser requests. */
export const decidePairing = (offer, accept) => invoke("decide_pairing", { offer, accept });

/** Answers the question about a site: the account to fill (null: none), this time or always there. */
export const answerSiteQuestion = (id, account, always) => invoke("answer_site_question", { id, account, always });

/** Calls onChange whenever a browser pairing or a question about a site arrives or goes. */
export function watchBrowser(onChange) {
  const changed = new Channel();
  changed.onmessage = onChange;
  return invoke("watch_browser", { changed });
}

/** The browser integration: {browsers: [{id, name, found, connection: "off"|"on"|"stale"}],
 *  pairings: [{id, browser, pairedAt}]}. */
export const browserIntegration = () => invoke("browser_integration");

/** Lets a browser start Twofold (on true) or stops it. Resolves to the browser integration. */
export const connectBrowser = (browser, on) => invoke("connect_browser", { browser, on });

/** Points every connected browser at this copy of Twofold again. Resolves to the browser integration. */
export const repairBrowsers = () => invoke("repair_browsers");

/** Unpairs a browser. Resolves to the browser integration. */
export const unpairBrowser = (pairing) => invoke("unpair_browser", { pairing });

/** Turns automatic backups on or off, or changes them: {enabled, folder, keep}. Resolves to the settings. */
export const setBackups = (backups) => invoke("set_backups", { backups });

/** Makes a backup now. Resolves to the settings. */
export const backUpNow = () => invoke("back_up_now");

/** Reads the newest backup and compares it with the vault. Resolves to a sentence. */
export const verifyBackups = () => invoke("verify_backups");

/** From now on, calls onStatus({enabled, folder, keep, lastAt, failure}) whenever the backups' state changes. */
export function watchBackups(onStatus) {
  const status = new Channel();
  status.onmessage = onStatus;
  return invoke("watch_backups", { status });
}

/** The system's folder picker. Resolves to the folder's path, or null when cancelled. */
export const chooseFolder = () => invoke("choose_folder");

/** The system's save picker, offering name. Resolves to the path, or null when cancelled. */
export const chooseSaveFile = (name) => invoke("choose_save_file", { name });

/** Writes every account to a file: {format, path, password, recovery}, format being "twofold", "aegis",
 *  "aegisPlain" or "otpauth". Resolves to a sentence saying how many went where. */
export const exportFile = (request) => invoke("export_file", { request });

/** Every account as Google Authenticator export QR codes: {images: [data URL…], accounts}. */
export const exportCodes = (recovery) => invoke("export_codes", { recovery });

/** Reports a timing to the measurement script (only called when startup says trace is on). */
export const reportTiming = (event, value) => invoke("report_timing", { event, value });
