//! The vault's behaviour, through its public operations and an in-memory keychain; `tests/vault_*.rs` cover the
//! real keychain, crashes and damaged files.

use std::path::PathBuf;

use super::*;
use crate::account::Account;
use crate::otp::Otp;
use crate::secret::Secret;

mod accounts;
mod lifecycle;
mod slots;

pub(super) const FAST: KdfParams = KdfParams::INSECURE_FOR_TESTS;

pub(super) fn account(issuer: &str, name: &str, secret: &str) -> Account {
    Account::new(issuer, name, Secret::from_base32(secret).unwrap(), Otp::default())
}

pub(super) struct Fixture {
    _dir: tempfile::TempDir,
    pub(super) path: PathBuf,
    pub(super) store: MemoryKeyStore,
}

pub(super) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    Fixture { _dir: dir, path, store: MemoryKeyStore::new() }
}

impl Fixture {
    pub(super) fn create(&self) -> Vault {
        Vault::create(&self.path, Some(&self.store), Some(("correct horse", FAST))).unwrap()
    }

    pub(super) fn open(&self) -> Vault {
        Vault::open(&self.path, Unlock::Keychain(&self.store)).unwrap()
    }
}

pub(super) fn names(vault: &Vault) -> Vec<String> {
    vault.accounts().into_iter().map(|a| a.name).collect()
}
