//! The app's state: the vault (open, locked, or not created yet), the clipboard, the preferences, the backups
//! ([`Backups`]) and the scans waiting for confirmation ([`Pairings`]). Commands call these methods from a blocking thread; each one is a
//! short delegation to the core.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use twofold::clipboard::{ClipboardError, CodeClipboard};
use twofold::find;
use twofold::gate::{PasswordGate, UnlockTries};
use twofold::otp::{Code, unix_now};
use twofold::recent::RecentUses;
use twofold::settings::{AppLock, Settings};
use twofold::sync::lock;
use twofold::vault::{AccountId, KdfParams, KeychainError, OsKeychain, Unlock, Vault, VaultError, VaultStatus};

use crate::app_lock::IdleLock;
use crate::backups::Backups;
use crate::error::AppError;
use crate::exports::{self, ExportRequest};
use crate::open_vault::OpenVault;
use crate::pairing::Pairings;
use crate::views::{
    AccountView, ExportCodesView, QrView, QuickCopyView, Revealed, SettingsView, Stage, StartupView, TrashView,
};

/// Shown after a password unlock that stored a new key in the keychain.
const KEYCHAIN_REPAIRED: &str =
    "Twofold stored a new key in the keychain, so next time it opens without your recovery password.";

/// Prints timings for the measurement script when set.
pub const TRACE_ENV: &str = "TWOFOLD_TRACE";

/// The app's state, managed by Tauri.
pub struct AppState {
    vault_path: PathBuf,
    settings_path: PathBuf,
    vault: Arc<OpenVault>,
    /// The background start-up's outcome until the UI takes it; its lock serialises every way of opening.
    opening: Mutex<EarlyOpening>,
    settings: Mutex<Settings>,
    clipboard: Result<CodeClipboard, ClipboardError>,
    /// The accounts copied lately, which the quick-copy palette puts first.
    recent: Mutex<RecentUses>,
    /// Why the palette's shortcut in the settings is not in effect, if it is not.
    shortcut_problem: Mutex<Option<String>>,
    /// The keys that open the palette, as the desktop describes them, when the desktop chose them (Wayland).
    shortcut_by_desktop: Mutex<Option<String>>,
    /// Scans and the accounts they found, waiting for confirmation.
    pub pairings: Arc<Pairings>,
    /// The browser extension's pairings and questions, waiting for the user.
    pub browser: crate::browser_link::BrowserLink,
    /// The browsers that can start Twofold, and where their host manifests go.
    browser_setup: crate::browser_setup::BrowserSetup,
    /// Automatic backups.
    pub backups: Arc<Backups>,
    /// The recovery password asked before a secret leaves.
    gate: PasswordGate,
    /// Wrong recovery passwords at unlocking, and the wait they impose, across restarts.
    unlock_tries: UnlockTries,
    /// The app lock's clock.
    pub idle: Arc<IdleLock>,
    /// Locked by the user or the clock: only the recovery password opens it again, not the keychain.
    locked_by_user: AtomicBool,
    /// Told each time Twofold locks, so the page drops its codes, and when the palette unlocks it.
    on_lock: Mutex<Option<Listener<()>>>,
    /// Told when the command line added accounts, so the page shows them.
    on_added_elsewhere: Mutex<Option<Listener<()>>>,
    /// Told when Twofold opens, locks, or becomes lockable: the tray's Lock item.
    on_lock_state: Mutex<Option<Listener<LockState>>>,
    started: Instant,
}

/// Told of something that happened, with what.
type Listener<T> = Box<dyn Fn(T) + Send>;

/// What a Lock item can do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    /// Open, with a recovery password: it can be locked.
    Lockable,
    /// Open without a recovery password, or not created yet: nothing could unlock it again.
    NotLockable,
    /// Locked: the recovery password opens it.
    Locked,
}

/// Where opening the vault at start-up ended.
pub enum Opening {
    /// No vault yet: first run.
    Welcome,
    /// The vault is open.
    Ready,
    /// The keychain did not open it.
    Locked {
        problem: AppError,
        /// Whether the vault has a recovery password that can open it instead.
        password_available: bool,
    },
}

/// The keychain open that runs in the background at start-up, before the UI asks.
enum EarlyOpening {
    /// Not run yet.
    Pending,
    /// Run; the UI's first `startup` takes this, so a keychain that refused (or a prompt the user closed) is not
    /// asked again at once.
    Done(Opening),
    /// Taken by the UI, or overtaken by it: any later `startup` asks the keychain again ("Try again").
    Taken,
}

