use super::*;
use crate::vault::format::Header;
use zeroize::Zeroizing;

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
fn the_recovery_password_can_be_set_changed_and_removed_but_not_the_last_unlock_method() {
    let f = fixture();
    let mut vault = Vault::create(&f.path, Some(&f.store), None).unwrap();
    assert_eq!(vault.status_now(), VaultStatus::Present { keychain: true, password: false });
    vault.set_password("first", FAST, &f.store).unwrap();
    vault.set_password("second", FAST, &f.store).unwrap();
    drop(vault);
    assert_eq!(Vault::open(&f.path, Unlock::Password("first")).unwrap_err(), VaultError::WrongPassword);
    let mut vault = Vault::open(&f.path, Unlock::Password("second")).unwrap();
    assert_eq!(vault.set_password("", FAST, &f.store), Err(VaultError::EmptyPassword));
    vault.remove_password(&f.store).unwrap();
    drop(vault);
    assert_eq!(Vault::open(&f.path, Unlock::Password("second")).unwrap_err(), VaultError::NoPasswordSlot);

    let g = fixture();
    let mut only_password = Vault::create(&g.path, None, Some(("pw", FAST))).unwrap();
    assert_eq!(only_password.remove_password(&g.store), Err(VaultError::LastUnlockMethod));
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

/// The file at `path` with the key slots of `slots_from`: what an attacker holding an old copy and its password
/// would try on a later save.
fn with_slots_of(path: &std::path::Path, slots_from: &[u8]) -> Vec<u8> {
    let mut header = Header::from_bytes(&std::fs::read(path).unwrap()).unwrap();
    header.slots = Header::from_bytes(slots_from).unwrap().slots;
    header.to_bytes()
}

#[test]
fn changing_the_password_rekeys_so_an_old_copy_and_its_password_open_no_later_save() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("GitHub", "octocat", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let old_copy = std::fs::read(&f.path).unwrap();
    vault.set_password("new horse", FAST, &f.store).unwrap();
    vault.add(account("Video API", "dev", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Ask).unwrap();
    drop(vault);

    // The old copy still opens with its password, and shows the accounts of then only.
    let then = read_entries(&old_copy, "correct horse").unwrap();
    assert_eq!(then.len(), 1);
    // Its key slots, put on the new file, do not open it: the new file is sealed with another key.
    let spliced = with_slots_of(&f.path, &old_copy);
    assert!(matches!(read_entries(&spliced, "correct horse"), Err(VaultError::Damaged { .. })));
    assert_eq!(Vault::open(&f.path, Unlock::Password("correct horse")).unwrap_err(), VaultError::WrongPassword);
    assert_eq!(names(&Vault::open(&f.path, Unlock::Password("new horse")).unwrap()), ["octocat", "dev"]);
    // The keychain item is the same one, so it opens the new file as it did the earlier ones.
    assert_eq!(names(&f.open()), ["octocat", "dev"]);
}

#[test]
fn removing_the_password_rekeys_too() {
    let f = fixture();
    let mut vault = f.create();
    let old_copy = std::fs::read(&f.path).unwrap();
    vault.remove_password(&f.store).unwrap();
    drop(vault);
    assert!(read_entries(&with_slots_of(&f.path, &old_copy), "correct horse").is_err());
    assert!(f.open().accounts().is_empty());
}

#[test]
fn a_keychain_that_cannot_be_read_while_rekeying_changes_nothing() {
    let f = fixture();
    let mut vault = f.create();
    let before = std::fs::read(&f.path).unwrap();
    f.store.set_fault(Some(KeychainError::Locked));
    assert_eq!(vault.set_password("new horse", FAST, &f.store), Err(VaultError::Keychain(KeychainError::Locked)));
    f.store.set_fault(None);
    assert_eq!(std::fs::read(&f.path).unwrap(), before);
    // The key in memory is the one the file holds: a later save still opens with the old password.
    vault.add(account("A", "a", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    drop(vault);
    assert_eq!(names(&Vault::open(&f.path, Unlock::Password("correct horse")).unwrap()), ["a"]);
}

#[test]
fn requiring_the_password_takes_the_keychain_out_and_its_old_key_opens_no_later_save() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("GitHub", "octocat", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let linked = std::fs::read(&f.path).unwrap();
    assert_eq!(vault.unlink_keychain("wrong", FAST, &f.store), Err(VaultError::WrongPassword));
    vault.unlink_keychain("correct horse", FAST, &f.store).unwrap();
    vault.add(account("Mail", "me", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Ask).unwrap();
    assert_eq!(vault.status_now(), VaultStatus::Present { keychain: false, password: true });
    drop(vault);

    assert_eq!(Vault::open(&f.path, Unlock::Keychain(&f.store)).unwrap_err(), VaultError::NoKeychainSlot);
    // The keychain slot of a copy made while linked, on the new file, opens nothing: its item is gone, and the
    // key it wrapped seals no later save.
    let spliced = with_slots_of(&f.path, &linked);
    std::fs::write(&f.path, &spliced).unwrap();
    assert!(Vault::open(&f.path, Unlock::Keychain(&f.store)).is_err());

    let g = fixture();
    let mut keychain_only = Vault::create(&g.path, Some(&g.store), None).unwrap();
    assert_eq!(keychain_only.unlink_keychain("anything", FAST, &g.store), Err(VaultError::NoPasswordSlot));
}
