use super::*;
use crate::uri;

const FAST: KdfParams = KdfParams::INSECURE_FOR_TESTS;

fn account(issuer: &str, name: &str, secret: &str) -> Account {
    Account::new(issuer, name, Secret::from_base32(secret).unwrap(), Otp::default())
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: MemoryKeyStore,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    Fixture { _dir: dir, path, store: MemoryKeyStore::new() }
}

impl Fixture {
    fn create(&self) -> Vault {
        Vault::create(&self.path, Some(&self.store), Some(("correct horse", FAST))).unwrap()
    }

    fn open(&self) -> Vault {
        Vault::open(&self.path, Unlock::Keychain(&self.store)).unwrap()
    }
}

fn names(vault: &Vault) -> Vec<String> {
    vault.accounts().into_iter().map(|a| a.name).collect()
}

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
fn a_keychain_failure_changes_nothing_and_never_creates_a_key() {
    let f = fixture();
    f.create();
    let before = std::fs::read(&f.path).unwrap();
    for fault in [KeychainError::NoService, KeychainError::Locked, KeychainError::NoSession] {
        f.store.set_fault(Some(fault.clone()));
        assert_eq!(Vault::open(&f.path, Unlock::Keychain(&f.store)).unwrap_err(), VaultError::Keychain(fault));
    }
    f.store.set_fault(None);
    drop(Vault::open(&f.path, Unlock::Keychain(&f.store)).expect("trying again after the fault clears works"));
    let empty = MemoryKeyStore::new();
    let missing = Vault::open(&f.path, Unlock::Keychain(&empty)).unwrap_err();
    assert_eq!(missing, VaultError::Keychain(KeychainError::ItemMissing));
    assert_eq!(std::fs::read(&f.path).unwrap(), before, "the file is unchanged byte for byte");
    assert!(Vault::open(&f.path, Unlock::Password("correct horse")).is_ok());
}

#[test]
fn a_wrong_password_is_reported_as_such_and_does_not_fall_back() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("A", "a", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    drop(vault);
    assert_eq!(Vault::open(&f.path, Unlock::Password("wrong")).unwrap_err(), VaultError::WrongPassword);
    assert_eq!(names(&f.open()), ["a"]);
}