impl AppState {
    /// State for the vault and preferences in `dir`; nothing is opened yet. With `replay_camera` set, that folder
    /// of pictures is the camera.
    pub fn new(dir: PathBuf, started: Instant, replay_camera: Option<(PathBuf, u32)>) -> Self {
        let settings_path = twofold::paths::settings(&dir);
        let vault = Arc::new(OpenVault::default());
        let settings = Settings::load(&settings_path);
        AppState {
            vault_path: twofold::paths::vault(&dir),
            backups: Arc::new(Backups::new(Arc::clone(&vault), settings.backups.clone())),
            gate: PasswordGate::new(),
            unlock_tries: UnlockTries::new(twofold::paths::unlock_tries(&dir)),
            idle: IdleLock::new(idle_time(&settings.lock)),
            locked_by_user: AtomicBool::new(false),
            on_lock: Mutex::new(None),
            on_lock_state: Mutex::new(None),
            on_added_elsewhere: Mutex::new(None),
            settings: Mutex::new(settings),
            settings_path,
            pairings: Arc::new(Pairings::new(Arc::clone(&vault), replay_camera)),
            browser: crate::browser_link::BrowserLink::new(),
            browser_setup: crate::browser_setup::BrowserSetup::for_user(),
            vault,
            opening: Mutex::new(EarlyOpening::Pending),
            clipboard: CodeClipboard::new(),
            recent: Mutex::new(RecentUses::load(&twofold::paths::recent(&dir))),
            shortcut_problem: Mutex::new(None),
            shortcut_by_desktop: Mutex::new(None),
            started,
        }
    }

    fn startup_view(&self, opening: Opening) -> StartupView {
        // A fall back to the previous generation, or a file put back to an older one: the user checks the accounts.
        let recovery = self
            .vault
            .get()
            .as_ref()
            .and_then(|v| v.recovery().map(ToString::to_string).or_else(|| v.rollback().map(ToString::to_string)));
        let (stage, problem, password_available, accounts) = match opening {
            Opening::Welcome => (Stage::Welcome, None, false, None),
            Opening::Ready => (Stage::Ready, None, false, self.accounts().ok()),
            Opening::Locked { problem, password_available } => (Stage::Locked, Some(problem), password_available, None),
        };
        StartupView {
            stage,
            problem,
            password_available,
            recovery,
            keychain_notice: None,
            settings: self.settings_view(),
            trace: std::env::var_os(TRACE_ENV).is_some(),
            accounts,
        }
    }

    /// Opens the vault through the keychain in the background while the window is still being built, so that the
    /// UI's [`Self::startup`] finds it open, or finds why not.
    pub fn open_early(&self) {
        let mut early = lock(&self.opening);
        if matches!(*early, EarlyOpening::Pending) {
            *early = EarlyOpening::Done(self.open_with_keychain());
        }
    }

    /// Opens the vault through the keychain if there is one; never creates anything. Called with `opening` held.
    fn open_with_keychain(&self) -> Opening {
        if self.vault.is_open() {
            return Opening::Ready;
        }
        let password_available = match Vault::status(&self.vault_path) {
            Ok(VaultStatus::Missing) => return Opening::Welcome,
            Ok(VaultStatus::Present { password, .. }) => password,
            Err(e) => return Opening::Locked { problem: e.into(), password_available: true },
        };
        // Locked by the user or the clock, or set to need the password at every start: the keychain is not asked.
        let by_choice = self.locked_by_user.load(Ordering::SeqCst) || lock(&self.settings).lock.require_password;
        if by_choice && password_available {
            return Opening::Locked { problem: AppError::LockedByUser, password_available };
        }
        match Vault::open(&self.vault_path, Unlock::Keychain(&OsKeychain)) {
            Ok(vault) => {
                self.vault.set(vault);
                self.lock_state_changed();
                Opening::Ready
            }
            Err(e) => {
                // Without a recovery password, the advice must not offer one.
                let problem = match e {
                    VaultError::Keychain(k) if !password_available => AppError::KeychainOnly(k),
                    VaultError::KeychainMismatch if !password_available => {
                        AppError::KeychainOnly(KeychainError::ItemDamaged)
                    }
                    other => other.into(),
                };
                Opening::Locked { problem, password_available }
            }
        }
    }

    /// What the UI shows first: the welcome, the lock screen or the accounts. The first call takes the background
    /// start-up's outcome; later ones ("Try again") ask the keychain again.
    pub fn startup(&self) -> StartupView {
        let mut early = lock(&self.opening);
        let opening = match std::mem::replace(&mut *early, EarlyOpening::Taken) {
            EarlyOpening::Done(opening) => opening,
            EarlyOpening::Pending | EarlyOpening::Taken => self.open_with_keychain(),
        };
        self.startup_view(opening)
    }

