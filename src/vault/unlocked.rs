//! An unlocked vault in memory, and how a change reaches the disk: applied to a copy, sealed, written as the next
//! generation, and only then kept.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::crypto::{self, Key256};
use super::error::VaultError;
use super::format::{self, Header, Slot};
use super::model::Payload;
use super::storage::Files;
use crate::otp::unix_now;

/// An unlocked vault. Holds the lock until dropped.
pub struct Vault {
    pub(super) files: Files,
    pub(super) _lock: File,
    pub(super) key: Key256,
    pub(super) header: Header,
    pub(super) payload: Payload,
    pub(super) recovery: Option<Recovery>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.files.current)
            .field("generation", &self.header.generation)
            .field("accounts", &self.payload.accounts.len())
            .finish_non_exhaustive()
    }
}

/// The vault file was damaged or missing and the previous generation was opened instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// What was wrong with the file.
    pub reason: &'static str,
    /// When the generation that was opened had been saved (Unix seconds).
    pub saved_at: u64,
    /// Where the damaged file was kept, if there was one.
    pub damaged_copy: Option<PathBuf>,
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "The vault file was damaged ({}), so Twofold opened the previous version instead. The last change made before the damage may be missing; check your accounts.",
            self.reason
        )?;
        if let Some(copy) = &self.damaged_copy {
            write!(f, " The damaged file was kept as {}.", copy.display())?;
        }
        Ok(())
    }
}

/// The associated data that binds a sealed payload to its vault and format version.
pub(super) fn payload_context(vault_id: &str) -> Vec<u8> {
    format!("twofold-vault/{}/{vault_id}", format::VERSION).into_bytes()
}

impl Vault {
    /// Set when [`Vault::open`] had to fall back to the previous generation.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.files.current
    }

    /// Applies a change to a copy of the accounts, saves it, and only then keeps it.
    pub(super) fn change<R>(
        &mut self,
        edit: impl FnOnce(&mut Payload) -> Result<R, VaultError>,
    ) -> Result<R, VaultError> {
        let mut next = self.payload.clone();
        let result = edit(&mut next)?;
        self.save(&next)?;
        self.payload = next;
        Ok(result)
    }

    /// Applies a change to the key slots, saves it, and takes it back if the save fails.
    pub(super) fn change_slots(
        &mut self,
        edit: impl FnOnce(&mut Vec<Slot>) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        let before = self.header.slots.clone();
        edit(&mut self.header.slots)?;
        let payload = self.payload.clone();
        if let Err(e) = self.save(&payload) {
            self.header.slots = before;
            return Err(e);
        }
        Ok(())
    }

    /// Encrypts `payload` and writes it as the next generation.
    pub(super) fn save(&mut self, payload: &Payload) -> Result<(), VaultError> {
        let header = self.next_generation(payload);
        self.files.write(&header.to_bytes())?;
        self.header = header;
        Ok(())
    }

    /// The header of the next generation, holding `payload` sealed with the master key.
    pub(super) fn next_generation(&self, payload: &Payload) -> Header {
        let plaintext = payload.to_json();
        let sealed = crypto::seal(&self.key, &payload_context(&self.header.vault_id), &plaintext);
        let mut header = self.header.clone();
        (header.nonce, header.data) = format::encode_sealed(&sealed);
        header.generation += 1;
        header.saved_at = unix_now();
        header
    }
}
