//! The vault against a real Secret Service: GNOME Keyring in a private D-Bus session that the README's test
//! command starts (`scripts/with-keyring.sh`, which sets `TWOFOLD_TEST_KEYRING=1`). Without that session these
//! tests are skipped with a note, so they never write to a developer's own keychain.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use twofold::vault::{KdfParams, KeychainError, OnNameConflict, OsKeychain, Unlock, Vault, VaultError};
use twofold::{Account, Otp, Secret};

const CHILD_VAULT: &str = "TWOFOLD_KEYCHAIN_TEST_VAULT";
const PASSWORD: &str = "first recovery password";

fn private_keyring() -> bool {
    if std::env::var_os("TWOFOLD_TEST_KEYRING").is_some() {
        return true;
    }
    common::missing(
        "A private test keyring",
        "Run these tests through scripts/with-keyring.sh (the README's test command does) so they use a throwaway GNOME Keyring.",
    )
    .is_some()
}

fn account(issuer: &str, name: &str, secret: &str) -> Account {
    Account::new(issuer, name, Secret::from_base32(secret).unwrap(), Otp::default())
}

fn names(vault: &Vault) -> Vec<String> {
    vault.accounts().into_iter().map(|a| a.name).collect()
}

#[test]
fn add_list_reopen_change_password_delete_and_restore_through_the_real_secret_service() {
    if std::env::var_os(CHILD_VAULT).is_some() || !private_keyring() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    let mut vault = Vault::create(&path, Some(&OsKeychain), Some((PASSWORD, KdfParams::INSECURE_FOR_TESTS))).unwrap();
    vault.add(account("Kaltura Events", "user@example.com", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    vault.add(account("GitHub", "octocat", "GEZDGNBVGY3TQOJQ"), OnNameConflict::Ask).unwrap();
    vault.add(account("Mastodon", "me@social", "MFRGGZDFMZTWQ2LK"), OnNameConflict::Ask).unwrap();
    drop(vault);

    let mut vault = Vault::open(&path, Unlock::Keychain(&OsKeychain)).unwrap();
    assert_eq!(names(&vault), ["user@example.com", "octocat", "me@social"]);
    vault.set_password("second recovery password", KdfParams::INSECURE_FOR_TESTS, &OsKeychain).unwrap();
    let github = vault.accounts()[1].id.clone();
    vault.delete(&github).unwrap();
    drop(vault);

    assert_eq!(Vault::open(&path, Unlock::Password(PASSWORD)).unwrap_err(), VaultError::WrongPassword);
    let mut vault = Vault::open(&path, Unlock::Password("second recovery password")).unwrap();
    assert_eq!(names(&vault), ["user@example.com", "me@social"]);
    vault.restore(&github).unwrap();
    drop(vault);

    let vault = Vault::open(&path, Unlock::Keychain(&OsKeychain)).unwrap();
    assert_eq!(names(&vault), ["user@example.com", "octocat", "me@social"]);
}

/// The child: opens the vault through the keychain of whatever bus it was given, then by password.
#[test]
fn child_reports_how_it_could_open_the_vault() {
    if !common::run_as_child(CHILD_VAULT) {
        return;
    }
    let path = std::env::var_os(CHILD_VAULT).unwrap_or_default();
    let path = Path::new(&path);
    match Vault::open(path, Unlock::Keychain(&OsKeychain)) {
        Ok(_) => println!("\nkeychain: opened"),
        Err(e) => println!("\nkeychain: {e:?}\nmessage: {e}"),
    }
    match Vault::open(path, Unlock::Password(PASSWORD)) {
        Ok(vault) => println!("password: opened {}", vault.accounts().len()),
        Err(e) => println!("password: {e:?}"),
    }
}

fn run_child(path: &Path, bus_address: &str) -> String {
    let mut child = common::child_test("child_reports_how_it_could_open_the_vault")
        .env(CHILD_VAULT, path)
        .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("opening the vault with the keychain hung for 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    out
}

#[test]
fn without_a_reachable_secret_service_the_error_is_distinct_the_file_unchanged_and_the_password_works() {
    if std::env::var_os(CHILD_VAULT).is_some() || !private_keyring() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    let mut vault = Vault::create(&path, Some(&OsKeychain), Some((PASSWORD, KdfParams::INSECURE_FOR_TESTS))).unwrap();
    vault.add(account("Acme", "dana", "JBSWY3DPEHPK3PXP"), OnNameConflict::Ask).unwrap();
    drop(vault);
    let before = std::fs::read(&path).unwrap();

    let no_session = run_child(&path, "unix:path=/nonexistent/twofold-test-bus");
    let expected = format!("keychain: {:?}", VaultError::Keychain(KeychainError::NoSession));
    assert!(no_session.contains(&expected), "{no_session}");
    assert!(no_session.contains("no D-Bus session bus"), "{no_session}");
    assert!(no_session.contains("password: opened 1"), "{no_session}");

    let bus = common::EmptyBus::start();
    let no_service = run_child(&path, &bus.address);
    let expected = format!("keychain: {:?}", VaultError::Keychain(KeychainError::NoService));
    assert!(no_service.contains(&expected), "{no_service}");
    assert!(no_service.contains("GNOME Keyring"), "{no_service}");
    assert!(no_service.contains("password: opened 1"), "{no_service}");

    assert_eq!(std::fs::read(&path).unwrap(), before, "the vault file is unchanged byte for byte");
    assert!(Vault::open(&path, Unlock::Keychain(&OsKeychain)).is_ok(), "the real keychain still opens it");
}
