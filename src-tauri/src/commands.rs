//! The `#[tauri::command]`s the web UI invokes, all listed in `contract.rs`. Each runs one [`AppState`] method on
//! a blocking thread (keychain, camera, files and clipboard never run on the UI thread) and returns a view without
//! secrets; only `reveal_secret`, `account_qr` and `export_codes` return one, because the user asked for it.

use std::sync::Arc;

use tauri::State;
use tauri::ipc::{Channel, InvokeBody, InvokeResponseBody, Request};
use twofold::settings::{AppLock, Settings};
use twofold::vault::OnNameConflict;
use zeroize::Zeroizing;

use crate::backups::BackupView;
use crate::browser_link::BrowserView;
use crate::browser_setup::IntegrationView;
use crate::error::AppError;
use crate::exports::ExportRequest;
use crate::pairing::ManualForm;
use crate::state::AppState;
use crate::views::{
    AccountView, AddView, CameraView, DroppedView, ExportCodesView, PendingView, QrView, QuickCopyView, Revealed,
    ScanView, SettingsView, StartupView, TrashView,
};

/// The invoke handler of every command in the contract (`contract.rs`), so that no other list of them exists.
macro_rules! handler_of {
    ($($name:ident),* $(,)?) => {
        tauri::generate_handler![$($name),*]
    };
}

/// The handler that dispatches the web UI's invokes to these commands.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    crate::contract::with_commands!(handler_of)
}

type Shared<'a> = State<'a, Arc<AppState>>;

/// Runs `work` on the app's state on a blocking thread.
async fn blocking<R: Send + 'static>(
    state: Shared<'_>,
    work: impl FnOnce(&Arc<AppState>) -> Result<R, AppError> + Send + 'static,
) -> Result<R, AppError> {
    let state = Arc::clone(state.inner());
    tauri::async_runtime::spawn_blocking(move || work(&state)).await.map_err(|_| AppError::Internal)?
}

/// Runs `work`, which cannot fail, as [`blocking`] does.
async fn blocking_ok<R: Send + 'static>(
    state: Shared<'_>,
    work: impl FnOnce(&Arc<AppState>) -> R + Send + 'static,
) -> Result<R, AppError> {
    blocking(state, move |s| Ok(work(s))).await
}

/// Opens the vault through the keychain, or says why it cannot (first run, keychain unavailable).
#[tauri::command]
pub async fn startup(state: Shared<'_>) -> Result<StartupView, AppError> {
    blocking_ok(state, |s| s.startup()).await
}

/// Unlocks with the recovery password. Passwords and pasted links are wiped from memory once used.
#[tauri::command]
pub async fn unlock_with_password(state: Shared<'_>, password: Zeroizing<String>) -> Result<StartupView, AppError> {
    blocking(state, move |s| s.unlock_with_password(&password)).await
}

/// Creates the vault on first run.
#[tauri::command]
pub async fn create_vault(state: Shared<'_>, password: Option<Zeroizing<String>>) -> Result<StartupView, AppError> {
    blocking(state, move |s| s.create(password.as_deref().map(String::as_str))).await
}

/// Every account with its current and next code.
#[tauri::command]
pub async fn list_accounts(state: Shared<'_>) -> Result<Vec<AccountView>, AppError> {
    blocking(state, |s| s.accounts()).await
}

/// Copies an account's current code; returns the seconds until it is cleared (`null`: never).
#[tauri::command]
pub async fn copy_code(state: Shared<'_>, id: String) -> Result<Option<u32>, AppError> {
    blocking(state, move |s| s.copy_code(&id)).await
}

/// The accounts `query` finds, best first: the quick-copy palette's list.
#[tauri::command]
pub async fn find_accounts(state: Shared<'_>, query: String) -> Result<Vec<AccountView>, AppError> {
    blocking(state, move |s| s.find_accounts(&query)).await
}

/// Copies an account's code from the palette: the next one when the current one is about to expire.
#[tauri::command]
pub async fn quick_copy(state: Shared<'_>, id: String) -> Result<QuickCopyView, AppError> {
    blocking(state, move |s| s.quick_copy(&id)).await
}