    fn opened(&self, vault: Vault) -> StartupView {
        self.vault.set(vault);
        self.idle.used();
        self.lock_state_changed();
        self.startup_view(Opening::Ready)
    }

    /// Unlocks with the recovery password, then stores a new key in the keychain if its key was lost (see
    /// [`Vault::repair_keychain`]), so the next start needs no password.
    pub fn unlock_with_password(&self, password: &str) -> Result<StartupView, AppError> {
        let mut early = lock(&self.opening);
        *early = EarlyOpening::Taken;
        // A keychain "Try again" may have opened it meanwhile; opening it twice would find the file in use.
        if self.vault.is_open() {
            return Ok(self.startup_view(Opening::Ready));
        }
        // After a few wrong passwords each try waits longer, and quitting does not reset the wait.
        let now = unix_now();
        self.unlock_tries.check(now)?;
        let mut vault = match Vault::open(&self.vault_path, Unlock::Password(password)) {
            Err(VaultError::WrongPassword) => {
                self.unlock_tries.failed(now);
                return Err(VaultError::WrongPassword.into());
            }
            opened => opened?,
        };
        self.unlock_tries.succeeded();
        self.locked_by_user.store(false, Ordering::SeqCst);
        self.idle.used();
        // "Require the password to open Twofold" keeps the keychain out; otherwise a lost key is stored again.
        let keychain_notice = match lock(&self.settings).lock.require_password {
            true => None,
            false => match vault.repair_keychain(&OsKeychain) {
                Ok(true) => Some(KEYCHAIN_REPAIRED.to_owned()),
                Ok(false) => None,
                Err(e) => Some(AppError::from(e).to_string()),
            },
        };
        Ok(StartupView { keychain_notice, ..self.opened(vault) })
    }

    /// Unlocks from the quick-copy palette, as [`Self::unlock_with_password`] does; the window's page is told, so
    /// that it leaves its locked screen.
    pub fn unlock_from_palette(&self, password: &str) -> Result<(), AppError> {
        self.unlock_with_password(password)?;
        self.tell_page();
        Ok(())
    }

    /// Tells the window's page that Twofold locked or unlocked: it asks [`Self::startup`] what to show.
    fn tell_page(&self) {
        if let Some(listener) = lock(&self.on_lock).as_ref() {
            listener(());
        }
    }

    /// Creates the vault on first run, protected by the keychain and, if given, a recovery password.
    pub fn create(&self, password: Option<&str>) -> Result<StartupView, AppError> {
        let mut early = lock(&self.opening);
        *early = EarlyOpening::Taken;
        if self.vault.is_open() {
            return Ok(self.startup_view(Opening::Ready));
        }
        let password = password.filter(|p| !p.is_empty()).map(|p| (p, KdfParams::default()));
        let (vault, keychain_notice) = match Vault::create(&self.vault_path, Some(&OsKeychain), password) {
            // Without a keychain the vault can still be created with a password alone; the notice says so.
            Err(VaultError::Keychain(k)) if password.is_some() => {
                (Vault::create(&self.vault_path, None, password)?, Some(k.message_password_alone()))
            }
            Err(VaultError::Keychain(k)) => return Err(AppError::KeychainAtCreation(k)),
            other => (other?, None),
        };
        Ok(StartupView { keychain_notice, ..self.opened(vault) })
    }

    /// Every account with its codes now.
    pub fn accounts(&self) -> Result<Vec<AccountView>, AppError> {
        self.vault.with(|vault| {
            let now = unix_now();
            Ok(vault
                .accounts()
                .into_iter()
                .filter_map(|s| {
                    let codes = vault.codes_at(&s.id, now).ok()?;
                    Some(AccountView::new(s.id.to_string(), s.issuer, s.name, &s.otp, codes, s.favorite))
                })
                .collect())
        })
    }

    /// Copies an account's current code; the toast says when it will be cleared.
    pub fn copy_code(&self, id: &str) -> Result<Option<u32>, AppError> {
        let code = self.vault.with(|vault| Ok(vault.codes_at(&AccountId::from(id), unix_now())?.current))?;
        self.copy(id, &code)
    }

