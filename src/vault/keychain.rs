//! The OS keychain, which holds the one key that unlocks the vault without a password.
//!
//! [`OsKeychain`] talks to the platform store through `keyring-core`: the Secret Service over D-Bus on Linux and
//! the BSDs (GNOME Keyring, KeePassXC…), the login keychain on macOS, the Credential Manager on Windows. It
//! connects afresh on every call, so after the user starts or unlocks the keychain, trying again works without
//! restarting the app. Every call blocks: run it off the UI thread.
//!
//! [`MemoryKeyStore`] keeps items in process memory, for unit tests and benchmarks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::api::CredentialStore;
use zeroize::Zeroizing;

/// Why the keychain could not give or keep Twofold's key. Each message says what the user can do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// No D-Bus session bus, so no keychain can be reached (Linux).
    #[error(
        "Twofold cannot reach the keychain because this login session has no D-Bus session bus. Log in to a desktop session, then choose Try again, or unlock with your recovery password."
    )]
    NoSession,
    /// A session bus but no Secret Service provider on it (Linux).
    #[error(
        "No keychain service is running: nothing provides the Secret Service (for example GNOME Keyring, or KeePassXC with Secret Service integration). Install or start one, then choose Try again, or unlock with your recovery password."
    )]
    NoService,
    /// The keychain is locked.
    #[error(
        "The keychain is locked. Unlock it (for example by logging in again, or in your keychain app), then choose Try again, or unlock with your recovery password."
    )]
    Locked,
    /// The user or the system refused access.
    #[error(
        "The keychain refused to give Twofold its key: the request was denied or the prompt was closed. Choose Try again and allow access, or unlock with your recovery password."
    )]
    AccessDenied,
    /// The item is gone: deleted, or the keychain was reset.
    #[error(
        "Twofold's key is missing from the keychain: it was deleted, or the keychain was reset. Unlock with your recovery password; Twofold can then store a new key in the keychain."
    )]
    ItemMissing,
    /// The item exists but its content is unusable.
    #[error(
        "Twofold's key in the keychain is damaged. Unlock with your recovery password; Twofold can then store a new key in the keychain."
    )]
    ItemDamaged,
    /// Any other platform failure, with the platform's own description (which never holds a secret).
    #[error("The keychain reported an error ({0}). Choose Try again, or unlock with your recovery password.")]
    Platform(String),
}

impl KeychainError {
    /// What happened, as a clause without advice.
    fn what(&self) -> String {
        match self {
            KeychainError::NoSession => {
                "Twofold cannot reach the keychain because this login session has no D-Bus session bus".into()
            }
            KeychainError::NoService => "No keychain service is running".into(),
            KeychainError::Locked => "The keychain is locked".into(),
            KeychainError::AccessDenied => {
                "The keychain refused Twofold access: the request was denied or the prompt was closed".into()
            }
            KeychainError::ItemMissing => {
                "Twofold's key is missing from the keychain: it was deleted, or the keychain was reset".into()
            }
            KeychainError::ItemDamaged => "Twofold's key in the keychain is damaged".into(),
            KeychainError::Platform(reason) => format!("The keychain reported an error ({reason})"),
        }
    }

    /// What the user can do about it, as a clause.
    fn fix(&self) -> &'static str {
        match self {
            KeychainError::NoSession => "log in to a desktop session",
            KeychainError::NoService => {
                "install or start a keychain service (for example GNOME Keyring, or KeePassXC with Secret Service \
                 integration)"
            }
            KeychainError::Locked => "unlock the keychain (for example by logging in again, or in your keychain app)",
            KeychainError::AccessDenied => "allow Twofold access when the keychain asks",
            KeychainError::ItemMissing | KeychainError::ItemDamaged => {
                "bring back Twofold's keychain item from a backup of the keychain"
            }
            KeychainError::Platform(_) => "check the keychain app",
        }
    }

    /// The sentence for a vault that has no recovery password, so that only the keychain can open it (the
    /// `Display` sentence offers the password instead).
    pub fn message_without_recovery_password(&self) -> String {
        format!(
            "{}. This vault has no recovery password, so only the keychain can open it: {}, then choose Try again. \
             The vault file is unchanged.",
            self.what(),
            self.fix()
        )
    }

    /// The notice for a first run whose vault was created with the recovery password alone, because the keychain
    /// could not keep its key.
    pub fn message_password_alone(&self) -> String {
        format!(
            "{}, so your vault was created with your recovery password alone. Twofold will ask for it at the next \
             start; if by then you {}, it also stores its key in the keychain, and later starts need no password.",
            self.what(),
            self.fix()
        )
    }

    /// The sentence for a first run whose new vault could not store its key in the keychain.
    pub fn message_when_creating(&self) -> String {
        format!(
            "{}, so Twofold could not store its key there. Fill in a recovery password to create your vault \
             protected by that password alone, or {} and try again.",
            self.what(),
            self.fix()
        )
    }
}