/// Unlocks with the recovery password from the palette; the window's page is told.
#[tauri::command]
pub async fn palette_unlock(state: Shared<'_>, password: Zeroizing<String>) -> Result<(), AppError> {
    blocking(state, move |s| s.unlock_from_palette(&password)).await
}

/// Closes the palette; with `giveBack`, the keyboard goes back to the window that had it before.
#[tauri::command]
pub fn close_palette(app: tauri::AppHandle, give_back: bool) {
    crate::palette::close(&app, give_back);
}

/// Tells the palette's page the theme of the settings on `opened` now, with whether it is shown, and from now on
/// each time it opens.
#[tauri::command]
pub fn watch_palette(
    window: tauri::WebviewWindow,
    palette: State<'_, crate::palette::Palette>,
    opened: Channel<crate::palette::Opened>,
) {
    palette.watch(opened, window.is_visible().unwrap_or(false));
}

/// Moves an account to the trash.
#[tauri::command]
pub async fn delete_account(state: Shared<'_>, id: String) -> Result<(), AppError> {
    blocking(state, move |s| s.delete(&id)).await
}

/// Brings an account back from the trash (undoes a delete or a replacement).
#[tauri::command]
pub async fn restore_account(state: Shared<'_>, id: String) -> Result<(), AppError> {
    blocking(state, move |s| s.restore(&id)).await
}

/// The accounts in the trash, most recently deleted first.
#[tauri::command]
pub async fn list_trash(state: Shared<'_>) -> Result<Vec<TrashView>, AppError> {
    blocking(state, |s| s.trash()).await
}

/// Brings an account back from the trash, beside any account that replaced it.
#[tauri::command]
pub async fn restore_from_trash(state: Shared<'_>, id: String) -> Result<(), AppError> {
    blocking(state, move |s| s.restore_from_trash(&id)).await
}

/// Deletes these accounts in the trash for good (one, or all the UI shows) once the user confirms in the shell's
/// own dialog: all, or none if one is no longer there.
#[tauri::command]
pub async fn delete_for_good(app: tauri::AppHandle, state: Shared<'_>, ids: Vec<String>) -> Result<(), AppError> {
    blocking(state, move |s| {
        s.delete_for_good(&ids, &|question| crate::window::confirm(&app, question, "Delete for good"))
    })
    .await
}

/// Changes an account's issuer and name.
#[tauri::command]
pub async fn rename_account(state: Shared<'_>, id: String, issuer: String, name: String) -> Result<(), AppError> {
    blocking(state, move |s| s.rename(&id, &issuer, &name)).await
}

/// An account's websites, where the browser extension may fill its code.
#[tauri::command]
pub async fn account_websites(state: Shared<'_>, id: String) -> Result<Vec<String>, AppError> {
    blocking(state, move |s| s.websites(&id)).await
}

/// Sets an account's websites (one per entry, as the user wrote them); resolves to them as kept.
#[tauri::command]
pub async fn set_websites(state: Shared<'_>, id: String, websites: Vec<String>) -> Result<Vec<String>, AppError> {
    blocking(state, move |s| s.set_websites(&id, &websites)).await
}

/// Pins or unpins an account.
#[tauri::command]
pub async fn set_favorite(state: Shared<'_>, id: String, favorite: bool) -> Result<(), AppError> {
    blocking(state, move |s| s.set_favorite(&id, favorite)).await
}

/// Moves an account to another place in the list.
#[tauri::command]
pub async fn move_account(state: Shared<'_>, id: String, to: usize) -> Result<(), AppError> {
    blocking(state, move |s| s.move_account(&id, to)).await
}

/// Advances a counter-based account to its next code.
#[tauri::command]
pub async fn next_code(state: Shared<'_>, id: String) -> Result<(), AppError> {
    blocking(state, move |s| s.next_code(&id)).await
}

/// The account's secret key, for the user who asked to see it, with the recovery password when one is set.
#[tauri::command]
pub async fn reveal_secret(
    state: Shared<'_>,
    id: String,
    password: Option<Zeroizing<String>>,
) -> Result<Revealed, AppError> {
    blocking(state, move |s| s.reveal_secret(&id, password.as_deref().map(String::as_str))).await
}

