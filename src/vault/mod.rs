//! The vault: every account, encrypted at rest in one file, unlocked by the OS keychain or a recovery password.
//!
//! A random 256-bit *master key* encrypts the accounts with XChaCha20-Poly1305. The master key is stored only
//! wrapped (encrypted) in *slots*, as Aegis does:
//! - a **keychain slot**, whose wrapping key is one item in the OS keychain ([`keychain`]);
//! - an optional **password slot**, whose wrapping key comes from the recovery password through Argon2id.
//!
//! One keychain item rather than one per account keeps the file atomic and portable, avoids per-item prompts
//! and size limits, and with a password slot the vault opens even when the keychain is gone.
//!
//! # Durability
//! Every change is saved at once through [`storage`]: temporary file, fsync, previous generation kept, rename,
//! folder fsync. A file that fails its checksum or does not parse falls back to the previous generation, and the
//! damaged file is kept aside; [`Vault::recovery`] says what happened. A lock file keeps a second process out.
//! Opening never creates anything: only [`Vault::create`] does, and it refuses when a vault is already there.
//!
//! # File format, version 1
//! ```json
//! {
//!   "format": "twofold-vault",
//!   "version": 1,
//!   "vault_id": "32 hex digits, random",
//!   "generation": 7,                          // +1 on every save
//!   "saved_at": 1795400000,                   // Unix seconds
//!   "slots": [
//!     { "type": "keychain", "id": "16 hex digits",
//!       "item": { "service": "Twofold", "account": "vault-<vault_id>-<slot id>" },
//!       "nonce": "base64, 24 bytes", "wrapped_key": "base64: the master key sealed with the keychain key" },
//!     { "type": "password", "id": "16 hex digits",
//!       "kdf": { "algorithm": "argon2id", "memory_kib": 65536, "iterations": 3, "parallelism": 1,
//!                "salt": "base64, 16 bytes" },
//!       "nonce": "base64", "wrapped_key": "base64: the master key sealed with the password's key" }
//!   ],
//!   "cipher": "xchacha20-poly1305",
//!   "nonce": "base64, 24 bytes",
//!   "data": "base64: the payload below, sealed with the master key",
//!   "checksum": "hex SHA-256 of this file with these 64 digits set to 0"
//! }
//! ```
//! Sealing binds context as associated data: `twofold-vault/1/<vault_id>` for the payload and
//! `twofold-slot/<vault_id>/<slot id>` for each slot. The decrypted payload:
//! ```json
//! {
//!   "accounts": [
//!     { "id": "32 hex digits", "issuer": "Example", "name": "alice@example.com", "secret": "BASE32",
//!       "otp": { "type": "totp", "algorithm": "SHA1", "digits": 6, "period": 30 },
//!       "favorite": false, "added_at": 1795400000 }
//!   ],
//!   "trash": [ { "account": { "...": "as above" }, "deleted_at": 1795400000, "position": 0,
//!                "replaced_by": "id of the account that replaced it, if any" } ]
//! }
//! ```
//! `otp.type` is `totp` (with `period`), `hotp` (with `counter`: the counter of the code shown now) or `steam`
//! (with `period`). Unknown fields anywhere are kept on rewrite. A newer `version` is refused with a message to
//! update Twofold; an older one is upgraded in `format::upgrade`.

mod crypto;
mod format;
pub mod keychain;
mod storage;
pub(crate) use storage::{free_name, sync_folder};

use std::fs::File;
use std::path::{Path, PathBuf};

use data_encoding::{BASE64, HEXLOWER};
use serde_json::Map;
use zeroize::Zeroizing;

pub use crypto::KdfParams;
pub use keychain::{KeyStore, KeychainError, KeychainItem, MemoryKeyStore, OsKeychain};

use crate::otp::{Algorithm, Digits, Otp, Period, unix_now};
use crate::{Account, Codes, Secret};
use crypto::{KEY_LEN, Key256};
use format::{AccountRecord, FormatProblem, Header, Kdf, OtpRecord, PayloadRecord, Slot, TrashRecord};
use storage::Files;

/// The keychain service name under which vault keys are stored.
pub const KEYCHAIN_SERVICE: &str = "Twofold";