/// Where the key lives in the keychain: a service name and an account name, as every platform store names items.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct KeychainItem {
    /// The service, e.g. `Twofold`.
    pub service: String,
    /// The account within the service, e.g. `vault-1f2e…`.
    pub account: String,
}

/// A place to keep small secrets by name.
pub trait KeyStore: Send + Sync {
    /// Reads an item.
    fn get(&self, item: &KeychainItem) -> Result<Zeroizing<Vec<u8>>, KeychainError>;
    /// Creates or replaces an item.
    fn set(&self, item: &KeychainItem, secret: &[u8]) -> Result<(), KeychainError>;
    /// Removes an item; removing a missing item is not an error.
    fn delete(&self, item: &KeychainItem) -> Result<(), KeychainError>;
}

/// The operating system's keychain.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeychain;

impl OsKeychain {
    fn entry(item: &KeychainItem) -> Result<keyring_core::Entry, KeychainError> {
        let store = platform_store().map_err(classify)?;
        let label = HashMap::from([("label", "Twofold vault key")]);
        let modifiers = if cfg!(target_os = "linux") { Some(&label) } else { None };
        store.build(&item.service, &item.account, modifiers).map_err(classify)
    }
}

impl KeyStore for OsKeychain {
    fn get(&self, item: &KeychainItem) -> Result<Zeroizing<Vec<u8>>, KeychainError> {
        Self::entry(item)?.get_secret().map(Zeroizing::new).map_err(classify)
    }

    fn set(&self, item: &KeychainItem, secret: &[u8]) -> Result<(), KeychainError> {
        Self::entry(item)?.set_secret(secret).map_err(classify)
    }

    fn delete(&self, item: &KeychainItem) -> Result<(), KeychainError> {
        match Self::entry(item)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(e)),
        }
    }
}

#[cfg(all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android"))))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(windows)]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(unix, windows)))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore("no keychain on this platform".into()))
}

/// Whether a D-Bus session bus address is known to this process.
fn session_bus_configured() -> bool {
    if let Some(address) = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").filter(|a| !a.is_empty()) {
        // A `unix:path=` socket can be checked; other transports are assumed to be there.
        let address = address.to_string_lossy().into_owned();
        let path = address.split([';', ',']).find_map(|part| part.strip_prefix("unix:path="));
        return path.is_none_or(|p| std::path::Path::new(p).exists());
    }
    std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists())
}

/// Maps keyring-core's errors to the cases a user can act on.
fn classify(error: keyring_core::Error) -> KeychainError {
    use keyring_core::Error as E;
    match error {
        E::NoEntry => KeychainError::ItemMissing,
        E::BadEncoding(_) | E::BadDataFormat(_, _) => KeychainError::ItemDamaged,
        E::NoStorageAccess(inner) => {
            let text = inner.to_string().to_ascii_lowercase();
            if text.contains("prompt") || text.contains("denied") || text.contains("cancel") {
                KeychainError::AccessDenied
            } else {
                KeychainError::Locked
            }
        }
        E::PlatformFailure(inner) => classify_platform(&inner.to_string()),
        other => KeychainError::Platform(other.to_string()),
    }
}

fn classify_platform(text: &str) -> KeychainError {
    let lower = text.to_ascii_lowercase();
    if lower.contains("failed to connect to address") {
        return KeychainError::NoSession;
    }
    let unreachable = lower.contains("no secret service provider or dbus session")
        || lower.contains("serviceunknown")
        || lower.contains("org.freedesktop.secrets")
        || lower.contains("dbus_session_bus_address");
    if unreachable {
        return if session_bus_configured() { KeychainError::NoService } else { KeychainError::NoSession };
    }
    if lower.contains("locked") {
        return KeychainError::Locked;
    }
    if lower.contains("denied") || lower.contains("not allowed") || lower.contains("canceled") {
        return KeychainError::AccessDenied;
    }
    KeychainError::Platform(text.chars().take(200).collect())
}