    /// The accounts `query` finds, best first, as the quick-copy palette lists them (see [`twofold::find`]).
    pub fn find_accounts(&self, query: &str) -> Result<Vec<AccountView>, AppError> {
        self.vault.with(|vault| {
            let now = unix_now();
            let summaries = vault.accounts();
            let recent = lock(&self.recent);
            Ok(find::rank_accounts(query, &summaries, |id| recent.last_used(id))
                .into_iter()
                .filter_map(|found| {
                    let s = &summaries[found.index];
                    let codes = vault.codes_at(&s.id, now).ok()?;
                    Some(AccountView::new(
                        s.id.to_string(),
                        s.issuer.clone(),
                        s.name.clone(),
                        &s.otp,
                        codes,
                        s.favorite,
                    ))
                })
                .collect())
        })
    }

    /// Copies an account's code from the palette: the next one when the current one is about to expire
    /// ([`twofold::otp::Codes::to_copy`]).
    pub fn quick_copy(&self, id: &str) -> Result<QuickCopyView, AppError> {
        let (code, next) = self.vault.with(|vault| {
            let codes = vault.codes_at(&AccountId::from(id), unix_now())?;
            let (code, next) = codes.to_copy();
            Ok((code.clone(), next))
        })?;
        let clear_after = self.copy(id, &code)?;
        Ok(QuickCopyView { next, clear_after })
    }

    /// Answers a request of the command line or the browser connector on the open vault (see [`twofold::ipc`]).
    pub fn answer(&self, request: twofold::ipc::Request) -> twofold::ipc::Answer {
        use twofold::ipc::{Answer, ErrorKind};
        // Tests of a command whose app quits while answering make the answer wait (debug builds only).
        #[cfg(debug_assertions)]
        if let Some(ms) = std::env::var("TWOFOLD_TEST_ANSWER_DELAY_MS").ok().and_then(|ms| ms.parse().ok()) {
            std::thread::sleep(Duration::from_millis(ms));
        }
        // The browser's requests may wait for the user: they take the vault only between questions.
        if let twofold::ipc::Request::Browser { extension, message } = request {
            return Answer::Browser { message: self.browser.answer(&self.vault, &extension, message) };
        }
        let answered =
            self.vault.with(|vault| Ok(twofold::ipc::answer(request, vault, &mut AnswerHost(self), unix_now())));
        let answer = answered.unwrap_or_else(|_| {
            let message = match Vault::status(&self.vault_path) {
                Ok(VaultStatus::Missing) => {
                    "Twofold has no accounts yet. Set it up in its window first, then run the command again."
                }
                _ => "Twofold is locked. Unlock it in its window, then run the command again.",
            };
            Answer::Error { kind: ErrorKind::Locked, message: message.to_owned() }
        });
        if matches!(&answer, Answer::Added { added, .. } if !added.is_empty())
            && let Some(listener) = lock(&self.on_added_elsewhere).as_ref()
        {
            listener(());
        }
        answer
    }

    /// The settings' browser integration: the browsers, whether each can start Twofold, and the paired ones.
    pub fn browser_integration(&self) -> crate::browser_setup::IntegrationView {
        self.browser_setup.view(&self.vault)
    }

    /// Lets a browser start Twofold (`on`), or stops it.
    pub fn connect_browser(&self, browser: &str, on: bool) -> Result<crate::browser_setup::IntegrationView, AppError> {
        self.browser_setup.connect(&self.vault, browser, on)
    }

    /// Points every connected browser at this program again.
    pub fn repair_browsers(&self) -> Result<crate::browser_setup::IntegrationView, AppError> {
        self.browser_setup.repair(&self.vault)
    }

    /// Unpairs a browser.
    pub fn unpair_browser(&self, pairing: &str) -> Result<crate::browser_setup::IntegrationView, AppError> {
        self.browser_setup.unpair(&self.vault, pairing)
    }

    /// Calls `listener` each time the command line (or another front end) added accounts (only the last listener
    /// set is kept: the window's page's).
    pub fn watch_added(&self, listener: impl Fn() + Send + 'static) {
        *lock(&self.on_added_elsewhere) = Some(Box::new(move |()| listener()));
    }

    /// Puts `code` of account `id` on the clipboard, cleared after the delay chosen, which is returned; notes the
    /// copy for the palette's order.
    fn copy(&self, id: &str, code: &Code) -> Result<Option<u32>, AppError> {
        let clear_after = self.put_on_clipboard(code.as_str())?;
        self.note_used(id, unix_now());
        Ok(clear_after)
    }

    /// Puts a code on the clipboard, cleared after the delay chosen in the settings, which is returned.
    fn put_on_clipboard(&self, code: &str) -> Result<Option<u32>, ClipboardError> {
        let clipboard = self.clipboard.as_ref().map_err(Clone::clone)?;
        let clear_after = lock(&self.settings).clipboard_clear_seconds;
        clipboard.copy(code, clear_after.map(|s| Duration::from_secs(u64::from(s))))?;
        Ok(clear_after)
    }