/// The account as a QR code, for the user who asked to move it to a phone, with the recovery password when one is
/// set.
#[tauri::command]
pub async fn account_qr(
    state: Shared<'_>,
    id: String,
    password: Option<Zeroizing<String>>,
) -> Result<QrView, AppError> {
    blocking(state, move |s| s.account_qr(&id, password.as_deref().map(String::as_str))).await
}

/// The cameras to choose from.
#[tauri::command]
pub async fn list_cameras(state: Shared<'_>) -> Result<Vec<CameraView>, AppError> {
    blocking(state, |s| s.pairings.cameras()).await
}

/// Starts scanning with a camera: scan messages on `events`, JPEG preview frames `width` pixels wide on `preview`.
/// Resolves to the progress of an export half read before, if any, which this scan goes on from.
#[tauri::command]
pub async fn start_camera(
    state: Shared<'_>,
    index: u32,
    width: u32,
    events: Channel<ScanView>,
    preview: Channel<InvokeResponseBody>,
) -> Result<Option<ScanView>, AppError> {
    blocking(state, move |s| {
        s.pairings.start_camera(
            index,
            width,
            move |view| drop(events.send(view)),
            move |jpeg| drop(preview.send(InvokeResponseBody::Raw(jpeg))),
        )
    })
    .await
}

/// Stops the camera.
#[tauri::command]
pub async fn stop_camera(state: Shared<'_>) -> Result<(), AppError> {
    blocking_ok(state, |s| s.pairings.stop_camera()).await
}

/// From now on, sends what each file dropped on the window holds on `dropped`.
#[tauri::command]
pub fn watch_drops(state: Shared<'_>, dropped: Channel<DroppedView>) {
    state.pairings.watch_drops(move |view| drop(dropped.send(view)));
}

/// The bytes of a file the page sends as the raw request body (none for a JSON body), wiped once used.
fn raw_body(request: &Request<'_>) -> Zeroizing<Vec<u8>> {
    match request.body() {
        InvokeBody::Raw(bytes) => Zeroizing::new(bytes.clone()),
        InvokeBody::Json(_) => Zeroizing::new(Vec::new()),
    }
}

/// Reads a picture sent as the raw request body (a chosen, dropped or pasted file).
#[tauri::command]
pub async fn scan_image(state: Shared<'_>, request: Request<'_>) -> Result<ScanView, AppError> {
    let bytes = raw_body(&request);
    blocking(state, move |s| s.pairings.scan_image(&bytes)).await
}

/// Reads another authenticator's export (or a Twofold backup), sent as the raw request body: its accounts to confirm,
/// or that it waits for its password.
#[tauri::command]
pub async fn import_file(state: Shared<'_>, request: Request<'_>) -> Result<ScanView, AppError> {
    let bytes = raw_body(&request);
    blocking(state, move |s| s.pairings.import_file(&bytes)).await
}

/// Opens the encrypted export waiting for its password (the key derivation runs here, off the UI thread).
#[tauri::command]
pub async fn unlock_export(state: Shared<'_>, password: Zeroizing<String>) -> Result<ScanView, AppError> {
    blocking(state, move |s| s.pairings.unlock_export(&password)).await
}

/// Reads the screen.
#[tauri::command]
pub async fn scan_screen(state: Shared<'_>) -> Result<ScanView, AppError> {
    blocking(state, |s| s.pairings.scan_screen()).await
}

/// Reads the picture on the clipboard.
#[tauri::command]
pub async fn scan_clipboard(state: Shared<'_>) -> Result<ScanView, AppError> {
    blocking(state, |s| s.pairings.scan_clipboard()).await
}

/// Reads a pasted `otpauth://` or `otpauth-migration://` link.
#[tauri::command]
pub async fn scan_link(state: Shared<'_>, text: Zeroizing<String>) -> Result<ScanView, AppError> {
    blocking_ok(state, move |s| s.pairings.scan_text(&text)).await
}

/// Checks a hand-typed account and holds it for confirmation.
#[tauri::command]
pub async fn add_manual(state: Shared<'_>, entry: ManualForm) -> Result<ScanView, AppError> {
    blocking(state, move |s| s.pairings.add_manual(entry)).await
}

