//! The vault as the app holds it: open, or not (not created yet, or locked). The app's state and the pairing
//! both reach the accounts through it.

use std::sync::{Mutex, MutexGuard};

use twofold::sync::lock;
use twofold::vault::Vault;

use crate::error::AppError;

/// The open vault, if any.
#[derive(Default)]
pub struct OpenVault(Mutex<Option<Vault>>);

impl OpenVault {
    /// The vault, locked for this thread until the guard is dropped; `None` when not open.
    pub fn get(&self) -> MutexGuard<'_, Option<Vault>> {
        lock(&self.0)
    }

    /// Runs `f` on the open vault, or says that Twofold is locked.
    pub fn with<R>(&self, f: impl FnOnce(&mut Vault) -> Result<R, AppError>) -> Result<R, AppError> {
        let mut guard = self.get();
        let vault = guard.as_mut().ok_or(AppError::Locked)?;
        f(vault)
    }

    /// Whether a vault is open.
    pub fn is_open(&self) -> bool {
        self.get().is_some()
    }

    /// Keeps `vault` as the open vault.
    pub fn set(&self, vault: Vault) {
        *self.get() = Some(vault);
    }
}
