//! Automatic backups on disk: dated files that never replace one another, the oldest deleted beyond the number to
//! keep and nothing else, a backup that opens with the recovery password alone (as on a new computer), and a check
//! of the newest against the vault that tells a current backup from an old, damaged or foreign one.
#![allow(clippy::unwrap_used, reason = "a test fails loudly")]

use std::path::Path;

use twofold::account::Entry;
use twofold::backup::{self, BackupError};
use twofold::vault::{KdfParams, MemoryKeyStore, OnNameConflict, Vault};

const PASSWORD: &str = "recovery words";
const NOW: u64 = 1_796_620_330;

fn vault_in(dir: &Path, password: Option<&str>) -> Vault {
    vault_with(dir, password, &MemoryKeyStore::new())
}

fn vault_with(dir: &Path, password: Option<&str>, keychain: &MemoryKeyStore) -> Vault {
    let password = password.map(|p| (p, KdfParams::INSECURE_FOR_TESTS));
    Vault::create(&dir.join("vault.json"), Some(keychain), password).unwrap()
}

fn add(vault: &mut Vault, uri: &str) {
    let entry = Entry::new(twofold::uri::parse(uri).unwrap());
    vault.add_entries(vec![entry], OnNameConflict::KeepBoth).unwrap();
}

fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn a_backup_opens_with_the_recovery_password_alone_and_holds_every_account() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let mut vault = vault_in(dir.path(), Some(PASSWORD));
    add(&mut vault, "otpauth://totp/Kaltura%20Events:host@example.com?secret=JBSWY3DPEHPK3PXP");
    add(&mut vault, "otpauth://hotp/Credit%20Union:me?secret=ONSWG4TFOQQGWZLZEBTG64RAORSXG5DT&counter=41");

    let made = backup::back_up(&vault, &folder, 10, NOW).unwrap();
    assert_eq!(made.path, folder.join("twofold-backup-2026-12-07-051210.twofold"));
    // A new computer: no keychain, only the file and the password.
    let bytes = std::fs::read(&made.path).unwrap();
    let restored = twofold::import::read(&bytes, Some(PASSWORD)).unwrap();
    assert_eq!(restored.format, twofold::import::Format::Twofold);
    assert_eq!(restored.entries, vault.entries());
    assert!(twofold::import::read(&bytes, Some("not the password")).is_err());
}

#[test]
fn without_a_recovery_password_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault_in(dir.path(), None);
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let refused = backup::back_up(&vault, &folder, 10, NOW).unwrap_err();
    assert_eq!(refused, BackupError::NoRecoveryPassword);
    assert!(refused.to_string().contains("Set a recovery password"), "{refused}");
    assert!(names(&folder).is_empty());
}

#[test]
fn a_missing_folder_is_reported_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault_in(dir.path(), Some(PASSWORD));
    let folder = dir.path().join("unplugged disk");
    let refused = backup::back_up(&vault, &folder, 10, NOW).unwrap_err();
    assert_eq!(refused, BackupError::FolderMissing(folder.clone()));
    assert!(refused.to_string().contains("is not there"), "{refused}");
    assert!(!folder.exists(), "a folder that is not there is not made up: the disk may be unplugged");
}

#[test]
fn backups_never_replace_one_another_and_only_the_oldest_beyond_the_number_kept_go() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), b"the user's own file").unwrap();
    let mut vault = vault_in(dir.path(), Some(PASSWORD));
    for i in 0..5 {
        add(&mut vault, &format!("otpauth://totp/Service{i}:me?secret=JBSWY3DPEHPK3PXP"));
        backup::back_up(&vault, &folder, 3, NOW + i * 3600).unwrap();
    }
    // Two in the same second: the second gets a name of its own.
    backup::back_up(&vault, &folder, 3, NOW + 4 * 3600).unwrap();
    assert_eq!(
        names(&folder),
        [
            "notes.txt",
            "twofold-backup-2026-12-07-081210.twofold",
            "twofold-backup-2026-12-07-091210-2.twofold",
            "twofold-backup-2026-12-07-091210.twofold",
        ]
    );
    let newest = backup::newest(&folder).unwrap().unwrap();
    assert!(newest.path.ends_with("twofold-backup-2026-12-07-091210-2.twofold"));
    assert_eq!(newest.made_at, NOW + 4 * 3600);
}

#[test]
fn verifying_tells_a_current_backup_from_an_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let keychain = MemoryKeyStore::new();
    let mut vault = vault_with(dir.path(), Some(PASSWORD), &keychain);
    assert_eq!(backup::verify(&vault, &folder).unwrap_err(), BackupError::NoBackups(folder.clone()));
    add(&mut vault, "otpauth://totp/Kaltura:me?secret=JBSWY3DPEHPK3PXP");
    backup::back_up(&vault, &folder, 10, NOW).unwrap();

    let current = backup::verify(&vault, &folder).unwrap();
    assert!(current.same_accounts && current.current_password);
    assert_eq!(current.accounts, 1);
    assert!(current.to_string().contains("holds 1 account, the same as Twofold now"), "{current}");

    add(&mut vault, "otpauth://totp/Video%20API:dev?secret=GEZDGNBVGY3TQOJQ");
    let behind = backup::verify(&vault, &folder).unwrap();
    assert!(!behind.same_accounts);
    assert!(behind.to_string().contains("Twofold has changed since"), "{behind}");

    vault.set_password("another password", KdfParams::INSECURE_FOR_TESTS, &keychain).unwrap();
    let made_before = backup::verify(&vault, &folder).unwrap_err();
    assert_eq!(made_before, BackupError::EarlierPassword(folder.join(backup::file_name(NOW))));
    assert!(made_before.to_string().contains("made before the recovery password changed"), "{made_before}");
    backup::back_up(&vault, &folder, 10, NOW + 60).unwrap();
    let rekeyed = backup::verify(&vault, &folder).unwrap();
    assert!(rekeyed.same_accounts && rekeyed.current_password);
    // The backup made before the change still opens, with the password of then.
    let old = std::fs::read(folder.join(backup::file_name(NOW))).unwrap();
    assert_eq!(twofold::import::read(&old, Some(PASSWORD)).unwrap().entries.len(), 1);
}

#[test]
fn a_damaged_or_foreign_newest_backup_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let vault = vault_in(dir.path(), Some(PASSWORD));
    let made = backup::back_up(&vault, &folder, 10, NOW).unwrap();

    let mut bytes = std::fs::read(&made.path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&made.path, &bytes).unwrap();
    let damaged = backup::verify(&vault, &folder).unwrap_err();
    assert!(matches!(damaged, BackupError::Damaged { .. }), "{damaged:?}");
    assert!(damaged.to_string().contains("cannot be read"), "{damaged}");

    let other_dir = tempfile::tempdir().unwrap();
    let other = vault_in(other_dir.path(), Some(PASSWORD));
    backup::back_up(&other, &folder, 10, NOW + 60).unwrap();
    let foreign = backup::verify(&vault, &folder).unwrap_err();
    assert!(matches!(foreign, BackupError::OtherVault(_)), "{foreign:?}");
}
