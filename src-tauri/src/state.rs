//! The app's state: the vault (open, locked, or not created yet) and the clipboard. Commands call these methods
//! from a blocking thread; each one is a short delegation to the core.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use twofold::clipboard::CodeClipboard;
use twofold::otp::unix_now;
use twofold::vault::{
    AccountId, AccountSummary, AddOutcome, KdfParams, OnNameConflict, OsKeychain, Unlock, Vault, VaultError,
    VaultStatus,
};
use twofold::{Otp, uri};

use crate::error::AppError;

/// What the UI shows for one account: names and codes, never the secret.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    id: String,
    issuer: String,
    name: String,
    kind: &'static str,
    code: String,
    next_code: String,
    seconds_left: Option<u32>,
    period: Option<u32>,
    favorite: bool,
}

/// Where start-up left the app.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartupView {
    /// `welcome` (no vault yet), `locked` (the keychain did not open it) or `ready`.
    stage: &'static str,
    /// Why it is locked: `{kind, message}`.
    problem: Option<AppError>,
    /// Whether a recovery password can unlock it.
    password_available: bool,
    /// Set when a damaged vault file was replaced by its previous version.
    recovery: Option<String>,
}

/// The result of adding an account.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddView {
    /// `added`, `duplicate`, `conflict` (same issuer and name, another secret) or `replaced`.
    outcome: &'static str,
    /// The account added, or the one already there.
    id: String,
    /// The account replaced, for undo.
    replaced: Option<String>,
}

/// The app's state, managed by Tauri.
pub struct AppState {
    vault_path: PathBuf,
    vault: Mutex<Option<Vault>>,
    clipboard: Option<CodeClipboard>,
    clear_after: Option<Duration>,
}

impl AppState {
    /// State for the vault at `vault_path`; nothing is opened yet.
    pub fn new(vault_path: PathBuf) -> Self {
        AppState {
            vault_path,
            vault: Mutex::new(None),
            clipboard: CodeClipboard::new().ok(),
            clear_after: Some(Duration::from_secs(30)),
        }
    }

    fn vault(&self) -> MutexGuard<'_, Option<Vault>> {
        self.vault.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn with_vault<R>(&self, f: impl FnOnce(&mut Vault) -> Result<R, AppError>) -> Result<R, AppError> {
        let mut guard = self.vault();
        let vault = guard.as_mut().ok_or(AppError::Locked)?;
        f(vault)
    }

    /// Opens the vault through the keychain if there is one; never creates anything.
    pub fn startup(&self) -> StartupView {
        if let Some(vault) = self.vault().as_ref() {
            return StartupView {
                stage: "ready",
                problem: None,
                password_available: false,
                recovery: vault.recovery().map(ToString::to_string),
            };
        }
        let password_available = match Vault::status(&self.vault_path) {
            Ok(VaultStatus::Missing) => {
                return StartupView { stage: "welcome", problem: None, password_available: false, recovery: None };
            }
            Ok(VaultStatus::Present { password, .. }) => password,
            Err(e) => {
                return StartupView {
                    stage: "locked",
                    problem: Some(e.into()),
                    password_available: true,
                    recovery: None,
                };
            }
        };
        match Vault::open(&self.vault_path, Unlock::Keychain(&OsKeychain)) {
            Ok(vault) => self.opened(vault),
            Err(e) => StartupView { stage: "locked", problem: Some(e.into()), password_available, recovery: None },
        }
    }

    fn opened(&self, vault: Vault) -> StartupView {
        let recovery = vault.recovery().map(ToString::to_string);
        *self.vault() = Some(vault);
        StartupView { stage: "ready", problem: None, password_available: false, recovery }
    }

    /// Unlocks with the recovery password.
    pub fn unlock_with_password(&self, password: &str) -> Result<StartupView, AppError> {
        Ok(self.opened(Vault::open(&self.vault_path, Unlock::Password(password))?))
    }