#[test]
fn the_same_secret_is_a_duplicate_and_the_same_name_asks_replace_or_keep_both() {
    let f = fixture();
    let mut vault = f.create();
    let AddOutcome::Added(first) = vault.add(account("Acme", "bob", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap()
    else {
        panic!("first add")
    };
    let again = vault.add(account("Other", "x", "jbsw y3dp ehpk 3pxp"), OnNameConflict::Ask).unwrap();
    assert_eq!(again, AddOutcome::Duplicate(first.clone()));

    let repaired = account("ACME", " Bob ", "GEZDGNBVGY3TQOJQ");
    assert_eq!(vault.preview_add(&repaired), AddOutcome::NameConflict(first.clone()), "known before adding");
    assert_eq!(vault.preview_add(&account("New", "n", "MFRGGZDFMZTWQ2LK")), AddOutcome::Added("".into()));
    assert_eq!(vault.add(repaired.clone(), OnNameConflict::Ask).unwrap(), AddOutcome::NameConflict(first.clone()));
    assert_eq!(vault.accounts().len(), 1, "asking changes nothing");

    let AddOutcome::Replaced { new, old } = vault.add(repaired, OnNameConflict::Replace).unwrap() else {
        panic!("replace")
    };
    assert_eq!(old, first);
    assert_eq!(vault.accounts().len(), 1);
    assert_eq!(vault.account(&new).unwrap().secret, Secret::from_base32("GEZDGNBVGY3TQOJQ").unwrap());
    assert_eq!(vault.trash()[0].account.id, first);
    assert!(vault.trash()[0].replaced, "the trash says it was replaced");

    vault.restore(&first).unwrap();
    assert_eq!(vault.accounts()[0].id, first, "undo puts the old secret back");
    assert_eq!(vault.trash()[0].account.id, new, "and the replacement goes to the trash");

    let both = vault.add(account("Acme", "bob", "MFRGGZDFMZTWQ2LK"), OnNameConflict::KeepBoth).unwrap();
    assert!(matches!(both, AddOutcome::Added(_)));
    assert_eq!(vault.accounts().len(), 2);
}

#[test]
fn an_import_with_an_old_and_a_new_key_for_one_login_adds_both_in_one_save() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Acme", "bob", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let before = vault.header.generation;
    let export = vec![
        account("Acme", "bob", "GEZDGNBVGY3TQOJQ"),
        account("Acme", "bob", "MFRGGZDFMZTWQ2LK"),
        account("Other", "x", "GEZDGNBVGY3TQOJQ"),
    ];
    let outcomes = vault.add_all(export.clone(), OnNameConflict::Replace).unwrap();
    let AddOutcome::Replaced { new, .. } = &outcomes[0] else { panic!("{outcomes:?}") };
    assert!(matches!(outcomes[1], AddOutcome::Added(_)), "kept beside the first, not replacing it: {outcomes:?}");
    assert_eq!(outcomes[2], AddOutcome::Duplicate(new.clone()), "its secret came earlier in the same import");
    assert_eq!(vault.accounts().len(), 2);
    assert_eq!(vault.trash().len(), 1, "only the account that was there before is replaced");
    assert_eq!(vault.header.generation, before + 1, "one save for the whole import");

    // Asking leaves out only what the vault held before the call.
    let g = fixture();
    let mut vault = g.create();
    let outcomes = vault.add_all(export[..2].to_vec(), OnNameConflict::Ask).unwrap();
    assert!(outcomes.iter().all(|o| matches!(o, AddOutcome::Added(_))), "{outcomes:?}");
    let again = vault.add_all(vec![account("acme", "BOB", "KRUGS4ZAON2HE2LOM4======")], OnNameConflict::Ask);
    assert!(matches!(again.unwrap()[0], AddOutcome::NameConflict(_)));
    let unchanged = vault.header.generation;
    assert_eq!(vault.add_all(Vec::new(), OnNameConflict::Ask).unwrap(), []);
    assert_eq!(vault.header.generation, unchanged, "nothing added, nothing saved");
}

#[test]
fn a_replacement_keeps_the_favourite_mark_and_the_place_of_the_account_it_replaces() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Acme", "bob", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    vault.add(account("Other", "x", "MFRGGZDFMZTWQ2LK"), OnNameConflict::Ask).unwrap();
    let first = vault.accounts()[0].id.clone();
    vault.set_favorite(&first, true).unwrap();

    let AddOutcome::Replaced { new, .. } =
        vault.add(account("Acme", "bob", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Replace).unwrap()
    else {
        panic!("replace")
    };
    let accounts = vault.accounts();
    assert_eq!(accounts[0].id, new, "in the old one's place");
    assert!(accounts[0].favorite, "still a favourite");
}

#[test]
fn deleted_accounts_come_back_to_their_place_until_deleted_for_good() {
    let f = fixture();
    let mut vault = f.create();
    for (name, secret) in [("a", "JBSWY3DPEHPK3PXP"), ("b", "GEZDGNBVGY3TQOJQ"), ("c", "MFRGGZDFMZTWQ2LK")] {
        vault.add(account("X", name, secret), OnNameConflict::Ask).unwrap();
    }
    let b = vault.accounts()[1].id.clone();
    vault.delete(&b).unwrap();
    assert_eq!(names(&vault), ["a", "c"]);
    drop(vault);
    let mut vault = f.open();
    assert_eq!(vault.trash().len(), 1, "the trash survives a reopen");
    vault.restore(&b).unwrap();
    assert_eq!(names(&vault), ["a", "b", "c"]);
    vault.delete(&b).unwrap();
    vault.purge(std::slice::from_ref(&b)).unwrap();
    assert_eq!(vault.restore(&b).unwrap_err(), VaultError::UnknownAccount);
}

#[test]
fn the_trash_lists_what_was_deleted_or_replaced_and_one_account_can_be_deleted_for_good() {
    let f = fixture();
    let mut vault = f.create();
    for (name, secret) in [("a", "JBSWY3DPEHPK3PXP"), ("b", "GEZDGNBVGY3TQOJQ"), ("c", "MFRGGZDFMZTWQ2LK")] {
        vault.add(account("X", name, secret), OnNameConflict::Ask).unwrap();
    }
    let [a, b, _] = [0, 1, 2].map(|i| vault.accounts()[i].id.clone());
    vault.delete(&a).unwrap();
    vault.add(account("X", "b", "ONSWG4TFORWGK3DJ"), OnNameConflict::Replace).unwrap();
    let trash = vault.trash();
    assert_eq!(
        trash.iter().map(|t| (t.account.name.as_str(), t.replaced)).collect::<Vec<_>>(),
        [("a", false), ("b", true)]
    );
    assert!(trash.iter().all(|t| t.deleted_at > 1_700_000_000), "each says when");

    vault.purge(std::slice::from_ref(&a)).unwrap();
    drop(vault);
    let mut vault = f.open();
    assert_eq!(vault.trash().len(), 1, "only the other one is left, after a reopen too");
    assert_eq!(vault.trash()[0].account.id, b);
    assert_eq!(vault.purge(&[b.clone(), a.clone()]).unwrap_err(), VaultError::UnknownAccount);
    assert_eq!(vault.trash().len(), 1, "one unknown id deletes none");
    assert_eq!(names(&vault), ["b", "c"]);
}

#[test]
fn restoring_a_replaced_account_alongside_keeps_its_replacement() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Acme", "bob", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    vault.add(account("Other", "x", "MFRGGZDFMZTWQ2LK"), OnNameConflict::Ask).unwrap();
    let AddOutcome::Replaced { new, old } =
        vault.add(account("Acme", "bob", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Replace).unwrap()
    else {
        panic!("replace")
    };
    vault.restore_alongside(&old).unwrap();
    let ids: Vec<_> = vault.accounts().into_iter().map(|a| a.id).collect();
    assert_eq!(ids[..2], [old.clone(), new], "the old one is back in its place, the new one after it");
    assert_eq!(vault.account(&old).unwrap().secret, Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap());
    assert!(vault.trash().is_empty(), "and nothing went to the trash instead");
}

#[test]
fn an_account_whose_key_is_back_in_the_list_is_not_restored_as_a_copy() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Acme", "bob", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let old = vault.accounts()[0].id.clone();
    vault.delete(&old).unwrap();
    // Scanned again later: the same key is in the list once more.
    vault.add(account("Acme", "bob", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    assert_eq!(vault.restore_alongside(&old).unwrap_err(), VaultError::AlreadyInList);
    assert_eq!(vault.accounts().len(), 1, "no copy");
    assert_eq!(vault.trash().len(), 1, "and the deleted one is still there to delete for good");
}

#[test]
fn order_changes_are_saved() {
    let f = fixture();
    let mut vault = f.create();
    for (name, secret) in [("a", "JBSWY3DPEHPK3PXP"), ("b", "GEZDGNBVGY3TQOJQ"), ("c", "MFRGGZDFMZTWQ2LK")] {
        vault.add(account("X", name, secret), OnNameConflict::Ask).unwrap();
    }
    let ids: Vec<AccountId> = vault.accounts().into_iter().map(|a| a.id).collect();
    vault.move_account(&ids[2], 0).unwrap();
    assert_eq!(names(&vault), ["c", "a", "b"]);
    vault.reorder(&[ids[1].clone(), ids[0].clone(), ids[2].clone()]).unwrap();
    assert_eq!(vault.reorder(&[ids[0].clone(), ids[0].clone(), ids[1].clone()]), Err(VaultError::InvalidOrder));
    vault.rename(&ids[0], "New Issuer", "  alice ").unwrap();
    vault.set_favorite(&ids[0], true).unwrap();
    drop(vault);
    let vault = f.open();
    assert_eq!(names(&vault), ["b", "alice", "c"]);
    assert!(vault.accounts()[1].favorite);
    assert_eq!(vault.accounts()[1].issuer, "New Issuer");
}

#[test]
fn the_hotp_counter_is_saved_before_the_code_is_returned() {
    let f = fixture();
    let mut vault = f.create();
    let hotp = uri::parse("otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=4").unwrap();
    let AddOutcome::Added(id) = vault.add(hotp, OnNameConflict::Ask).unwrap() else { panic!() };
    let codes = vault.next_hotp(&id).unwrap();
    drop(vault);
    let vault = f.open();
    assert!(matches!(vault.account(&id).unwrap().otp, Otp::Hotp { counter: 5, .. }));
    assert_eq!(vault.codes_at(&id, 0).unwrap(), codes);
}

#[test]
fn an_hotp_counter_at_its_largest_value_refuses_a_next_code_instead_of_starting_over() {
    let f = fixture();
    let mut vault = f.create();
    let link = format!("otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter={}", u64::MAX);
    let AddOutcome::Added(id) = vault.add(uri::parse(&link).unwrap(), OnNameConflict::Ask).unwrap() else { panic!() };
    assert_eq!(vault.next_hotp(&id).unwrap_err(), VaultError::CounterExhausted);
    assert!(matches!(vault.account(&id).unwrap().otp, Otp::Hotp { counter: u64::MAX, .. }));
}

#[test]
fn the_recovery_password_can_be_set_changed_and_removed_but_not_the_last_unlock_method() {
    let f = fixture();
    let mut vault = Vault::create(&f.path, Some(&f.store), None).unwrap();
    assert_eq!(vault.status_now(), VaultStatus::Present { keychain: true, password: false });
    vault.set_password("first", FAST).unwrap();
    vault.set_password("second", FAST).unwrap();
    drop(vault);
    assert_eq!(Vault::open(&f.path, Unlock::Password("first")).unwrap_err(), VaultError::WrongPassword);
    let mut vault = Vault::open(&f.path, Unlock::Password("second")).unwrap();
    assert_eq!(vault.set_password("", FAST), Err(VaultError::EmptyPassword));
    vault.remove_password().unwrap();
    drop(vault);
    assert_eq!(Vault::open(&f.path, Unlock::Password("second")).unwrap_err(), VaultError::NoPasswordSlot);

    let g = fixture();
    let mut only_password = Vault::create(&g.path, None, Some(("pw", FAST))).unwrap();
    assert_eq!(only_password.remove_password(), Err(VaultError::LastUnlockMethod));
    assert_eq!(Vault::create(&g.path, None, None).unwrap_err(), VaultError::NoUnlockMethod);
}

#[test]
fn after_a_password_unlock_the_keychain_can_be_linked_again() {
    let f = fixture();
    f.create();
    let reset_keychain = MemoryKeyStore::new();
    assert!(Vault::open(&f.path, Unlock::Keychain(&reset_keychain)).is_err());
    let mut vault = Vault::open(&f.path, Unlock::Password("correct horse")).unwrap();
    vault.link_keychain(&reset_keychain).unwrap();
    drop(vault);
    assert!(Vault::open(&f.path, Unlock::Keychain(&reset_keychain)).is_ok());
    assert_eq!(
        Vault::open(&f.path, Unlock::Keychain(&f.store)).unwrap_err(),
        VaultError::Keychain(KeychainError::ItemMissing)
    );
}

#[test]
fn repairing_the_keychain_replaces_a_lost_key_but_leaves_a_working_or_unreachable_keychain_alone() {
    let f = fixture();
    f.create();
    let mut vault = Vault::open(&f.path, Unlock::Password("correct horse")).unwrap();
    assert_eq!(vault.repair_keychain(&f.store), Ok(false), "a working key is kept");
    let unreachable = UnreachableKeyStore;
    assert_eq!(vault.repair_keychain(&unreachable), Ok(false), "a locked keychain is not touched");
    drop(vault);
    assert!(Vault::open(&f.path, Unlock::Keychain(&f.store)).is_ok(), "the keychain still opens the vault");

    let reset_keychain = MemoryKeyStore::new();
    let mut vault = Vault::open(&f.path, Unlock::Password("correct horse")).unwrap();
    assert_eq!(vault.repair_keychain(&reset_keychain), Ok(true), "a missing key is replaced");
    drop(vault);
    assert!(Vault::open(&f.path, Unlock::Keychain(&reset_keychain)).is_ok(), "the new key opens the vault");

    let g = fixture();
    let mut only_password = Vault::create(&g.path, None, Some(("pw", FAST))).unwrap();
    assert_eq!(only_password.repair_keychain(&g.store), Ok(true), "a vault made without a keychain is linked");
    drop(only_password);
    assert!(Vault::open(&g.path, Unlock::Keychain(&g.store)).is_ok());
}

/// A keychain that is there but locked.
struct UnreachableKeyStore;

impl KeyStore for UnreachableKeyStore {
    fn get(&self, _: &KeychainItem) -> Result<Zeroizing<Vec<u8>>, KeychainError> {
        Err(KeychainError::Locked)
    }
    fn set(&self, _: &KeychainItem, _: &[u8]) -> Result<(), KeychainError> {
        Err(KeychainError::Locked)
    }
    fn delete(&self, _: &KeychainItem) -> Result<(), KeychainError> {
        Err(KeychainError::Locked)
    }
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
