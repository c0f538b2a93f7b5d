use super::*;
use crate::account::Entry;
use crate::uri;

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
fn an_account_renamed_to_nothing_is_refused_and_keeps_its_name() {
    let f = fixture();
    let mut vault = f.create();
    vault.add(account("Example", "alice", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    let id = vault.accounts()[0].id.clone();
    assert_eq!(vault.rename(&id, "  ", ""), Err(VaultError::EmptyName));
    vault.rename(&id, "", "alice").unwrap();
    drop(vault);
    assert_eq!(f.open().accounts()[0].name, "alice", "a name alone is enough");
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
fn an_import_keeps_favourites_groups_and_notes_and_a_replacement_keeps_the_old_ones_unless_it_brings_its_own() {
    let f = fixture();
    let mut vault = f.create();
    let filed = |issuer: &str, secret: &str, note: Option<&str>, groups: &[&str]| Entry {
        account: account(issuer, "me", secret),
        favorite: note.is_some(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        note: note.map(str::to_owned),
    };
    let first = filed("Bank", "JBSWY3DPEHPK3PXP", Some("the card reader"), &["Money"]);
    vault.add_entries(vec![first.clone(), filed("Mail", "GEZDGNBVGY3TQOJQ", None, &[])], OnNameConflict::Ask).unwrap();
    drop(vault);
    let mut vault = f.open();
    assert_eq!(vault.entries()[0], first);
    assert!(vault.accounts()[0].favorite);
    // A new key for the bank, with nothing beside it, takes the old one's place and what the user kept with it.
    let again = filed("Bank", "MFRGGZDFMZTWQ2LK", None, &[]);
    vault.add_entries(vec![again], OnNameConflict::Replace).unwrap();
    let replaced = &vault.entries()[0];
    assert_eq!(
        (replaced.favorite, replaced.note.as_deref(), replaced.groups.as_slice()),
        (true, Some("the card reader"), &["Money".to_string()][..])
    );
}
