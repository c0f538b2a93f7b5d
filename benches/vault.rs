//! Opening (read, unwrap the key, decrypt, parse) and saving (serialise, encrypt, atomic write with fsync) a vault
//! of 1,000 accounts. The keychain is an in-memory store, so no password KDF and no D-Bus call is measured.
//!
//! Run: `cargo bench --bench vault`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use twofold::vault::{MemoryKeyStore, OnNameConflict, Unlock, Vault};
use twofold::{Account, Otp, Secret};

const ACCOUNTS: u64 = 1_000;

fn filled_vault(dir: &std::path::Path, store: &MemoryKeyStore) -> std::path::PathBuf {
    let path = dir.join("vault.json");
    let mut vault = Vault::create(&path, Some(store), None).expect("create");
    for n in 0..ACCOUNTS {
        let mut key = n.to_be_bytes().to_vec();
        key.extend_from_slice(b"twenty-byte-key");
        let account = Account::new(
            &format!("Issuer {n}"),
            &format!("user{n}@example.com"),
            Secret::from_bytes(key).unwrap(),
            Otp::default(),
        );
        vault.add(account, OnNameConflict::KeepBoth).expect("add");
    }
    path
}

fn vault_benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = MemoryKeyStore::new();
    let path = filled_vault(dir.path(), &store);

    c.bench_function("open and decrypt, 1000 accounts", |b| {
        b.iter(|| Vault::open(&path, Unlock::Keychain(&store)).expect("open"))
    });

    let mut vault = Vault::open(&path, Unlock::Keychain(&store)).expect("open");
    let id = vault.accounts()[500].id.clone();
    let mut favorite = false;
    c.bench_function("save, 1000 accounts", |b| {
        b.iter(|| {
            favorite = !favorite;
            vault.set_favorite(&id, favorite).expect("save")
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = vault_benches
}
criterion_main!(benches);
