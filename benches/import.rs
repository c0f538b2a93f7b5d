//! Importing a plain Aegis export of 2,000 accounts: reading the file (recognise, parse, check every account),
//! then the preview the card shows (how each compares with the vault) and the confirmation (one save of all of
//! them); the target is 500 ms together, without a key derivation. Apart, the key derivations of the encrypted
//! formats, which run once per import, on a thread of their own, while the window says "Unlocking…".
//!
//! Run: `cargo bench --bench import`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use twofold::account::{Account, Entry};
use twofold::vault::{MemoryKeyStore, OnNameConflict, Vault};
use twofold::{Otp, Secret};

const ACCOUNTS: u64 = 2_000;

fn export() -> Vec<u8> {
    let entries: Vec<Entry> = (0..ACCOUNTS)
        .map(|n| {
            let mut key = n.to_be_bytes().to_vec();
            key.extend_from_slice(b"twenty-byte-key");
            let account = Account::new(
                &format!("Issuer {n}"),
                &format!("user{n}@example.com"),
                Secret::from_bytes(key).unwrap(),
                Otp::default(),
            );
            Entry { groups: vec![format!("Group {}", n % 7)], ..Entry::new(account) }
        })
        .collect();
    twofold::export::aegis::plain(&entries).to_vec()
}

fn import_benches(c: &mut Criterion) {
    let file = export();
    let mut group = c.benchmark_group("import a plain Aegis export of 2000 accounts");
    group.sample_size(20);
    group.bench_function("read the file", |b| b.iter(|| twofold::import::read(&file, None).unwrap()));
    group.bench_function("read, preview and confirm in one save", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let vault = Vault::create(&dir.path().join("vault.json"), Some(&MemoryKeyStore::new()), None).unwrap();
                (dir, vault)
            },
            |(dir, mut vault)| {
                let import = twofold::import::read(&file, None).unwrap();
                for entry in &import.entries {
                    std::hint::black_box(vault.preview_add(&entry.account));
                }
                vault.add_entries(import.entries, OnNameConflict::Ask).unwrap();
                drop(dir);
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();

    // The key derivations, as the formats set them.
    let mut kdf = c.benchmark_group("key derivation of an encrypted export");
    kdf.sample_size(10);
    let one = [twofold::account::Entry::new(twofold::uri::parse("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP").unwrap())];
    let aegis = twofold::export::aegis::encrypted(&one, "password");
    kdf.bench_function("Aegis (scrypt N=2^15, r=8, p=1)", |b| {
        b.iter(|| twofold::import::read(&aegis, Some("password")).unwrap())
    });
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    for (name, what) in [
        ("andotp_encrypted.json.aes", "andOTP (PBKDF2-HMAC-SHA1, 150,000 rounds)"),
        ("proton_encrypted.json", "Proton (Argon2id, 19 MiB, t=2)"),
        ("authpro_encrypted.authpro", "Authenticator Pro (Argon2id, 64 MiB, t=3, p=4)"),
        ("bitwarden_protected_pbkdf2.json", "Bitwarden (PBKDF2-HMAC-SHA256, 600,000 rounds)"),
        ("bitwarden_protected_argon2.json", "Bitwarden (Argon2id, 64 MiB, t=3, p=4)"),
    ] {
        let file = std::fs::read(fixtures.join(name)).unwrap();
        kdf.bench_function(what, |b| {
            b.iter(|| twofold::import::read(&file, Some("correct horse battery staple")).unwrap())
        });
    }
    kdf.finish();
}

criterion_group!(benches, import_benches);
criterion_main!(benches);