/// Why a vault operation failed. Every message says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// No vault file (nor a previous generation) exists at the path.
    #[error("No vault was found at {0}.")]
    NotFound(PathBuf),
    /// `create` found a vault already there.
    #[error("A vault already exists at {0}; Twofold will not overwrite it. Open it instead.")]
    AlreadyExists(PathBuf),
    /// Another process holds the vault.
    #[error("The vault is in use by another Twofold window or process. Close the other one, then try again.")]
    InUse,
    /// The keychain could not be used.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The keychain gave a key that does not open this vault.
    #[error(
        "The key in the keychain does not open this vault (the keychain item may have been replaced). Unlock with your recovery password; Twofold can then store a new key in the keychain."
    )]
    KeychainMismatch,
    /// The vault has no keychain slot.
    #[error("This vault is not linked to the keychain. Unlock it with your recovery password.")]
    NoKeychainSlot,
    /// The vault has no password slot.
    #[error("No recovery password is set for this vault, so it can only be unlocked through the keychain.")]
    NoPasswordSlot,
    /// The password did not open the password slot.
    #[error("That password is not correct. Check Caps Lock and the keyboard layout, then try again.")]
    WrongPassword,
    /// An empty recovery password.
    #[error("The recovery password is empty. Choose a password you will remember, ideally a long phrase.")]
    EmptyPassword,
    /// Removing the only way to unlock.
    #[error(
        "The recovery password cannot be removed because the vault is not linked to the keychain: nothing could unlock it. Link the keychain first."
    )]
    LastUnlockMethod,
    /// Creating a vault with no way to unlock it.
    #[error("A vault needs the keychain, a recovery password, or both, to be unlocked.")]
    NoUnlockMethod,
    /// The vault file and its previous generation are both unreadable.
    #[error(
        "The vault file {path} is damaged ({reason}) and no readable previous version exists. Do not delete it: restore it from a backup, or keep it for recovery."
    )]
    Damaged {
        /// The vault file.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Written by a newer release.
    #[error(
        "This vault was written by a newer version of Twofold (format version {0}). Update Twofold to open it; the file has not been changed."
    )]
    TooNew(u64),
    /// A file operation failed.
    #[error(
        "Twofold could not {action} {path}: {reason}. Check that the disk has free space and that you may write there, then try again; the vault on disk is unchanged."
    )]
    Io {
        /// What was being done.
        action: &'static str,
        /// To which file or folder.
        path: PathBuf,
        /// The system's description.
        reason: String,
    },
    /// No account (or trash entry) has that id.
    #[error("That account no longer exists. Refresh the list and try again.")]
    UnknownAccount,
    /// An account in the trash whose key is already in the list: restoring it would only add a copy.
    #[error(
        "This account is already in your list with the same key, so restoring it would only add a copy. If you no longer need this one, delete it for good."
    )]
    AlreadyInList,
    /// A new order that is not a rearrangement of the current accounts.
    #[error("The new order does not list each account exactly once. Refresh the list and try again.")]
    InvalidOrder,
    /// The operation needs an HOTP account.
    #[error("Only counter-based (HOTP) accounts have a next code on request.")]
    NotHotp,
    /// An HOTP counter at its largest value: a next code would repeat the first one.
    #[error(
        "This account's counter is at its largest value, so it has no next code: going on would repeat old codes. Set the account up again with the service to get a new key."
    )]
    CounterExhausted,
}

/// A stable identifier of an account in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    fn random() -> Self {
        AccountId(HEXLOWER.encode(&crypto::random::<16>()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for AccountId {
    fn from(id: &str) -> Self {
        AccountId(id.to_owned())
    }
}

/// What lists show of an account: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    /// Its id.
    pub id: AccountId,
    /// The service.
    pub issuer: String,
    /// The user's name at the service.
    pub name: String,
    /// How codes are made (no secret in it).
    pub otp: Otp,
    /// Pinned by the user.
    pub favorite: bool,
}

/// What the trash shows of an account in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashedSummary {
    /// The account, without its secret.
    pub account: AccountSummary,
    /// When it went to the trash, in seconds since 1970.
    pub deleted_at: u64,
    /// Whether it went there because a new QR code for the same account replaced it, rather than a delete.
    pub replaced: bool,
}

/// What [`Vault::add`] does when an account with the same issuer and name, but another secret, exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnNameConflict {
    /// Change nothing and report [`AddOutcome::NameConflict`], so the user can choose.
    Ask,
    /// Put the new account in the old one's place and the old one in the trash (undo with [`Vault::restore`]).
    Replace,
    /// Add the new account beside the old one.
    KeepBoth,
}

/// The result of [`Vault::add`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    /// Added at the end of the list.
    Added(AccountId),
    /// The same secret is already in the vault under this id; nothing changed.
    Duplicate(AccountId),
    /// Another account has the same issuer and name but a different secret; nothing changed.
    NameConflict(AccountId),
    /// The new account replaced `old`, which is now in the trash.
    Replaced {
        /// The new account.
        new: AccountId,
        /// The account it replaced.
        old: AccountId,
    },
}

