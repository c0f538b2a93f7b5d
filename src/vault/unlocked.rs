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
    pub(super) rollback: Option<Rollback>,
    /// The newest generation seen on this computer; the next save is numbered above it.
    pub(super) newest_seen: u64,
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

/// The vault file is an older generation than one this computer saved or opened before: it was put back, by a
/// sync service, a restored copy, or someone who can write the user's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollback {
    /// The generation the file holds.
    pub found: u64,
    /// The newest generation seen here before.
    pub seen: u64,
}

impl std::fmt::Display for Rollback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "The vault file is older than the newest one this computer saved (save {} of {}): it was replaced by an earlier copy, by a sync service, a restored backup or someone with access to your files. Check your accounts, and import your newest backup if any is missing.",
            self.found, self.seen
        )
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

    /// Set when [`Vault::open`] found the file older than the newest generation seen on this computer.
    pub fn rollback(&self) -> Option<&Rollback> {
        self.rollback.as_ref()
    }

    /// Compares the opened generation with the newest seen here, and records it when it is newer. After a
    /// rollback, or a fall back to the previous generation, the next save continues from the newest number seen.
    pub(super) fn check_generation(&mut self) {
        let found = self.header.generation;
        match self.files.seen(&self.header.vault_id) {
            Some(seen) if seen > found => {
                if self.recovery.is_none() {
                    self.rollback = Some(Rollback { found, seen });
                }
                self.newest_seen = seen;
            }
            Some(seen) if seen == found => {}
            // Not recorded yet, or newer: the record is only a warning, so failing to write it is not an error.
            _ => {
                let _ = self.files.record_seen(&self.header.vault_id, found);
            }
        }
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
        // Saved already; the record only serves the rollback warning, so a failure to write it is not reported.
        let _ = self.files.record_seen(&self.header.vault_id, self.header.generation);
        Ok(())
    }

    /// The header of the next generation, holding `payload` sealed with the master key.
    pub(super) fn next_generation(&self, payload: &Payload) -> Header {
        let mut header = self.header.clone();
        header.generation = header.generation.max(self.newest_seen) + 1;
        let plaintext = payload.to_json(header.generation);
        let sealed = crypto::seal(&self.key, &payload_context(&self.header.vault_id), &plaintext);
        (header.nonce, header.data) = format::encode_sealed(&sealed);
        header.saved_at = unix_now();
        header
    }
}