    /// Notes that the code of account `id` was used, for the palette's order. Only that order suffers from a list
    /// that could not be saved.
    fn note_used(&self, id: &str, now: u64) {
        if let Err(problem) = lock(&self.recent).note(id, now) {
            eprintln!("{problem}");
        }
    }

    /// Moves an account to the trash.
    pub fn delete(&self, id: &str) -> Result<(), AppError> {
        self.vault.with(|vault| Ok(vault.delete(&AccountId::from(id))?))
    }

    /// Brings an account back from the trash (undoes a delete or a replacement).
    pub fn restore(&self, id: &str) -> Result<(), AppError> {
        self.vault.with(|vault| Ok(vault.restore(&AccountId::from(id))?))
    }

    /// The accounts in the trash, most recently deleted first.
    pub fn trash(&self) -> Result<Vec<TrashView>, AppError> {
        self.vault.with(|vault| Ok(vault.trash().into_iter().rev().map(TrashView::from).collect()))
    }

    /// Brings an account back from the trash, beside any account that replaced it.
    pub fn restore_from_trash(&self, id: &str) -> Result<(), AppError> {
        self.vault.with(|vault| Ok(vault.restore_alongside(&AccountId::from(id))?))
    }

    /// Deletes these accounts in the trash for good: all, or none if one is no longer there. `confirm` asks the
    /// user, in the shell's own dialog that the page cannot answer, the question named after the accounts the
    /// vault holds under these ids; [`AppError::Cancelled`] when the answer is no.
    pub fn delete_for_good(&self, ids: &[String], confirm: &dyn Fn(&str) -> bool) -> Result<(), AppError> {
        let ids: Vec<AccountId> = ids.iter().map(|id| AccountId::from(id.as_str())).collect();
        let question = self.vault.with(|vault| {
            let trash = vault.trash();
            let named: Vec<_> = trash.iter().filter(|t| ids.contains(&t.account.id)).collect();
            if named.len() != ids.len() {
                return Err(VaultError::UnknownAccount.into());
            }
            const ADVICE: &str = "cannot be brought back, so make sure you can sign in another way, or have turned two-step sign-in off there.";
            Ok(match named.as_slice() {
                [one] => format!(
                    "Delete {} for good? Its codes {ADVICE}",
                    shortened(&twofold::account::display_name(&one.account.issuer, &one.account.name))
                ),
                _ if ids.len() == trash.len() => {
                    format!("Empty Recently deleted? The codes of the {} accounts in it {ADVICE}", ids.len())
                }
                _ => format!("Delete {} accounts for good? Their codes {ADVICE}", ids.len()),
            })
        })?;
        // Asked with the vault free: the dialog waits for the user, and codes keep coming meanwhile.
        if !confirm(&question) {
            return Err(AppError::Cancelled);
        }
        self.vault.with(|vault| Ok(vault.purge(&ids)?))
    }

    /// Changes an account's issuer and name.
    pub fn rename(&self, id: &str, issuer: &str, name: &str) -> Result<(), AppError> {
        self.vault.with(|vault| Ok(vault.rename(&AccountId::from(id), issuer, name)?))
    }

    /// An account's websites, where the browser extension may fill its code (`github.com`, or a whole origin).
    pub fn websites(&self, id: &str) -> Result<Vec<String>, AppError> {
        self.vault.with(|vault| Ok(vault.websites(&AccountId::from(id))?.iter().map(ToString::to_string).collect()))
    }

    /// Sets an account's websites from what the user wrote, one per entry; returns them as kept.
    pub fn set_websites(&self, id: &str, websites: &[String]) -> Result<Vec<String>, AppError> {
        self.vault.with(|vault| {
            Ok(vault.set_websites(&AccountId::from(id), websites)?.iter().map(ToString::to_string).collect())
        })
    }

    /// Pins or unpins an account.
    pub fn set_favorite(&self, id: &str, favorite: bool) -> Result<(), AppError> {
        self.vault.with(|vault| Ok(vault.set_favorite(&AccountId::from(id), favorite)?))
    }

    /// Moves an account to position `to` of the list.
    pub fn move_account(&self, id: &str, to: usize) -> Result<(), AppError> {
        self.vault.with(|vault| Ok(vault.move_account(&AccountId::from(id), to)?))
    }

    /// Advances an HOTP account to its next code (the counter is saved first).
    pub fn next_code(&self, id: &str) -> Result<(), AppError> {
        self.vault.with(|vault| vault.next_hotp(&AccountId::from(id)).map(drop).map_err(Into::into))
    }