/// The accounts waiting for confirmation, with their codes now.
#[tauri::command]
pub async fn pending_accounts(state: Shared<'_>) -> Result<Vec<PendingView>, AppError> {
    blocking_ok(state, |s| s.pairings.pending()).await
}

/// Adds the chosen pending accounts; `onConflict` is `ask`, `replace` or `keepBoth`.
#[tauri::command]
pub async fn confirm_pending(
    state: Shared<'_>,
    ids: Vec<String>,
    on_conflict: OnNameConflict,
) -> Result<Vec<AddView>, AppError> {
    blocking(state, move |s| s.pairings.confirm(&ids, on_conflict)).await
}

/// Forgets pending accounts and stops the camera (the add dialog closed).
#[tauri::command]
pub async fn discard_pending(state: Shared<'_>) -> Result<(), AppError> {
    blocking_ok(state, |s| s.pairings.discard()).await
}

/// The preferences and what the settings page shows.
#[tauri::command]
pub async fn get_settings(state: Shared<'_>) -> Result<SettingsView, AppError> {
    blocking_ok(state, |s| s.settings_view()).await
}

/// Saves the preferences.
#[tauri::command]
pub async fn save_settings(
    app: tauri::AppHandle,
    state: Shared<'_>,
    settings: Settings,
) -> Result<SettingsView, AppError> {
    crate::tray::apply_and_save(&app, settings.keep_in_tray, blocking(state, move |s| s.save_settings(settings))).await
}

/// Sets the keyboard shortcut that opens the quick-copy palette (`null`: none), and saves it once it is in effect.
#[tauri::command]
pub async fn set_shortcut(
    app: tauri::AppHandle,
    state: Shared<'_>,
    shortcut: Option<String>,
) -> Result<SettingsView, AppError> {
    let before = state.quick_copy_shortcut();
    let wanted = shortcut.clone();
    let save = |by_desktop| blocking(state, move |s| s.set_quick_copy_shortcut(wanted, by_desktop));
    crate::shortcut::apply_and_save(&app, before.as_deref(), shortcut.as_deref(), save).await
}

/// Sets the recovery password, or changes it given the current one.
#[tauri::command]
pub async fn set_password(
    state: Shared<'_>,
    password: Zeroizing<String>,
    current: Option<Zeroizing<String>>,
) -> Result<SettingsView, AppError> {
    blocking(state, move |s| s.set_password(&password, current.as_deref().map(String::as_str))).await
}

/// Changes the app lock ("Require the password to open Twofold", lock after a time without use), given the
/// recovery password.
#[tauri::command]
pub async fn set_app_lock(
    state: Shared<'_>,
    lock: AppLock,
    password: Option<Zeroizing<String>>,
) -> Result<SettingsView, AppError> {
    blocking(state, move |s| s.set_app_lock(lock, password.as_deref().map(String::as_str))).await
}

/// Locks Twofold now; whether it locked. Refused without a recovery password, which unlocks it.
#[tauri::command]
pub async fn lock_now(state: Shared<'_>) -> Result<bool, AppError> {
    blocking(state, |s| s.lock_now()).await
}

/// The user did something in the window: the time without use before the app lock starts again.
#[tauri::command]
pub fn note_use(state: Shared<'_>) {
    state.idle.used();
}

/// From now on, tells the page on `locked` each time Twofold locks, so that it drops its codes.
#[tauri::command]
pub fn watch_lock(state: Shared<'_>, locked: Channel<()>) {
    state.watch_lock(move || drop(locked.send(())));
}

/// From now on, tells the page on `added` each time the command line added accounts, so that it shows them.
#[tauri::command]
pub fn watch_accounts(state: Shared<'_>, added: Channel<()>) {
    state.watch_added(move || drop(added.send(())));
}

/// The browser pairings waiting for the user's confirmation, and the question about a site, if one waits.
#[tauri::command]
pub fn browser_requests(state: Shared<'_>) -> BrowserView {
    state.browser.view()
}

/// Confirms (or refuses) the pairing of a browser, once the user compared the codes.
#[tauri::command]
pub fn decide_pairing(state: Shared<'_>, offer: String, accept: bool) -> BrowserView {
    state.browser.decide_pairing(&offer, accept)
}