/// How the vault was unlocked.
#[derive(Clone, Copy)]
pub enum Unlock<'a> {
    /// With the key in the OS keychain.
    Keychain(&'a dyn KeyStore),
    /// With the recovery password.
    Password(&'a str),
}

/// Which unlock methods a vault on disk offers, read without unlocking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultStatus {
    /// No vault yet: the first run.
    Missing,
    /// A vault exists.
    Present {
        /// It has a keychain slot.
        keychain: bool,
        /// It has a recovery password.
        password: bool,
    },
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

#[derive(Debug, Clone)]
struct Entry {
    id: AccountId,
    account: Account,
    favorite: bool,
    added_at: u64,
    extra: Map<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
struct TrashEntry {
    entry: Entry,
    deleted_at: u64,
    position: usize,
    replaced_by: Option<AccountId>,
    extra: Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
struct Payload {
    accounts: Vec<Entry>,
    trash: Vec<TrashEntry>,
    extra: Map<String, serde_json::Value>,
}

/// An unlocked vault. Holds the lock until dropped.
pub struct Vault {
    files: Files,
    _lock: File,
    key: Key256,
    header: Header,
    payload: Payload,
    recovery: Option<Recovery>,
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

/// A failure while reading one generation: either the file itself is damaged (try the previous one) or the
/// problem is with the key or the request, which the previous generation would not fix.
enum LoadError {
    Damaged(&'static str),
    Final(VaultError),
}

impl From<VaultError> for LoadError {
    fn from(e: VaultError) -> Self {
        LoadError::Final(e)
    }
}

fn payload_context(vault_id: &str) -> Vec<u8> {
    format!("twofold-vault/{}/{vault_id}", format::VERSION).into_bytes()
}

fn slot_context(vault_id: &str, slot_id: &str) -> Vec<u8> {
    format!("twofold-slot/{vault_id}/{slot_id}").into_bytes()
}

fn random_hex<const N: usize>() -> String {
    HEXLOWER.encode(&crypto::random::<N>())
}

impl Vault {
    /// Whether a vault exists at `path` and how it can be unlocked. Reads the file without unlocking it.
    pub fn status(path: &Path) -> Result<VaultStatus, VaultError> {
        let files = Files::new(path);
        let mut damaged = false;
        for candidate in [&files.current, &files.previous] {
            if let Some(bytes) = Files::read(candidate)? {
                if let Ok(header) = Header::from_bytes(&bytes) {
                    let has = |kind| header.slots.iter().any(|s| s.kind == kind);
                    return Ok(VaultStatus::Present {
                        keychain: has(format::SLOT_KEYCHAIN),
                        password: has(format::SLOT_PASSWORD),
                    });
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
        if files.current.exists() || files.previous.exists() {
            return Err(VaultError::AlreadyExists(files.current.clone()));
        }
        let key = crypto::random_key();
        let vault_id = random_hex::<16>();
        let mut slots = Vec::new();
        if let Some((password, params)) = password {
            slots.push(password_slot(&vault_id, &key, password, params)?);
        }
        let mut created_item = None;
        if let Some(store) = keychain {
            let (slot, item) = keychain_slot(&vault_id, &key, store)?;
            slots.push(slot);
            created_item = Some((store, item));
        }
        let header = Header {
            format: format::FORMAT.into(),
            version: format::VERSION,
            vault_id,
            generation: 0,
            saved_at: 0,
            slots,
            cipher: format::CIPHER.into(),
            nonce: String::new(),
            data: String::new(),
            extra: Map::new(),
        };
        let mut vault = Vault { files, _lock: lock, key, header, payload: Payload::default(), recovery: None };
        let empty = Payload::default();
        if let Err(e) = vault.save(&empty) {
            if let Some((store, item)) = created_item {
                let _ = store.delete(&item);
            }
            return Err(e);
        }
        Ok(vault)
    }

    /// Opens and decrypts the vault at `path`. Never creates a vault or a key.
    ///
    /// If the file is damaged or missing but the previous generation is readable, that generation is opened,
    /// written back as the current file, and described by [`Vault::recovery`].
    pub fn open(path: &Path, unlock: Unlock<'_>) -> Result<Vault, VaultError> {
        let files = Files::new(path);
        if !files.current.exists() && !files.previous.exists() {
            return Err(VaultError::NotFound(files.current.clone()));
        }
        let lock = files.lock()?;
        let current = Files::read(&files.current)?;
        let first_problem = match &current {
            Some(bytes) => match load(bytes, unlock) {
                Ok((header, key, payload)) => {
                    return Ok(Vault { files, _lock: lock, key, header, payload, recovery: None });
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
        Ok(Vault { files, _lock: lock, key, header, payload, recovery: Some(recovery) })
    }

    /// Set when [`Vault::open`] had to fall back to the previous generation.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.files.current
    }

    /// Which unlock methods this vault has.
    pub fn status_now(&self) -> VaultStatus {
        let has = |kind| self.header.slots.iter().any(|s: &Slot| s.kind == kind);
        VaultStatus::Present { keychain: has(format::SLOT_KEYCHAIN), password: has(format::SLOT_PASSWORD) }
    }

    /// The accounts in display order, without secrets.
    pub fn accounts(&self) -> Vec<AccountSummary> {
        self.payload.accounts.iter().map(Entry::summary).collect()
    }

    /// The trash, most recently deleted last, without secrets.
    pub fn trash(&self) -> Vec<TrashedSummary> {
        let summary = |t: &TrashEntry| TrashedSummary {
            account: t.entry.summary(),
            deleted_at: t.deleted_at,
            replaced: t.replaced_by.is_some(),
        };
        self.payload.trash.iter().map(summary).collect()
    }

    /// One account with its secret, for computing codes, showing its QR code or exporting.
    pub fn account(&self, id: &AccountId) -> Option<&Account> {
        self.payload.accounts.iter().find(|e| &e.id == id).map(|e| &e.account)
    }

    /// An account's codes at a Unix time.
    pub fn codes_at(&self, id: &AccountId, unix_time: u64) -> Result<Codes, VaultError> {
        self.account(id).map(|a| a.codes_at(unix_time)).ok_or(VaultError::UnknownAccount)
    }

    /// What adding `account` with [`OnNameConflict::Ask`] would report, without changing anything: `Added` with
    /// an empty id when nothing matches, `Duplicate` or `NameConflict` with the matching account's id.
    pub fn preview_add(&self, account: &Account) -> AddOutcome {
        if let Some(existing) = self.payload.accounts.iter().find(|e| e.account.secret == account.secret) {
            return AddOutcome::Duplicate(existing.id.clone());
        }
        match self.payload.accounts.iter().find(|e| same_identity(&e.account, account)) {
            Some(existing) => AddOutcome::NameConflict(existing.id.clone()),
            None => AddOutcome::Added(AccountId(String::new())),
        }
    }

    /// Adds an account; see [`AddOutcome`] for duplicates and same-name accounts.
    pub fn add(&mut self, account: Account, on_conflict: OnNameConflict) -> Result<AddOutcome, VaultError> {
        let mut outcomes = self.add_all(vec![account], on_conflict)?;
        Ok(outcomes.remove(0))
    }

    /// Adds accounts as [`Vault::add`] adds each, in one save: all of them or, if the save fails, none. An account
    /// named like one added earlier in the same call is kept beside it (an export may hold an old and a new key for
    /// one login; neither replaces the other unasked), and one whose secret came earlier in the call is a duplicate.
    pub fn add_all(
        &mut self,
        accounts: Vec<Account>,
        on_conflict: OnNameConflict,
    ) -> Result<Vec<AddOutcome>, VaultError> {
        let mut next = self.payload.clone();
        let mut fresh = Vec::new();
        let outcomes: Vec<AddOutcome> = accounts
            .into_iter()
            .map(|account| {
                let outcome = next.add(account, on_conflict, &fresh);
                if let AddOutcome::Added(id) | AddOutcome::Replaced { new: id, .. } = &outcome {
                    fresh.push(id.clone());
                }
                outcome
            })
            .collect();
        if !fresh.is_empty() {
            self.save(&next)?;
            self.payload = next;
        }
        Ok(outcomes)
    }

    /// Changes an account's issuer and name.
    pub fn rename(&mut self, id: &AccountId, issuer: &str, name: &str) -> Result<(), VaultError> {
        self.change(|p| {
            let entry = p.entry_mut(id)?;
            entry.account.issuer = issuer.trim().to_owned();
            entry.account.name = name.trim().to_owned();
            Ok(())
        })
    }

    /// Pins or unpins an account.
    pub fn set_favorite(&mut self, id: &AccountId, favorite: bool) -> Result<(), VaultError> {
        self.change(|p| {
            p.entry_mut(id)?.favorite = favorite;
            Ok(())
        })
    }

    /// Moves an account to the trash. It can be restored until it is deleted for good.
    pub fn delete(&mut self, id: &AccountId) -> Result<(), VaultError> {
        self.change(|p| {
            let position = p.position(id)?;
            let entry = p.accounts.remove(position);
            p.trash.push(TrashEntry { entry, deleted_at: unix_now(), position, replaced_by: None, extra: Map::new() });
            Ok(())
        })
    }

    /// Brings an account back from the trash to where it was. If it had been replaced by an account that is
    /// still there, that one goes to the trash instead (undoing the replacement).
    pub fn restore(&mut self, id: &AccountId) -> Result<(), VaultError> {
        self.change(|p| {
            let restored = p.take_from_trash(id)?;
            let replacement = restored.replaced_by.as_ref().and_then(|r| p.position(r).ok());
            match replacement {
                Some(at) => {
                    let newer = std::mem::replace(&mut p.accounts[at], restored.entry);
                    p.trash.push(TrashEntry {
                        entry: newer,
                        deleted_at: unix_now(),
                        position: at,
                        replaced_by: None,
                        extra: Map::new(),
                    });
                }
                None => p.put_back(restored),
            }
            Ok(())
        })
    }

    /// Brings an account back from the trash to where it was, and leaves any account that replaced it where it
    /// is: both are then in the list. This is what the trash's own list does, long after a replacement, when
    /// the newer account may be the one that works.
    /// An account whose key is in the list already (scanned again after it was deleted) is not restored as a
    /// copy: that is [`VaultError::AlreadyInList`].
    pub fn restore_alongside(&mut self, id: &AccountId) -> Result<(), VaultError> {
        self.change(|p| {
            let restored = p.take_from_trash(id)?;
            if p.accounts.iter().any(|e| e.account.secret == restored.entry.account.secret) {
                return Err(VaultError::AlreadyInList);
            }
            p.put_back(restored);
            Ok(())
        })
    }

    /// Deletes these accounts in the trash for good: all of them, or none if one is not in the trash.
    pub fn purge(&mut self, ids: &[AccountId]) -> Result<(), VaultError> {
        self.change(|p| ids.iter().try_for_each(|id| p.take_from_trash(id).map(drop)))
    }

    /// Moves an account to a new position in the list.
    pub fn move_account(&mut self, id: &AccountId, to: usize) -> Result<(), VaultError> {
        self.change(|p| {
            let from = p.position(id)?;
            let entry = p.accounts.remove(from);
            let to = to.min(p.accounts.len());
            p.accounts.insert(to, entry);
            Ok(())
        })
    }

    /// Puts the accounts in the given order, which must list each account exactly once.
    pub fn reorder(&mut self, order: &[AccountId]) -> Result<(), VaultError> {
        self.change(|p| {
            if order.len() != p.accounts.len() {
                return Err(VaultError::InvalidOrder);
            }
            let mut rest: Vec<Option<Entry>> = p.accounts.drain(..).map(Some).collect();
            let mut sorted = Vec::with_capacity(rest.len());
            for id in order {
                let slot = rest.iter_mut().find(|e| e.as_ref().is_some_and(|e| &e.id == id));
                sorted.push(slot.and_then(Option::take).ok_or(VaultError::InvalidOrder)?);
            }
            p.accounts = sorted;
            Ok(())
        })
    }

    /// Advances an HOTP account to its next code, saves the new counter, and only then returns the code.
    pub fn next_hotp(&mut self, id: &AccountId) -> Result<Codes, VaultError> {
        self.change(|p| {
            let entry = p.entry_mut(id)?;
            match &mut entry.account.otp {
                Otp::Hotp { counter, .. } => *counter = counter.checked_add(1).ok_or(VaultError::CounterExhausted)?,
                _ => return Err(VaultError::NotHotp),
            }
            Ok(())
        })?;
        self.codes_at(id, 0)
    }

    /// Sets or changes the recovery password.
    pub fn set_password(&mut self, password: &str, params: KdfParams) -> Result<(), VaultError> {
        let slot = password_slot(&self.header.vault_id, &self.key, password, params)?;
        self.change_slots(|slots| {
            slots.retain(|s| s.kind != format::SLOT_PASSWORD);
            slots.push(slot);
            Ok(())
        })
    }

    /// Removes the recovery password; refused when the keychain is not linked.
    pub fn remove_password(&mut self) -> Result<(), VaultError> {
        self.change_slots(|slots| {
            if !slots.iter().any(|s| s.kind == format::SLOT_KEYCHAIN) {
                return Err(VaultError::LastUnlockMethod);
            }
            slots.retain(|s| s.kind != format::SLOT_PASSWORD);
            Ok(())
        })
    }

    /// Stores a new key in the keychain and links the vault to it, replacing any keychain slot. Use after a
    /// password unlock when the keychain item was missing, damaged or replaced.
    pub fn link_keychain(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        let (slot, item) = keychain_slot(&self.header.vault_id, &self.key, store)?;
        let old_items: Vec<KeychainItem> = self
            .header
            .slots
            .iter()
            .filter(|s| s.kind == format::SLOT_KEYCHAIN)
            .filter_map(|s| s.item.clone())
            .collect();
        if let Err(e) = self.change_slots(|slots| {
            slots.retain(|s| s.kind != format::SLOT_KEYCHAIN);
            slots.push(slot);
            Ok(())
        }) {
            let _ = store.delete(&item);
            return Err(e);
        }
        for old in old_items {
            // The file no longer refers to it; a leftover item is harmless if this fails.
            let _ = store.delete(&old);
        }
        Ok(())
    }

    /// After a password unlock, mends the keychain link: when the vault is not linked to the keychain, or the
    /// keychain answered but its key is missing, damaged or does not open this vault, stores a new key there and
    /// links it ([`Vault::link_keychain`]), so the next start needs no password. Returns whether it did.
    ///
    /// A keychain that cannot be reached now (no service, locked, access denied) is left alone and `Ok(false)`
    /// returned: its key may well be fine, and the next start tries it again.
    pub fn repair_keychain(&mut self, store: &dyn KeyStore) -> Result<bool, VaultError> {
        let unreachable = |e: &KeychainError| {
            matches!(
                e,
                KeychainError::NoSession
                    | KeychainError::NoService
                    | KeychainError::Locked
                    | KeychainError::AccessDenied
                    | KeychainError::Platform(_)
            )
        };
        match unwrap_master_key(&self.header, Unlock::Keychain(store)) {
            Ok(_) => return Ok(false),
            Err(LoadError::Final(VaultError::Keychain(e))) if unreachable(&e) => return Ok(false),
            // Missing or damaged item, a key that does not open the vault, no keychain slot, a damaged slot.
            Err(_) => {}
        }
        match self.link_keychain(store) {
            Ok(()) => Ok(true),
            Err(VaultError::Keychain(e)) if unreachable(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Applies a change to a copy of the accounts, saves it, and only then keeps it.
    fn change<R>(&mut self, edit: impl FnOnce(&mut Payload) -> Result<R, VaultError>) -> Result<R, VaultError> {
        let mut next = self.payload.clone();
        let result = edit(&mut next)?;
        self.save(&next)?;
        self.payload = next;
        Ok(result)
    }

    fn change_slots(&mut self, edit: impl FnOnce(&mut Vec<Slot>) -> Result<(), VaultError>) -> Result<(), VaultError> {
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
    fn save(&mut self, payload: &Payload) -> Result<(), VaultError> {
        let plaintext = payload.to_json();
        let sealed = crypto::seal(&self.key, &payload_context(&self.header.vault_id), &plaintext);
        let mut header = self.header.clone();
        (header.nonce, header.data) = format::encode_sealed(&sealed);
        header.generation += 1;
        header.saved_at = unix_now();
        self.files.write(&header.to_bytes())?;
        self.header = header;
        Ok(())
    }
}

/// Same service and same user, ignoring case and surrounding spaces.
fn same_identity(a: &Account, b: &Account) -> bool {
    let norm = |s: &str| s.trim().to_lowercase();
    norm(&a.issuer) == norm(&b.issuer) && norm(&a.name) == norm(&b.name)
}

fn password_slot(vault_id: &str, key: &Key256, password: &str, params: KdfParams) -> Result<Slot, VaultError> {
    if password.is_empty() {
        return Err(VaultError::EmptyPassword);
    }
    let salt = crypto::random::<16>();
    let wrapping = crypto::derive_key(password, &salt, params).ok_or(VaultError::WrongPassword)?;
    let id = random_hex::<8>();
    let sealed = crypto::seal(&wrapping, &slot_context(vault_id, &id), key.as_ref());
    let (nonce, wrapped_key) = format::encode_sealed(&sealed);
    Ok(Slot {
        kind: format::SLOT_PASSWORD.into(),
        id,
        item: None,
        kdf: Some(Kdf { algorithm: "argon2id".into(), params, salt: BASE64.encode(&salt) }),
        nonce,
        wrapped_key,
        extra: Map::new(),
    })
}

/// Stores a fresh wrapping key in the keychain and returns the slot that uses it, and the item.
fn keychain_slot(vault_id: &str, key: &Key256, store: &dyn KeyStore) -> Result<(Slot, KeychainItem), VaultError> {
    let id = random_hex::<8>();
    let item = KeychainItem { service: KEYCHAIN_SERVICE.into(), account: format!("vault-{vault_id}-{id}") };
    let wrapping = crypto::random_key();
    store.set(&item, wrapping.as_ref())?;
    let sealed = crypto::seal(&wrapping, &slot_context(vault_id, &id), key.as_ref());
    let (nonce, wrapped_key) = format::encode_sealed(&sealed);
    let slot = Slot {
        kind: format::SLOT_KEYCHAIN.into(),
        id,
        item: Some(item.clone()),
        kdf: None,
        nonce,
        wrapped_key,
        extra: Map::new(),
    };
    Ok((slot, item))
}

/// Reads one generation: checks the file, unwraps the master key, decrypts and parses the accounts.
fn load(bytes: &[u8], unlock: Unlock<'_>) -> Result<(Header, Key256, Payload), LoadError> {
    let header = Header::from_bytes(bytes).map_err(|problem| match problem {
        FormatProblem::Damaged(reason) => LoadError::Damaged(reason),
        FormatProblem::TooNew(v) => LoadError::Final(VaultError::TooNew(v)),
    })?;
    let key = unwrap_master_key(&header, unlock)?;
    let sealed =
        format::decode_sealed(&header.nonce, &header.data).ok_or(LoadError::Damaged("its data is not base64"))?;
    let plaintext = crypto::open(&key, &payload_context(&header.vault_id), &sealed)
        .ok_or(LoadError::Damaged("its encrypted data does not verify"))?;
    let payload = Payload::from_json(&plaintext).ok_or(LoadError::Damaged("its accounts cannot be read"))?;
    Ok((header, key, payload))
}

fn unwrap_master_key(header: &Header, unlock: Unlock<'_>) -> Result<Key256, LoadError> {
    let (kind, missing) = match unlock {
        Unlock::Keychain(_) => (format::SLOT_KEYCHAIN, VaultError::NoKeychainSlot),
        Unlock::Password(_) => (format::SLOT_PASSWORD, VaultError::NoPasswordSlot),
    };
    let slot = header.slots.iter().find(|s| s.kind == kind).ok_or(missing)?;
    let sealed =
        format::decode_sealed(&slot.nonce, &slot.wrapped_key).ok_or(LoadError::Damaged("a key slot is not base64"))?;
    let context = slot_context(&header.vault_id, &slot.id);
    let (wrapping, wrong) = match unlock {
        Unlock::Keychain(store) => {
            let item = slot.item.as_ref().ok_or(LoadError::Damaged("the keychain slot names no item"))?;
            let bytes = store.get(item).map_err(VaultError::from)?;
            let key: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| VaultError::KeychainMismatch)?;
            (Zeroizing::new(key), VaultError::KeychainMismatch)
        }
        Unlock::Password(password) => {
            let kdf = slot.kdf.as_ref().ok_or(LoadError::Damaged("the password slot has no parameters"))?;
            let salt = BASE64.decode(kdf.salt.as_bytes()).map_err(|_| LoadError::Damaged("a salt is not base64"))?;
            if kdf.algorithm != "argon2id" || !kdf.params.is_reasonable() {
                return Err(LoadError::Damaged("the password slot's parameters are not valid"));
            }
            let key = crypto::derive_key(password, &salt, kdf.params)
                .ok_or(LoadError::Damaged("the password slot's parameters are not valid"))?;
            (key, VaultError::WrongPassword)
        }
    };
    let master = crypto::open(&wrapping, &context, &sealed).ok_or(LoadError::Final(wrong))?;
    let master: [u8; KEY_LEN] =
        master.as_slice().try_into().map_err(|_| LoadError::Damaged("a key slot holds a key of the wrong size"))?;
    Ok(Zeroizing::new(master))
}

impl Entry {
    fn summary(&self) -> AccountSummary {
        AccountSummary {
            id: self.id.clone(),
            issuer: self.account.issuer.clone(),
            name: self.account.name.clone(),
            otp: self.account.otp,
            favorite: self.favorite,
        }
    }

    fn to_record(&self) -> AccountRecord {
        let otp = match self.account.otp {
            Otp::Totp { algorithm, digits, period } => OtpRecord {
                kind: "totp".into(),
                algorithm: Some(algorithm.as_str().into()),
                digits: Some(digits.get()),
                period: Some(period.seconds()),
                counter: None,
                extra: Map::new(),
            },
            Otp::Hotp { algorithm, digits, counter } => OtpRecord {
                kind: "hotp".into(),
                algorithm: Some(algorithm.as_str().into()),
                digits: Some(digits.get()),
                period: None,
                counter: Some(counter),
                extra: Map::new(),
            },
            Otp::Steam { period } => OtpRecord {
                kind: "steam".into(),
                algorithm: None,
                digits: None,
                period: Some(period.seconds()),
                counter: None,
                extra: Map::new(),
            },
        };
        AccountRecord {
            id: self.id.0.clone(),
            issuer: self.account.issuer.clone(),
            name: self.account.name.clone(),
            secret: self.account.secret.to_base32(),
            otp,
            favorite: self.favorite,
            added_at: self.added_at,
            extra: self.extra.clone(),
        }
    }

    fn from_record(record: AccountRecord) -> Option<Entry> {
        let r = &record.otp;
        let algorithm = || r.algorithm.as_deref().map_or(Ok(Algorithm::Sha1), Algorithm::parse).ok();
        let digits = || r.digits.map_or(Ok(Digits::SIX), Digits::new).ok();
        let period = || r.period.map_or(Ok(Period::THIRTY), Period::new).ok();
        let otp = match r.kind.as_str() {
            "totp" => Otp::Totp { algorithm: algorithm()?, digits: digits()?, period: period()? },
            "hotp" => Otp::Hotp { algorithm: algorithm()?, digits: digits()?, counter: r.counter? },
            "steam" => Otp::Steam { period: period()? },
            _ => return None,
        };
        let secret = Secret::from_base32(&record.secret).ok()?;
        Some(Entry {
            id: AccountId(record.id.clone()),
            account: Account { issuer: record.issuer.clone(), name: record.name.clone(), secret, otp },
            favorite: record.favorite,
            added_at: record.added_at,
            extra: record.extra.clone(),
        })
    }
}

impl Payload {
    /// Adds `account` as [`Vault::add`] describes; the accounts `fresh`, added by the same call, do not count as
    /// having its name.
    fn add(&mut self, account: Account, on_conflict: OnNameConflict, fresh: &[AccountId]) -> AddOutcome {
        if let Some(existing) = self.accounts.iter().find(|e| e.account.secret == account.secret) {
            return AddOutcome::Duplicate(existing.id.clone());
        }
        let same_name =
            self.accounts.iter().position(|e| !fresh.contains(&e.id) && same_identity(&e.account, &account));
        let entry =
            Entry { id: AccountId::random(), account, favorite: false, added_at: unix_now(), extra: Map::new() };
        let new = entry.id.clone();
        match (same_name, on_conflict) {
            (Some(index), OnNameConflict::Ask) => AddOutcome::NameConflict(self.accounts[index].id.clone()),
            (Some(index), OnNameConflict::Replace) => {
                // The new secret takes the old one's place in every way the user set: position and favourite.
                let favorite = self.accounts[index].favorite;
                let old = std::mem::replace(&mut self.accounts[index], Entry { favorite, ..entry });
                let old_id = old.id.clone();
                self.trash.push(TrashEntry {
                    entry: old,
                    deleted_at: unix_now(),
                    position: index,
                    replaced_by: Some(new.clone()),
                    extra: Map::new(),
                });
                AddOutcome::Replaced { new, old: old_id }
            }
            _ => {
                self.accounts.push(entry);
                AddOutcome::Added(new)
            }
        }
    }

    fn entry_mut(&mut self, id: &AccountId) -> Result<&mut Entry, VaultError> {
        self.accounts.iter_mut().find(|e| &e.id == id).ok_or(VaultError::UnknownAccount)
    }

    fn position(&self, id: &AccountId) -> Result<usize, VaultError> {
        self.accounts.iter().position(|e| &e.id == id).ok_or(VaultError::UnknownAccount)
    }

    /// Takes an account out of the trash (its latest stay there, should it have been deleted twice).
    fn take_from_trash(&mut self, id: &AccountId) -> Result<TrashEntry, VaultError> {
        let index = self.trash.iter().rposition(|t| &t.entry.id == id).ok_or(VaultError::UnknownAccount)?;
        Ok(self.trash.remove(index))
    }

    /// Puts an account taken from the trash back at its old position, or last if the list is shorter now.
    fn put_back(&mut self, restored: TrashEntry) {
        let at = restored.position.min(self.accounts.len());
        self.accounts.insert(at, restored.entry);
    }

    fn to_json(&self) -> Zeroizing<Vec<u8>> {
        let record = PayloadRecord {
            accounts: self.accounts.iter().map(Entry::to_record).collect(),
            trash: self
                .trash
                .iter()
                .map(|t| TrashRecord {
                    account: t.entry.to_record(),
                    deleted_at: t.deleted_at,
                    position: t.position,
                    replaced_by: t.replaced_by.as_ref().map(|id| id.0.clone()),
                    extra: t.extra.clone(),
                })
                .collect(),
            extra: self.extra.clone(),
        };
        // Sized up front so the buffer holding secrets is not reallocated (and copied) while it grows.
        let mut out = Zeroizing::new(Vec::with_capacity(1024 + 512 * (record.accounts.len() + record.trash.len())));
        serde_json::to_writer(&mut *out, &record).unwrap_or_else(|e| panic!("the payload always serialises: {e}"));
        out
    }

    fn from_json(bytes: &[u8]) -> Option<Payload> {
        let record: PayloadRecord = serde_json::from_slice(bytes).ok()?;
        let accounts = record.accounts.into_iter().map(Entry::from_record).collect::<Option<Vec<_>>>()?;
        let trash = record
            .trash
            .into_iter()
            .map(|t| {
                Some(TrashEntry {
                    entry: Entry::from_record(t.account)?,
                    deleted_at: t.deleted_at,
                    position: t.position,
                    replaced_by: t.replaced_by.map(AccountId),
                    extra: t.extra,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Payload { accounts, trash, extra: record.extra })
    }
}

#[cfg(test)]
mod tests;
