// Every call into the Rust side goes through this module. Results carry names and codes, never secrets.
// Failures arrive as {kind, message}: branch on kind, show message.

const { invoke } = window.__TAURI__.core;

/** Opens the vault through the keychain: {stage: "welcome"|"locked"|"ready", problem, passwordAvailable, recovery}. */
export const startup = () => invoke("startup");

/** Unlocks with the recovery password. */
export const unlockWithPassword = (password) => invoke("unlock_with_password", { password });

/** Creates the vault on first run, with an optional recovery password. */
export const createVault = (password) => invoke("create_vault", { password: password || null });

/** Every account: {id, issuer, name, kind, code, nextCode, secondsLeft, period, favorite}. */
export const listAccounts = () => invoke("list_accounts");

/** Adds an otpauth:// link; onConflict is "ask", "replace" or "keepBoth". */
export const addLink = (text, onConflict = "ask") => invoke("add_link", { text, onConflict });

/** Copies an account's current code. */
export const copyCode = (id) => invoke("copy_code", { id });

/** Moves an account to the trash. */
export const deleteAccount = (id) => invoke("delete_account", { id });

/** Brings an account back from the trash. */
export const restoreAccount = (id) => invoke("restore_account", { id });