    /// Creates the vault on first run, protected by the keychain and, if given, a recovery password.
    pub fn create(&self, password: Option<&str>) -> Result<StartupView, AppError> {
        let password = password.filter(|p| !p.is_empty()).map(|p| (p, KdfParams::default()));
        let vault = match Vault::create(&self.vault_path, Some(&OsKeychain), password) {
            // Without a keychain the vault can still be created with a password alone.
            Err(VaultError::Keychain(_)) if password.is_some() => Vault::create(&self.vault_path, None, password)?,
            other => other?,
        };
        Ok(self.opened(vault))
    }

    /// Every account with its codes now.
    pub fn accounts(&self) -> Result<Vec<AccountView>, AppError> {
        self.with_vault(|vault| {
            let now = unix_now();
            Ok(vault.accounts().into_iter().filter_map(|summary| view(vault, summary, now)).collect())
        })
    }

    /// Adds the account of an `otpauth://` link.
    pub fn add_link(&self, text: &str, on_conflict: OnNameConflict) -> Result<AddView, AppError> {
        let account = uri::parse(text)?;
        self.with_vault(|vault| Ok(add_view(vault.add(account, on_conflict)?)))
    }

    /// Copies an account's current code.
    pub fn copy_code(&self, id: &str) -> Result<(), AppError> {
        let code = self.with_vault(|vault| Ok(vault.codes_at(&AccountId::from(id), unix_now())?.current))?;
        let clipboard = self
            .clipboard
            .as_ref()
            .ok_or_else(|| twofold::clipboard::ClipboardError::Unavailable("no clipboard in this session".into()))?;
        Ok(clipboard.copy(code.as_str(), self.clear_after)?)
    }

    /// Moves an account to the trash.
    pub fn delete(&self, id: &str) -> Result<(), AppError> {
        self.with_vault(|vault| Ok(vault.delete(&AccountId::from(id))?))
    }

    /// Brings an account back from the trash (undoes a delete or a replacement).
    pub fn restore(&self, id: &str) -> Result<(), AppError> {
        self.with_vault(|vault| Ok(vault.restore(&AccountId::from(id))?))
    }

    /// Clears a code we copied, when the app quits.
    pub fn on_exit(&self) {
        if let Some(clipboard) = &self.clipboard {
            clipboard.clear_if_ours();
        }
    }
}

fn view(vault: &Vault, summary: AccountSummary, now: u64) -> Option<AccountView> {
    let codes = vault.codes_at(&summary.id, now).ok()?;
    Some(AccountView {
        kind: match summary.otp {
            Otp::Totp { .. } => "totp",
            Otp::Hotp { .. } => "hotp",
            Otp::Steam { .. } => "steam",
        },
        period: summary.otp.period().map(|p| p.seconds()),
        id: summary.id.to_string(),
        issuer: summary.issuer,
        name: summary.name,
        code: codes.current.grouped(),
        next_code: codes.next.grouped(),
        seconds_left: codes.seconds_left,
        favorite: summary.favorite,
    })
}

fn add_view(outcome: AddOutcome) -> AddView {
    match outcome {
        AddOutcome::Added(id) => AddView { outcome: "added", id: id.to_string(), replaced: None },
        AddOutcome::Duplicate(id) => AddView { outcome: "duplicate", id: id.to_string(), replaced: None },
        AddOutcome::NameConflict(id) => AddView { outcome: "conflict", id: id.to_string(), replaced: None },
        AddOutcome::Replaced { new, old } => {
            AddView { outcome: "replaced", id: new.to_string(), replaced: Some(old.to_string()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_views_carry_codes_and_names_but_never_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.json");
        let mut vault = Vault::create(&path, None, Some(("pw", KdfParams::INSECURE_FOR_TESTS))).unwrap();
        let link = "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events";
        vault.add(uri::parse(link).unwrap(), OnNameConflict::Ask).unwrap();
        let summary = vault.accounts().remove(0);
        let json = serde_json::to_string(&view(&vault, summary, 59).unwrap()).unwrap();
        assert!(json.contains("\"code\":\"996 554\""), "{json}");
        for secret_form in ["JBSWY3DPEHPK3PXP", "jbswy3dpehpk3pxp", "otpauth", "secret"] {
            assert!(!json.contains(secret_form), "{json}");
        }
    }
}
