use super::*;
use crate::uri;
use crate::vault::format::Header;
use crate::vault::storage::Files;

#[test]
fn keychain_and_password_open_the_same_accounts() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Example", "alice", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    drop(vault);
    let by_keychain = f.open();
    assert_eq!(names(&by_keychain), ["alice"]);
    drop(by_keychain);
    let by_password = Vault::open(&f.path, Unlock::Password("correct horse")).unwrap();
    assert_eq!(names(&by_password), ["alice"]);
    let id = &by_password.accounts()[0].id;
    assert_eq!(by_password.codes_at(id, 59).unwrap().current.as_str(), "996554");
}

#[test]
fn opening_a_missing_vault_creates_nothing() {
    let f = fixture();
    assert_eq!(Vault::open(&f.path, Unlock::Keychain(&f.store)).unwrap_err(), VaultError::NotFound(f.path.clone()));
    assert_eq!(Vault::status(&f.path).unwrap(), VaultStatus::Missing);
    assert!(std::fs::read_dir(f.path.parent().unwrap()).unwrap().next().is_none(), "no file was written");
}

#[test]
fn with_the_newest_file_damaged_the_status_comes_from_the_previous_generation() {
    let f = fixture();
    let mut vault = Vault::create(&f.path, Some(&f.store), None).unwrap();
    vault.add(uri::parse("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP").unwrap(), OnNameConflict::Ask).unwrap();
    drop(vault);
    std::fs::write(&f.path, b"{ damaged").unwrap();
    // Keychain only: the lock screen must not offer a recovery password the vault does not have.
    assert_eq!(Vault::status(&f.path).unwrap(), VaultStatus::Present { keychain: true, password: false });
    std::fs::remove_file(f.path.with_file_name("vault.json.prev")).unwrap();
    assert_eq!(Vault::status(&f.path).unwrap(), VaultStatus::Present { keychain: true, password: true });
}

#[test]
fn a_second_open_is_refused_while_the_first_is_open() {
    let f = fixture();
    let first = f.create();
    assert_eq!(Vault::open(&f.path, Unlock::Keychain(&f.store)).unwrap_err(), VaultError::InUse);
    drop(first);
    f.open();
}

#[test]
fn create_never_overwrites_an_existing_vault() {
    let f = fixture();
    drop(f.create());
    let before = std::fs::read(&f.path).unwrap();
    assert_eq!(Vault::create(&f.path, Some(&f.store), None).unwrap_err(), VaultError::AlreadyExists(f.path.clone()));
    assert_eq!(std::fs::read(&f.path).unwrap(), before);
}

#[test]
fn unknown_fields_in_the_file_and_the_payload_survive_a_save() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("A", "a", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    vault.header.extra.insert("added_later".into(), serde_json::json!({"x": 1}));
    vault.payload.extra.insert("groups".into(), serde_json::json!(["work"]));
    vault.payload.accounts[0].extra.insert("icon".into(), serde_json::json!("acme.svg"));
    let id = vault.accounts()[0].id.clone();
    vault.set_favorite(&id, true).unwrap();
    drop(vault);
    let mut vault = f.open();
    vault.set_favorite(&id, false).unwrap();
    assert_eq!(vault.header.extra["added_later"], serde_json::json!({"x": 1}));
    assert_eq!(vault.payload.extra["groups"], serde_json::json!(["work"]));
    assert_eq!(vault.payload.accounts[0].extra["icon"], serde_json::json!("acme.svg"));
}

#[test]
fn the_file_holds_no_secret_and_debug_shows_none() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Acme", "carol", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let text = std::fs::read_to_string(&f.path).unwrap();
    assert!(!text.contains("JBSWY3DPEHPK3PXP") && !text.contains("carol"), "{text}");
    let shown = format!("{vault:?}");
    assert!(!shown.contains("JBSW"), "{shown}");
}