/// Answers the question about a site: the account whose code to fill (`null`: none), this time or always there.
#[tauri::command]
pub fn answer_site_question(
    state: Shared<'_>,
    id: u64,
    account: Option<String>,
    always: bool,
) -> Result<BrowserView, AppError> {
    state.browser.answer_question(id, account.as_deref(), always)
}

/// The settings' browser integration: each browser, whether it can start Twofold, and the paired browsers.
#[tauri::command]
pub fn browser_integration(state: Shared<'_>) -> IntegrationView {
    state.browser_integration()
}

/// Lets a browser start Twofold for its extension (`on`), or stops it.
#[tauri::command]
pub fn connect_browser(state: Shared<'_>, browser: String, on: bool) -> Result<IntegrationView, AppError> {
    state.connect_browser(&browser, on)
}

/// Points every connected browser at this copy of Twofold again.
#[tauri::command]
pub fn repair_browsers(state: Shared<'_>) -> Result<IntegrationView, AppError> {
    state.repair_browsers()
}

/// Unpairs a browser: its extension must pair again to fill codes.
#[tauri::command]
pub fn unpair_browser(state: Shared<'_>, pairing: String) -> Result<IntegrationView, AppError> {
    state.unpair_browser(&pairing)
}

/// Calls the page back whenever a browser pairing or a question about a site arrives or goes.
#[tauri::command]
pub fn watch_browser(state: Shared<'_>, changed: Channel<()>) {
    state.browser.watch(move || drop(changed.send(())));
}

/// Turns automatic backups on or off, or changes their folder or how many are kept.
#[tauri::command]
pub async fn set_backups(state: Shared<'_>, backups: twofold::settings::Backups) -> Result<SettingsView, AppError> {
    blocking(state, move |s| s.set_backups(backups)).await
}

/// Makes a backup now.
#[tauri::command]
pub async fn back_up_now(state: Shared<'_>) -> Result<SettingsView, AppError> {
    blocking(state, |s| s.back_up_now()).await
}

/// Reads the newest backup and compares it with the vault; resolves to a sentence saying what it found.
#[tauri::command]
pub async fn verify_backups(state: Shared<'_>) -> Result<String, AppError> {
    blocking(state, |s| s.verify_backups()).await
}

/// From now on, sends the backups' state on `status` whenever it changes (a backup made, or one that failed).
#[tauri::command]
pub fn watch_backups(state: Shared<'_>, status: Channel<BackupView>) {
    state.backups.watch(move |view| drop(status.send(view)));
}

/// Asks the user for a folder with the system's picker; `null` when they cancel.
#[tauri::command]
pub async fn choose_folder(app: tauri::AppHandle, state: Shared<'_>) -> Result<Option<String>, AppError> {
    blocking_ok(state, move |_| crate::window::choose_folder(&app)).await
}

/// Asks the user where to save a file, offering `name`, with the system's picker; `null` when they cancel.
#[tauri::command]
pub async fn choose_save_file(
    app: tauri::AppHandle,
    state: Shared<'_>,
    name: String,
) -> Result<Option<String>, AppError> {
    blocking_ok(state, move |_| crate::window::choose_save_file(&app, &name)).await
}

/// Writes the accounts to a file the user chose; resolves to a sentence saying how many went where.
#[tauri::command]
pub async fn export_file(state: Shared<'_>, request: ExportRequest) -> Result<String, AppError> {
    blocking(state, move |s| s.export_file(&request)).await
}

/// Every account as Google Authenticator export QR codes, for the user who asked to move them to a phone.
#[tauri::command]
pub async fn export_codes(state: Shared<'_>, recovery: Option<Zeroizing<String>>) -> Result<ExportCodesView, AppError> {
    blocking(state, move |s| s.export_codes(recovery.as_deref().map(String::as_str))).await
}

/// Records a UI timing for the measurement script (printed only when `TWOFOLD_TRACE` is set).
#[tauri::command]
pub async fn report_timing(state: Shared<'_>, event: String, value: f64) -> Result<(), AppError> {
    blocking_ok(state, move |s| s.trace(&event, value)).await
}