    /// The account's secret, because the user asked to reveal it (with the recovery password, when one is set).
    pub fn reveal_secret(&self, id: &str, password: Option<&str>) -> Result<Revealed, AppError> {
        self.vault.with(|vault| {
            self.gate.check(vault, password)?;
            let account = vault.account(&AccountId::from(id)).ok_or(VaultError::UnknownAccount)?;
            Ok(Revealed { secret: account.secret.to_base32_grouped() })
        })
    }

    /// The account as a QR code for a phone, because the user asked to show it (with the recovery password, when
    /// one is set).
    pub fn account_qr(&self, id: &str, password: Option<&str>) -> Result<QrView, AppError> {
        self.vault.with(|vault| {
            self.gate.check(vault, password)?;
            let account = vault.account(&AccountId::from(id)).ok_or(VaultError::UnknownAccount)?;
            Ok(QrView { image: twofold::transfer::qr_data_url(account) })
        })
    }

    /// The preferences and facts for the settings page.
    pub fn settings_view(&self) -> SettingsView {
        let settings = lock(&self.settings).clone();
        let status = self.vault.get().as_ref().map(Vault::status_now);
        let view = SettingsView::new(&settings, status, self.vault_path.display().to_string(), self.backups.view());
        SettingsView {
            shortcut_problem: lock(&self.shortcut_problem).clone(),
            shortcut_by_desktop: lock(&self.shortcut_by_desktop).clone(),
            ..view
        }
    }

    /// The colour theme chosen in the settings.
    pub fn theme(&self) -> twofold::settings::Theme {
        lock(&self.settings).theme
    }

    /// Whether the user chose to keep Twofold in the tray.
    pub fn keeps_in_tray(&self) -> bool {
        lock(&self.settings).keep_in_tray
    }

    /// The tray icon chosen could not be shown at start-up: for this run the setting reads as off, as it is in
    /// effect (closing the window quits), so that saving another setting does not ask for the icon again and fail.
    /// The file keeps the choice until the user saves the settings.
    pub fn tray_unavailable(&self) {
        lock(&self.settings).keep_in_tray = false;
    }

    /// Saves new preferences. The backups' and the app lock's settings are changed by [`Self::set_backups`] and
    /// [`Self::set_app_lock`] alone: those sent here are ignored.
    pub fn save_settings(&self, settings: Settings) -> Result<SettingsView, AppError> {
        self.change_settings(|current| Settings {
            backups: current.backups.clone(),
            lock: current.lock,
            quick_copy_shortcut: current.quick_copy_shortcut.clone(),
            ..settings
        })?;
        Ok(self.settings_view())
    }

    /// The palette's shortcut in the settings (`Ctrl+Shift+Space`), if any.
    pub fn quick_copy_shortcut(&self) -> Option<String> {
        lock(&self.settings).quick_copy_shortcut.clone()
    }

    /// Saves the palette's shortcut, once it is in effect (see `shortcut::apply_and_save`), with the keys as the
    /// desktop describes them when it chose them.
    pub fn set_quick_copy_shortcut(
        &self,
        shortcut: Option<String>,
        by_desktop: Option<String>,
    ) -> Result<SettingsView, AppError> {
        self.change_settings(|current| Settings { quick_copy_shortcut: shortcut, ..current.clone() })?;
        self.shortcut_set(by_desktop);
        Ok(self.settings_view())
    }

    /// Notes that the shortcut in the settings is in effect, with the keys as the desktop describes them when it
    /// chose them.
    pub fn shortcut_set(&self, by_desktop: Option<String>) {
        *lock(&self.shortcut_problem) = None;
        *lock(&self.shortcut_by_desktop) = by_desktop;
    }

    /// Notes why the shortcut in the settings could not be set at start-up, for the settings to say.
    pub fn shortcut_unavailable(&self, problem: &crate::error::ShortcutError) {
        *lock(&self.shortcut_problem) = Some(problem.to_string());
        *lock(&self.shortcut_by_desktop) = None;
    }

