//! Every export format read back: by Twofold's own importer, which must give the same accounts, and for the
//! Aegis-compatible file also by an independent reader written from Aegis's format description
//! (`tests/tools/aegis_decrypt.py`, Python's `cryptography`), as another app would read it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::process::Command;

use twofold::account::{Account, Entry};
use twofold::import::{self, Format};
use twofold::otp::Otp;
use twofold::vault::{KdfParams, MemoryKeyStore, OnNameConflict, Vault, VaultError};

fn entries() -> Vec<Entry> {
    let link = |uri: &str| twofold::uri::parse(uri).unwrap();
    let mut all = vec![
        Entry::new(link("otpauth://totp/Kaltura%20Events:host@example.com?secret=JBSWY3DPEHPK3PXP")),
        Entry::new(link(
            "otpauth://totp/Video%20API:dev?secret=GEZDGNBVGY3TQOJQGEZDGNBV&algorithm=SHA256&digits=8&period=60",
        )),
        Entry::new(link("otpauth://hotp/Credit%20Union:me?secret=ONSWG4TFOQQGWZLZEBTG64RAORSXG5DT&counter=41")),
        Entry::new(link("otpauth://steam/Steam:gamer?secret=NBSWY3DPO5XXE3DE")),
        Entry::new(link("otpauth://totp/Nimbus:ops?secret=MFRGGZDFMZTWQ2LK&algorithm=SHA512&digits=7")),
    ];
    all[0].favorite = true;
    all[0].groups = vec!["Work".into()];
    all[2].groups = vec!["Work".into(), "Money".into()];
    all[2].note = Some("the card reader — keep it in the drawer".into());
    all
}

fn accounts(entries: &[Entry]) -> Vec<Account> {
    entries.iter().map(|e| e.account.clone()).collect()
}

/// What an independent Aegis reader finds in `file`: (type, issuer, name, secret, algo, digits, period or counter,
/// favourite, note, group names).
fn aegis_reader(file: &[u8], password: Option<&str>) -> Option<Vec<serde_json::Value>> {
    let python = common::python_with_cryptography()?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aegis.json");
    std::fs::write(&path, file).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/aegis_decrypt.py");
    let output = Command::new(python).arg(script).arg(&path).args(password).output().unwrap();
    assert!(output.status.success(), "the Aegis reader failed: {}", String::from_utf8_lossy(&output.stderr));
    let db: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let groups = db["groups"].as_array().cloned().unwrap_or_default();
    let group_name = |id: &serde_json::Value| groups.iter().find(|g| g["uuid"] == *id).map(|g| g["name"].clone());
    let rows = db["entries"].as_array().unwrap().iter().map(|e| {
        let info = &e["info"];
        let names: Vec<_> = e["groups"].as_array().unwrap().iter().filter_map(group_name).collect();
        serde_json::json!([
            e["type"],
            e["issuer"],
            e["name"],
            info["secret"],
            info["algo"],
            info["digits"],
            if e["type"] == "hotp" { info["counter"].clone() } else { info["period"].clone() },
            e["favorite"],
            e["note"],
            names
        ])
    });
    Some(rows.collect())
}

/// The rows [`aegis_reader`] must find for [`entries`].
fn expected_rows() -> Vec<serde_json::Value> {
    entries()
        .iter()
        .map(|e| {
            let a = &e.account;
            let (kind, algo, digits, n) = match a.otp {
                Otp::Totp { algorithm, digits, period } => {
                    ("totp", algorithm.as_str(), digits.get(), u64::from(period.seconds()))
                }
                Otp::Hotp { algorithm, digits, counter } => ("hotp", algorithm.as_str(), digits.get(), counter),
                Otp::Steam { period } => ("steam", "SHA1", 5, u64::from(period.seconds())),
            };
            serde_json::json!([
                kind,
                a.issuer,
                a.name,
                a.secret.to_base32().as_str(),
                algo,
                digits,
                n,
                e.favorite,
                e.note.as_deref().unwrap_or(""),
                e.groups
            ])
        })
        .collect()
}

#[test]
fn an_encrypted_aegis_file_reads_back_the_same_in_twofold_and_in_an_independent_aegis_reader() {
    let file = twofold::export::aegis::encrypted(&entries(), "move to a new phone");
    let import = import::read(&file, Some("move to a new phone")).unwrap();
    assert_eq!((import.format, import.entries), (Format::Aegis, entries()));
    assert!(import.skipped.is_empty());
    assert_eq!(import::read(&file, Some("wrong")), Err(import::ImportError::WrongPassword(Format::Aegis)));
    let Some(rows) = aegis_reader(&file, Some("move to a new phone")) else { return };
    assert_eq!(rows, expected_rows());
}

#[test]
fn a_plain_aegis_file_reads_back_the_same_in_twofold_and_in_an_independent_aegis_reader() {
    let file = twofold::export::aegis::plain(&entries());
    assert_eq!(import::read(&file, None).unwrap().entries, entries());
    let Some(rows) = aegis_reader(&file, None) else { return };
    assert_eq!(rows, expected_rows());
}

#[test]
fn a_list_of_links_reads_back_the_same_accounts() {
    let list = twofold::export::otpauth_list(&entries());
    let import = import::read(list.as_bytes(), None).unwrap();
    assert_eq!(import.format, Format::OtpauthList);
    assert_eq!(accounts(&import.entries), accounts(&entries()));
}

#[test]
fn a_twofold_backup_opens_with_the_recovery_password_or_its_own_and_with_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = MemoryKeyStore::new();
    let fast = KdfParams::INSECURE_FOR_TESTS;
    let mut vault =
        Vault::create(&dir.path().join("vault.json"), Some(&keychain), Some(("recovery words", fast))).unwrap();
    vault.add_entries(entries(), OnNameConflict::Ask).unwrap();
    let backup = vault.export_backup(None).unwrap();
    let import = import::read(&backup, Some("recovery words")).unwrap();
    assert_eq!((import.format, import.entries), (Format::Twofold, entries()));
    assert_eq!(import::read(&backup, None), Err(import::ImportError::NeedsPassword(Format::Twofold)));
    assert_eq!(import::read(&backup, Some("wrong")), Err(import::ImportError::WrongPassword(Format::Twofold)));
    let own = vault.export_backup(Some(("for the new laptop", fast))).unwrap();
    assert_eq!(import::read(&own, Some("for the new laptop")).unwrap().entries, entries());
    assert!(import::read(&own, Some("recovery words")).is_err(), "a backup with its own password has only that slot");
    assert!(!String::from_utf8_lossy(&backup).contains("keychain"), "a backup carries no keychain slot");

    let other = tempfile::tempdir().unwrap();
    let keychain_only = Vault::create(&other.path().join("vault.json"), Some(&keychain), None).unwrap();
    assert_eq!(keychain_only.export_backup(None).unwrap_err(), VaultError::NoPasswordSlot);
}

#[test]
fn the_recovery_password_is_checked_without_changing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let fast = KdfParams::INSECURE_FOR_TESTS;
    let vault = Vault::create(&dir.path().join("vault.json"), None, Some(("recovery words", fast))).unwrap();
    assert_eq!(vault.check_password("recovery words"), Ok(()));
    assert_eq!(vault.check_password("Recovery words"), Err(VaultError::WrongPassword));
}
