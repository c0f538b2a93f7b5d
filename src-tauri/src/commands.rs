//! The `#[tauri::command]`s the web UI invokes. Each runs one [`AppState`] method on a blocking thread (keychain,
//! files and clipboard never run on the UI thread) and returns a DTO without secrets.

use std::sync::Arc;

use tauri::State;
use twofold::vault::OnNameConflict;

use crate::error::AppError;
use crate::state::{AccountView, AddView, AppState, StartupView};

type Shared<'a> = State<'a, Arc<AppState>>;

async fn blocking<R: Send + 'static>(
    state: Shared<'_>,
    work: impl FnOnce(&AppState) -> Result<R, AppError> + Send + 'static,
) -> Result<R, AppError> {
    let state = Arc::clone(state.inner());
    tauri::async_runtime::spawn_blocking(move || work(&state)).await.map_err(|_| AppError::Internal)?
}

/// Opens the vault through the keychain, or says why it cannot (first run, keychain unavailable).
#[tauri::command]
pub async fn startup(state: Shared<'_>) -> Result<StartupView, AppError> {
    blocking(state, |s| Ok(s.startup())).await
}

/// Unlocks with the recovery password.
#[tauri::command]
pub async fn unlock_with_password(state: Shared<'_>, password: String) -> Result<StartupView, AppError> {
    blocking(state, move |s| s.unlock_with_password(&password)).await
}

/// Creates the vault on first run.
#[tauri::command]
pub async fn create_vault(state: Shared<'_>, password: Option<String>) -> Result<StartupView, AppError> {
    blocking(state, move |s| s.create(password.as_deref())).await
}

/// Every account with its current and next code.
#[tauri::command]
pub async fn list_accounts(state: Shared<'_>) -> Result<Vec<AccountView>, AppError> {
    blocking(state, |s| s.accounts()).await
}

/// Adds the account of an `otpauth://` link; `onConflict` is `ask`, `replace` or `keepBoth`.
#[tauri::command]
pub async fn add_link(state: Shared<'_>, text: String, on_conflict: String) -> Result<AddView, AppError> {
    let policy = match on_conflict.as_str() {
        "replace" => OnNameConflict::Replace,
        "keepBoth" => OnNameConflict::KeepBoth,
        _ => OnNameConflict::Ask,
    };
    blocking(state, move |s| s.add_link(&text, policy)).await
}

/// Copies an account's current code to the clipboard.
#[tauri::command]
pub async fn copy_code(state: Shared<'_>, id: String) -> Result<(), AppError> {
    blocking(state, move |s| s.copy_code(&id)).await
}

/// Moves an account to the trash.
#[tauri::command]
pub async fn delete_account(state: Shared<'_>, id: String) -> Result<(), AppError> {
    blocking(state, move |s| s.delete(&id)).await
}

/// Brings an account back from the trash.
#[tauri::command]
pub async fn restore_account(state: Shared<'_>, id: String) -> Result<(), AppError> {
    blocking(state, move |s| s.restore(&id)).await
}
