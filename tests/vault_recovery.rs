//! A damaged vault file falls back to the previous generation, keeps the damaged file, and says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

use std::path::{Path, PathBuf};

use twofold::vault::{KdfParams, OnNameConflict, Unlock, Vault, VaultError};
use twofold::{Account, Otp, Secret};

const PASSWORD: &str = "recovery words";

fn account(name: &str, secret: &str) -> Account {
    Account::new("Example", name, Secret::from_base32(secret).unwrap(), Otp::default())
}

/// A vault whose current generation holds alice and bob, and whose previous one holds only alice.
fn two_generations(dir: &Path) -> PathBuf {
    let path = dir.join("vault.json");
    let mut vault = Vault::create(&path, None, Some((PASSWORD, KdfParams::INSECURE_FOR_TESTS))).unwrap();
    vault.add(account("alice", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    vault.add(account("bob", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Ask).unwrap();
    path
}

fn names(vault: &Vault) -> Vec<String> {
    vault.accounts().into_iter().map(|a| a.name).collect()
}

fn assert_recovered(path: &Path, damaged: &[u8]) {
    let vault = Vault::open(path, Unlock::Password(PASSWORD)).unwrap();
    assert_eq!(names(&vault), ["alice"], "the previous generation is open");
    let recovery = vault.recovery().expect("the vault says it recovered");
    let message = recovery.to_string();
    assert!(message.contains("damaged") && message.contains("previous version"), "{message}");
    let copy = recovery.damaged_copy.clone().expect("the damaged file is kept");
    assert_eq!(std::fs::read(&copy).unwrap(), damaged, "the damaged file is kept unchanged");
    assert!(message.contains(&copy.display().to_string()), "{message}");
    drop(vault);
    let again = Vault::open(path, Unlock::Password(PASSWORD)).unwrap();
    assert!(again.recovery().is_none(), "the restored file opens cleanly next time");
    assert_eq!(names(&again), ["alice"]);
}

#[test]
fn a_truncated_vault_opens_the_previous_generation_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_generations(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let cut = &bytes[..bytes.len() / 2];
    std::fs::write(&path, cut).unwrap();
    assert_recovered(&path, cut);
}

#[test]
fn a_bit_flipped_vault_opens_the_previous_generation_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_generations(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let data_at = String::from_utf8_lossy(&bytes).find("\"data\": \"").unwrap() + 20;
    bytes[data_at] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    assert_recovered(&path, &bytes);
}

#[test]
fn a_missing_vault_file_opens_the_previous_generation() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_generations(dir.path());
    std::fs::remove_file(&path).unwrap();
    let vault = Vault::open(&path, Unlock::Password(PASSWORD)).unwrap();
    assert_eq!(names(&vault), ["alice"]);
    assert_eq!(vault.recovery().unwrap().reason, "the file was missing");
}

#[test]
fn when_both_generations_are_damaged_nothing_is_changed_and_the_error_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = two_generations(dir.path());
    let previous = dir.path().join("vault.json.prev");
    std::fs::write(&path, b"{ not json").unwrap();
    std::fs::write(&previous, b"").unwrap();
    let error = Vault::open(&path, Unlock::Password(PASSWORD)).unwrap_err();
    assert!(matches!(error, VaultError::Damaged { .. }), "{error}");
    assert!(error.to_string().contains("Do not delete it"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), b"{ not json");
}
