//! The vault: every account, encrypted at rest in one file, unlocked by the OS keychain or a recovery password.
//!
//! A random 256-bit *master key* encrypts the accounts with XChaCha20-Poly1305; it is stored only wrapped in *key
//! slots* (`slots.rs`), one per way to unlock: the keychain, and optionally a recovery password.
//!
//! ```
//! use twofold::vault::{MemoryKeyStore, OnNameConflict, Unlock, Vault};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("vault.json");
//! let keychain = MemoryKeyStore::new();
//! let mut vault = Vault::create(&path, Some(&keychain), None)?;
//! let account = twofold::uri::parse("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")?;
//! vault.add(account, OnNameConflict::Ask)?;
//! drop(vault); // releases the lock
//!
//! let vault = Vault::open(&path, Unlock::Keychain(&keychain))?;
//! assert_eq!(vault.accounts()[0].issuer, "Example");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where things are
//! - `error.rs`: [`VaultError`], the sentences every operation fails with.
//! - `model.rs`: the accounts and the trash in memory, and the edits on them.
//! - `accounts.rs`: what the user does with accounts ([`Vault::add`], [`Vault::delete`], …).
//! - `websites.rs`: the websites of each account, and which accounts a web page may have the code of.
//! - `pairings.rs`: the browser extensions paired with Twofold, and their keys.
//! - `slots.rs`: the key slots, the recovery password and the keychain link.
//! - `lifecycle.rs`: [`Vault::status`], [`Vault::create`] and [`Vault::open`].
//! - `unlocked.rs`: the open [`Vault`] and how a change is saved.
//! - `format.rs` and `record.rs`: the file and its encrypted payload; their JSON is described there.
//! - `crypto.rs`, [`keychain`] and `storage.rs`: sealing and key derivation, the OS keychain, the files on disk.
//!
//! # Durability
//! Every change is applied to a copy, saved at once through `storage.rs` (temporary file, fsync, previous
//! generation kept, rename, folder fsync), and only then kept in memory. A file that fails its checksum or does
//! not parse falls back to the previous generation, and the damaged file is kept aside; [`Vault::recovery`] says
//! what happened. A lock file keeps a second process out. Opening never creates anything: only
//! [`Vault::create`] does, and it never writes over a file already there.

mod accounts;
mod backup_check;
mod crypto;
mod error;
mod format;
pub mod keychain;
mod lifecycle;
mod model;
mod pairings;
mod record;
mod slots;
mod storage;
mod unlocked;
mod websites;

pub use backup_check::BackupCheck;
pub use crypto::KdfParams;
pub use error::VaultError;
pub use keychain::{KeyStore, KeychainError, KeychainItem, MemoryKeyStore, OsKeychain};
pub use lifecycle::read_entries;
pub use model::{AccountId, AccountSummary, AddOutcome, OnNameConflict, TrashedSummary};
pub use pairings::PairingSummary;
pub use slots::{KEYCHAIN_SERVICE, Unlock, VaultStatus};
pub use unlocked::{Recovery, Rollback, Vault};
pub use websites::SiteAccounts;

#[cfg(test)]
mod tests;