    /// Changes the app lock. Each change needs the recovery password (`password`), checked here with its waits
    /// after wrong tries: "Require the password to open Twofold" takes the keychain out of the vault (or puts it
    /// back), and locking after a time without use needs the password that unlocks it.
    pub fn set_app_lock(&self, wanted: AppLock, password: Option<&str>) -> Result<SettingsView, AppError> {
        let current = lock(&self.settings).lock;
        let wanted = AppLock { after_idle_seconds: wanted.after_idle_seconds.map(|s| s.clamp(1, 24 * 3600)), ..wanted };
        if wanted == current {
            return Ok(self.settings_view());
        }
        self.vault.with(|vault| {
            if !matches!(vault.status_now(), VaultStatus::Present { password: true, .. }) {
                return Err(AppError::LockNeedsPassword);
            }
            self.gate.check(vault, password)?;
            let password = password.unwrap_or_default();
            match (current.require_password, wanted.require_password) {
                (false, true) => vault.unlink_keychain(password, KdfParams::default(), &OsKeychain)?,
                (true, false) => vault.link_keychain(&OsKeychain)?,
                _ => {}
            }
            Ok(())
        })?;
        self.change_settings(|settings| Settings { lock: wanted, ..settings.clone() })?;
        self.idle.configure(idle_time(&wanted));
        Ok(self.settings_view())
    }

    /// Calls `listener` now and each time Twofold opens, locks or becomes lockable (the tray's Lock item).
    pub fn on_lock_state(&self, listener: impl Fn(LockState) + Send + 'static) {
        listener(self.lock_state());
        *lock(&self.on_lock_state) = Some(Box::new(listener));
    }

    /// What a Lock item can do now.
    pub fn lock_state(&self) -> LockState {
        match self.vault.get().as_ref().map(Vault::status_now) {
            Some(VaultStatus::Present { password: true, .. }) => LockState::Lockable,
            Some(_) => LockState::NotLockable,
            None if self.locked_by_user.load(Ordering::SeqCst) => LockState::Locked,
            None => LockState::NotLockable,
        }
    }

    /// Calls `listener` after every change saved to the accounts and every opening (the tray's favourites).
    pub fn on_accounts_changed(&self, listener: impl Fn() + Send + Sync + 'static) {
        self.vault.watch(listener);
    }

    /// The favourite accounts, for the tray: their ids and names, in the list's order. None while locked.
    pub fn favourites(&self) -> Vec<(String, String)> {
        let guard = self.vault.get();
        let Some(vault) = guard.as_ref() else { return Vec::new() };
        let favourites = vault.accounts().into_iter().filter(|s| s.favorite);
        favourites.map(|s| (s.id.to_string(), twofold::account::display_name(&s.issuer, &s.name))).collect()
    }

    /// Tells the tray what its Lock item can do now.
    fn lock_state_changed(&self) {
        let now = self.lock_state();
        if let Some(listener) = lock(&self.on_lock_state).as_ref() {
            listener(now);
        }
    }

    /// The tray's "Lock Twofold": locks as [`Self::lock_now`] does; whether it locked (not when locked already).
    pub fn lock_when_idle_from_tray(&self) -> bool {
        matches!(self.lock_now(), Ok(true))
    }

    /// Calls `listener` each time Twofold locks, or is unlocked from the palette (only the last listener set is
    /// kept: the window's page's).
    pub fn watch_lock(&self, listener: impl Fn() + Send + 'static) {
        *lock(&self.on_lock) = Some(Box::new(move |()| listener()));
    }

    /// Locks Twofold now: the vault closes and its keys leave memory, the accounts a scan found are forgotten, and
    /// the page is told to drop its codes. Only the recovery password opens it again. Refused without one.
    /// Returns whether it locked (it may be locked already).
    pub fn lock_now(&self) -> Result<bool, AppError> {
        let _opening = lock(&self.opening);
        let has_password =
            self.vault.get().as_ref().map(|v| matches!(v.status_now(), VaultStatus::Present { password: true, .. }));
        match has_password {
            None => return Ok(false),
            Some(false) => return Err(AppError::LockNeedsPassword),
            Some(true) => {}
        }
        self.locked_by_user.store(true, Ordering::SeqCst);
        self.pairings.discard();
        self.pairings.stop_camera();
        self.vault.close();
        self.tell_page();
        self.lock_state_changed();
        Ok(true)
    }

    /// Locks Twofold when the screen locks or the computer goes to sleep, if the user chose a lock after a time
    /// without use (the lock that these moments belong to). Only Linux reports those moments so far.
    #[cfg(target_os = "linux")]
    pub fn lock_when_away(&self) {
        if lock(&self.settings).lock.after_idle_seconds.is_some() {
            self.lock_when_idle();
        }
    }

    /// Locks Twofold when the time without use ran out, as [`Self::lock_now`] does; a vault that is not open, or
    /// cannot be locked (no recovery password), stays as it is.
    pub fn lock_when_idle(&self) {
        match self.lock_now() {
            Ok(_) | Err(AppError::LockNeedsPassword) => {}
            Err(e) => eprintln!("{e}"),
        }
    }