/// Items kept in memory: a stand-in keychain for unit tests and benchmarks. A fault can be injected.
#[derive(Default, Clone)]
pub struct MemoryKeyStore {
    items: Arc<Mutex<HashMap<KeychainItem, Zeroizing<Vec<u8>>>>>,
    fault: Arc<Mutex<Option<KeychainError>>>,
}

/// Names the items, never their keys.
impl std::fmt::Debug for MemoryKeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let items = self.items();
        f.debug_struct("MemoryKeyStore").field("items", &items.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every later call fail with `fault` (or succeed again with `None`).
    pub fn set_fault(&self, fault: Option<KeychainError>) {
        *crate::sync::lock(&self.fault) = fault;
    }

    fn check(&self) -> Result<(), KeychainError> {
        match crate::sync::lock(&self.fault).clone() {
            Some(fault) => Err(fault),
            None => Ok(()),
        }
    }

    fn items(&self) -> std::sync::MutexGuard<'_, HashMap<KeychainItem, Zeroizing<Vec<u8>>>> {
        crate::sync::lock(&self.items)
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self, item: &KeychainItem) -> Result<Zeroizing<Vec<u8>>, KeychainError> {
        self.check()?;
        self.items().get(item).cloned().ok_or(KeychainError::ItemMissing)
    }

    fn set(&self, item: &KeychainItem, secret: &[u8]) -> Result<(), KeychainError> {
        self.check()?;
        self.items().insert(item.clone(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, item: &KeychainItem) -> Result<(), KeychainError> {
        self.check()?;
        self.items().remove(item);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_for_a_vault_without_password_and_for_a_new_vault_give_advice_that_fits() {
        let locked = KeychainError::Locked;
        let only = locked.message_without_recovery_password();
        assert!(only.starts_with("The keychain is locked. This vault has no recovery password"), "{only}");
        assert!(only.contains("unlock the keychain") && only.contains("Try again"), "{only}");
        assert!(!only.contains("unlock with your recovery password"), "{only}");
        let creating = KeychainError::NoService.message_when_creating();
        assert!(creating.starts_with("No keychain service is running, so Twofold could not"), "{creating}");
        assert!(creating.contains("Fill in a recovery password"), "{creating}");
        let alone = KeychainError::AccessDenied.message_password_alone();
        assert!(alone.contains("created with your recovery password alone"), "{alone}");
        assert!(alone.contains("if by then you allow Twofold access when the keychain asks"), "{alone}");
    }

    #[test]
    fn secret_service_failures_map_to_what_the_user_can_do() {
        assert_eq!(classify(keyring_core::Error::NoEntry), KeychainError::ItemMissing);
        assert_eq!(classify_platform("SS Error: object locked"), KeychainError::Locked);
        let unreachable = classify_platform("no secret service provider or dbus session found");
        assert!(matches!(unreachable, KeychainError::NoService | KeychainError::NoSession));
        assert!(matches!(classify_platform("something odd"), KeychainError::Platform(_)));
        let no_bus = "zbus error: Failed to connect to address `unix:path=/run/user/0/bus`: No such file or directory";
        assert_eq!(classify_platform(no_bus), KeychainError::NoSession);
    }

    #[test]
    fn memory_store_keeps_items_and_reports_injected_faults() {
        let store = MemoryKeyStore::new();
        let item = KeychainItem { service: "s".into(), account: "a".into() };
        assert_eq!(store.get(&item), Err(KeychainError::ItemMissing));
        store.set(&item, b"key").unwrap();
        assert_eq!(store.get(&item).unwrap().as_slice(), b"key");
        store.set_fault(Some(KeychainError::Locked));
        assert_eq!(store.get(&item), Err(KeychainError::Locked));
        let shown = format!("{store:?}");
        assert!(shown.contains("\"a\"") && !shown.contains("107, 101, 121"), "names items, not keys: {shown}");
    }
}
