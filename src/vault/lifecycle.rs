//! A vault's life on disk: whether one is there, creating it, and opening it, falling back to the previous
//! generation when the newest file is damaged.
//!
//! Opening never creates anything: only [`Vault::create`] does, and it refuses when a vault is already there.

use std::path::Path;

use serde_json::Map;

use super::crypto::{self, KdfParams, Key256};
use super::error::{LoadError, VaultError};
use super::format::{self, FormatProblem, Header};
use super::keychain::KeyStore;
use super::model::{Payload, Stored};
use super::slots::{self, Unlock, VaultStatus};
use super::storage::Files;
use super::unlocked::{Recovery, Vault, payload_context};
use crate::account::Entry;
use crate::otp::unix_now;

impl Vault {
    /// Whether a vault exists at `path` and how it can be unlocked. Reads the file without unlocking it.
    pub fn status(path: &Path) -> Result<VaultStatus, VaultError> {
        let files = Files::new(path);
        let mut damaged = false;
        for candidate in [&files.current, &files.previous] {
            if let Some(bytes) = Files::read(candidate)? {
                if let Ok(header) = Header::from_bytes(&bytes) {
                    return Ok(slots::status_of(&header.slots));
                }
                // The previous generation, which opening falls back to, may still say how the vault opens.
                damaged = true;
            }
        }
        // A damaged file still means a vault is there: never report it missing.
        Ok(if damaged { VaultStatus::Present { keychain: true, password: true } } else { VaultStatus::Missing })
    }

    /// Creates an empty vault protected by the keychain, a recovery password, or both.
    ///
    /// Refuses if a vault (or its previous generation) is already at `path`.
    pub fn create(
        path: &Path,
        keychain: Option<&dyn KeyStore>,
        password: Option<(&str, KdfParams)>,
    ) -> Result<Vault, VaultError> {
        if keychain.is_none() && password.is_none() {
            return Err(VaultError::NoUnlockMethod);
        }
        let files = Files::new(path);
        let lock = files.lock()?;
        if files.any_exists()? {
            return Err(VaultError::AlreadyExists(files.current.clone()));
        }
        let key = crypto::random_key();
        let vault_id = slots::random_hex::<16>();
        let mut key_slots = Vec::new();
        if let Some((password, params)) = password {
            key_slots.push(slots::password_slot(&vault_id, &key, password, params)?);
        }
        let mut created_item = None;
        if let Some(store) = keychain {
            let (slot, item) = slots::keychain_slot(&vault_id, &key, store)?;
            key_slots.push(slot);
            created_item = Some((store, item));
        }
        let header = Header {
            format: format::FORMAT.into(),
            version: format::VERSION,
            vault_id,
            generation: 0,
            saved_at: 0,
            slots: key_slots,
            cipher: format::CIPHER.into(),
            nonce: String::new(),
            data: String::new(),
            extra: Map::new(),
        };
        let mut vault = Vault {
            files,
            _lock: lock,
            key,
            header,
            payload: Payload::default(),
            recovery: None,
            rollback: None,
            newest_seen: 0,
        };
        let first = vault.next_generation(&Payload::default());
        if let Err(e) = vault.files.create(&first.to_bytes()) {
            if let Some((store, item)) = created_item {
                let _ = store.delete(&item);
            }
            return Err(e);
        }
        vault.header = first;
        let _ = vault.files.record_seen(&vault.header.vault_id, vault.header.generation);
        Ok(vault)
    }

    /// Opens and decrypts the vault at `path`. Never creates a vault or a key.
    ///
    /// If the file is damaged or missing but the previous generation is readable, that generation is opened,
    /// written back as the current file, and described by [`Vault::recovery`].
    pub fn open(path: &Path, unlock: Unlock<'_>) -> Result<Vault, VaultError> {
        let files = Files::new(path);
        if !files.any_exists()? {
            return Err(VaultError::NotFound(files.current.clone()));
        }
        let lock = files.lock()?;
        let current = Files::read(&files.current)?;
        let first_problem = match &current {
            Some(bytes) => match load(bytes, unlock) {
                Ok((header, key, payload)) => {
                    return Ok(Vault::opened(files, lock, key, header, payload, None));
                }
                Err(LoadError::Final(e)) => return Err(e),
                Err(LoadError::Damaged(reason)) => reason,
            },
            None => "the file was missing",
        };
        let Some(previous) = Files::read(&files.previous)? else {
            return Err(match current {
                Some(_) => VaultError::Damaged { path: files.current.clone(), reason: first_problem },
                None => VaultError::NotFound(files.current.clone()),
            });
        };
        let (header, key, payload) = match load(&previous, unlock) {
            Ok(loaded) => loaded,
            Err(LoadError::Final(e)) => return Err(e),
            Err(LoadError::Damaged(_)) => {
                return Err(VaultError::Damaged { path: files.current.clone(), reason: first_problem });
            }
        };
        let damaged_copy = match current {
            Some(_) => Some(files.set_aside(unix_now())?),
            None => None,
        };
        // Restore the readable generation as the current file; the previous generation is untouched.
        files.write(&previous)?;
        let recovery = Recovery { reason: first_problem, saved_at: header.saved_at, damaged_copy };
        Ok(Vault::opened(files, lock, key, header, payload, Some(recovery)))
    }
}

impl Vault {
    /// An opened vault, its generation compared with the newest seen here.
    fn opened(
        files: Files,
        lock: std::fs::File,
        key: Key256,
        header: Header,
        payload: Payload,
        recovery: Option<Recovery>,
    ) -> Vault {
        let mut vault = Vault { files, _lock: lock, key, header, payload, recovery, rollback: None, newest_seen: 0 };
        vault.check_generation();
        vault
    }
}

/// The accounts of a vault file or backup, with `password`, read without locking, opening or writing anything: to
/// import a backup.
pub fn read_entries(bytes: &[u8], password: &str) -> Result<Vec<Entry>, VaultError> {
    match load(bytes, Unlock::Password(password)) {
        Ok((_, _, payload)) => Ok(payload.accounts.iter().map(Stored::entry).collect()),
        Err(LoadError::Final(e)) => Err(e),
        Err(LoadError::Damaged(reason)) => Err(VaultError::Damaged { path: "the backup".into(), reason }),
    }
}

/// Reads one generation: checks the file, unwraps the master key, decrypts and parses the accounts.
fn load(bytes: &[u8], unlock: Unlock<'_>) -> Result<(Header, Key256, Payload), LoadError> {
    let header = Header::from_bytes(bytes).map_err(|problem| match problem {
        FormatProblem::Damaged(reason) => LoadError::Damaged(reason),
        FormatProblem::TooNew(v) => LoadError::Final(VaultError::TooNew(v)),
    })?;
    let key = slots::unwrap_master_key(&header, unlock)?;
    let sealed =
        format::decode_sealed(&header.nonce, &header.data).ok_or(LoadError::Damaged("its data is not base64"))?;
    let plaintext = crypto::open(&key, &payload_context(&header.vault_id), &sealed)
        .ok_or(LoadError::Damaged("its encrypted data does not verify"))?;
    let (payload, generation) =
        Payload::from_json(&plaintext).ok_or(LoadError::Damaged("its accounts cannot be read"))?;
    // The generation sealed inside must be the header's: a header edited to look newer is damage, not a rollback.
    if generation.is_some_and(|g| g != header.generation) {
        return Err(LoadError::Damaged("its save number was altered"));
    }
    Ok((header, key, payload))
}