    fn change_settings(&self, change: impl FnOnce(&Settings) -> Settings) -> Result<(), AppError> {
        // Held across the write, so that two saves leave the same preferences on disk and in memory.
        let mut current = lock(&self.settings);
        let settings = change(&current);
        settings.save(&self.settings_path)?;
        *current = settings;
        Ok(())
    }

    /// Turns automatic backups on or off, or changes their folder or number. Turning them on needs a folder that
    /// is there and a recovery password, which encrypts them; the first backup follows at once.
    pub fn set_backups(&self, backups: twofold::settings::Backups) -> Result<SettingsView, AppError> {
        if backups.enabled {
            let folder = backups.folder.as_deref().ok_or(AppError::NoBackupFolder)?;
            if !folder.is_absolute() {
                return Err(AppError::NotAbsolute(folder.to_path_buf()));
            }
            if !folder.is_dir() {
                return Err(twofold::backup::BackupError::FolderMissing(folder.to_path_buf()).into());
            }
            if !matches!(self.vault.with(|v| Ok(v.status_now()))?, VaultStatus::Present { password: true, .. }) {
                return Err(twofold::backup::BackupError::NoRecoveryPassword.into());
            }
        }
        let keep = backups.keep.clamp(1, 1000);
        self.change_settings(|current| Settings {
            backups: twofold::settings::Backups { keep, ..backups.clone() },
            ..current.clone()
        })?;
        self.backups.configure(lock(&self.settings).backups.clone());
        Ok(self.settings_view())
    }

    /// Makes a backup now into the folder chosen.
    pub fn back_up_now(&self) -> Result<SettingsView, AppError> {
        self.backups.back_up_now()?;
        Ok(self.settings_view())
    }

    /// Checks the newest backup against the vault; the sentence says what it found.
    pub fn verify_backups(&self) -> Result<String, AppError> {
        Ok(self.backups.verify()?.to_string())
    }

    /// Writes an export the user asked for.
    pub fn export_file(&self, request: &ExportRequest) -> Result<String, AppError> {
        exports::write_file(&self.vault, &self.gate, request)
    }

    /// Every account as Google Authenticator export QR codes, because the user asked for them.
    pub fn export_codes(&self, recovery: Option<&str>) -> Result<ExportCodesView, AppError> {
        exports::google_codes(&self.vault, &self.gate, recovery)
    }

    /// Sets or changes the recovery password.
    /// Changing one needs the current one, checked by the gate, so that a page left open cannot replace it.
    pub fn set_password(&self, password: &str, current: Option<&str>) -> Result<SettingsView, AppError> {
        self.vault.with(|vault| {
            self.gate.check(vault, current)?;
            Ok(vault.set_password(password, KdfParams::default(), &OsKeychain)?)
        })?;
        self.lock_state_changed();
        Ok(self.settings_view())
    }

    /// Prints a timing for the measurement script (only when `TWOFOLD_TRACE` is set).
    pub fn trace(&self, event: &str, value: f64) {
        if std::env::var_os(TRACE_ENV).is_some() {
            let since_start = self.started.elapsed().as_secs_f64() * 1000.0;
            let unix_ms =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
            eprintln!("twofold-trace {event} value={value:.1} since_start_ms={since_start:.0} unix_ms={unix_ms}");
        }
    }

    /// Clears a code we copied and stops any scan, when the app quits.
    pub fn on_exit(&self) {
        self.pairings.stop_camera();
        if let Ok(clipboard) = &self.clipboard {
            clipboard.clear_if_ours();
        }
    }
}

/// The clipboard and the record of recent copies, for the answers to the command line.
struct AnswerHost<'a>(&'a AppState);

impl twofold::ipc::Host for AnswerHost<'_> {
    fn gate(&self) -> &PasswordGate {
        &self.0.gate
    }

    fn copy(&mut self, code: &str) -> Result<Option<u32>, twofold::ipc::CopyFailed> {
        self.0.put_on_clipboard(code).map_err(|e| twofold::ipc::CopyFailed(e.to_string()))
    }

    fn last_used(&self, id: &str) -> Option<u64> {
        lock(&self.0.recent).last_used(id)
    }

    fn used(&mut self, id: &str, now: u64) {
        self.0.note_used(id, now);
    }
}

/// How long without use before Twofold locks itself, from the settings.
fn idle_time(lock: &AppLock) -> Option<Duration> {
    lock.after_idle_seconds.map(|s| Duration::from_secs(u64::from(s)))
}

/// `text` cut to 80 characters, with an ellipsis when it was longer: names in the shell's own dialogs.
fn shortened(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
