//! The vault as the app holds it: open, or not (not created yet, or locked). The app's state, the pairing and the
//! backups reach the accounts through it; a change saved through it is told to whoever watches (the backups).

use std::sync::{Mutex, MutexGuard};

use twofold::sync::lock;
use twofold::vault::Vault;

use crate::error::AppError;

type Watcher = Box<dyn Fn() + Send + Sync>;

/// The open vault, if any.
#[derive(Default)]
pub struct OpenVault {
    vault: Mutex<Option<Vault>>,
    /// Called, with the vault's lock released, after a change was saved or a vault was opened.
    on_change: Mutex<Vec<Watcher>>,
}

impl OpenVault {
    /// The vault, locked for this thread until the guard is dropped; `None` when not open. Changes made through
    /// the guard are not told to the watcher: make them through [`Self::with`].
    pub fn get(&self) -> MutexGuard<'_, Option<Vault>> {
        lock(&self.vault)
    }

    /// Runs `f` on the open vault, or says that Twofold is locked. A change saved by `f` is told to the watcher.
    pub fn with<R>(&self, f: impl FnOnce(&mut Vault) -> Result<R, AppError>) -> Result<R, AppError> {
        let (result, changed) = {
            let mut guard = self.get();
            let vault = guard.as_mut().ok_or(AppError::Locked)?;
            let before = vault.generation();
            let result = f(vault);
            (result, vault.generation() != before)
        };
        if changed {
            self.changed();
        }
        result
    }

    /// From now on, `watcher` is called after every change saved and every opening (the backups, the tray's
    /// favourites). A watcher must not add another.
    pub fn watch(&self, watcher: impl Fn() + Send + Sync + 'static) {
        lock(&self.on_change).push(Box::new(watcher));
    }

    fn changed(&self) {
        for watcher in lock(&self.on_change).iter() {
            watcher();
        }
    }

    /// Whether a vault is open.
    pub fn is_open(&self) -> bool {
        self.get().is_some()
    }

    /// Closes the vault (locking Twofold): its keys leave memory, zeroed as they are dropped. Returns whether one
    /// was open.
    pub fn close(&self) -> bool {
        let vault = self.get().take();
        vault.is_some()
    }

    /// Keeps `vault` as the open vault.
    pub fn set(&self, vault: Vault) {
        *self.get() = Some(vault);
        self.changed();
    }
}