#[test]
fn a_vault_from_a_newer_release_is_refused_unchanged() {
    let f = fixture();
    drop(f.create());
    let mut header = Header::from_bytes(&std::fs::read(&f.path).unwrap()).unwrap();
    header.version = 2;
    std::fs::write(&f.path, header.to_bytes()).unwrap();
    let before = std::fs::read(&f.path).unwrap();
    assert_eq!(Vault::open(&f.path, Unlock::Keychain(&f.store)).unwrap_err(), VaultError::TooNew(2));
    assert_eq!(std::fs::read(&f.path).unwrap(), before);
}

#[test]
fn a_failed_save_leaves_memory_and_disk_as_they_were() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("A", "a", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    // Make the folder unwritable by replacing the vault's folder path with a file of the same name.
    let dir = f.path.parent().unwrap().to_path_buf();
    vault.files = Files::new(&dir.join("not-a-folder").join("vault.json"));
    std::fs::write(dir.join("not-a-folder"), b"x").unwrap();
    let err = vault.add(account("B", "b", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Ask).unwrap_err();
    assert!(matches!(err, VaultError::Io { .. }), "{err}");
    assert_eq!(names(&vault), ["a"]);
    let import = vec![account("B", "b", "GEZDGNBVGY3TQOJQ"), account("C", "c", "MFRGGZDFMZTWQ2LK")];
    assert!(matches!(vault.add_all(import, OnNameConflict::Ask).unwrap_err(), VaultError::Io { .. }));
    assert_eq!(names(&vault), ["a"], "an import is added whole or not at all");
}

#[cfg(unix)]
#[test]
fn the_folder_and_every_file_of_a_vault_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let path = folder.join("vault.json");
    let store = MemoryKeyStore::new();
    let mut vault = Vault::create(&path, Some(&store), None).unwrap();
    vault.add(account("Example", "alice", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    for file in ["vault.json", "vault.json.prev", "vault.json.lock", "vault.json.seen"] {
        assert_eq!(mode(&folder.join(file)), 0o600, "{file}");
    }
    drop(vault);
    // A folder made readable by others (an older version, a copy) is made private again at the next opening.
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    drop(Vault::open(&path, Unlock::Keychain(&store)).unwrap());
    assert_eq!(mode(&folder), 0o700);
}

#[test]
fn a_vault_file_put_back_to_an_older_generation_is_reported_and_saves_continue_above() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Example", "alice", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let older = std::fs::read(&f.path).unwrap();
    vault.add(account("Video API", "dev", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Ask).unwrap();
    assert_eq!(vault.generation(), 3);
    drop(vault);

    std::fs::write(&f.path, &older).unwrap();
    let mut vault = f.open();
    assert_eq!(vault.rollback(), Some(&Rollback { found: 2, seen: 3 }));
    assert!(vault.rollback().unwrap().to_string().contains("older than the newest one this computer saved"));
    assert_eq!(names(&vault), ["alice"]);
    vault.add(account("Mail", "me", "MFRGGZDFMZTWQ2LK"), OnNameConflict::Ask).unwrap();
    assert_eq!(vault.generation(), 4, "numbered above the newest seen, never reusing one");
    drop(vault);
    assert_eq!(f.open().rollback(), None, "a save after the warning settles it");
}

#[test]
fn a_save_number_edited_to_look_newer_is_damage_and_the_previous_generation_opens() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Example", "alice", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    vault.add(account("Video API", "dev", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Ask).unwrap();
    drop(vault);
    let mut header = Header::from_bytes(&std::fs::read(&f.path).unwrap()).unwrap();
    header.generation += 10;
    std::fs::write(&f.path, header.to_bytes()).unwrap();

    let vault = f.open();
    assert_eq!(vault.recovery().unwrap().reason, "its save number was altered");
    assert_eq!(vault.rollback(), None, "falling back is reported as the recovery it is");
    assert_eq!(names(&vault), ["alice"]);
}

#[test]
fn the_record_of_another_vault_or_a_damaged_one_never_stops_a_vault_from_opening() {
    let f = fixture();
    drop(f.create());
    let seen = f.path.with_file_name("vault.json.seen");
    std::fs::write(&seen, br#"{"vault_id": "another", "generation": 99}"#).unwrap();
    assert_eq!(f.open().rollback(), None);
    std::fs::write(&seen, b"not json").unwrap();
    assert_eq!(f.open().rollback(), None);
}
