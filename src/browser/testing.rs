//! What the tests of the browser connector share: a vault with a few accounts.

use crate::vault::{AccountId, AddOutcome, MemoryKeyStore, OnNameConflict, Vault};

/// A new vault in a scratch folder, with the accounts of `links` added.
pub(crate) fn vault_with(links: &[&str]) -> (tempfile::TempDir, MemoryKeyStore, Vault, Vec<AccountId>) {
    let dir = tempfile::tempdir().unwrap();
    let keychain = MemoryKeyStore::new();
    let mut vault = Vault::create(&dir.path().join("vault.json"), Some(&keychain), None).unwrap();
    let ids = links
        .iter()
        .map(|link| match vault.add(crate::uri::parse(link).unwrap(), OnNameConflict::KeepBoth).unwrap() {
            AddOutcome::Added(id) => id,
            other => panic!("not added: {other:?}"),
        })
        .collect();
    (dir, keychain, vault, ids)
}
