//! The command line (`twofold import`, `twofold export`) run as a user runs it, the built program in a scratch data
//! folder, against the real Secret Service of `scripts/with-keyring.sh`: imports into a new vault and into one
//! that has the accounts already, encrypted exports and their passwords, exports read back, the vault held by
//! another process, and files it must refuse, each with its sentence and nothing written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

#[path = "../../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use twofold::vault::{OsKeychain, Unlock, Vault};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/import")
}

/// Whether the private keyring of `scripts/with-keyring.sh` is there: these tests create keychain items.
fn private_keyring() -> bool {
    std::env::var_os("TWOFOLD_TEST_KEYRING").is_some()
        || common::missing(
            "A private test keyring",
            "Run the tests through scripts/with-keyring.sh (the README's test command does).",
        )
        .is_some()
}

/// `twofold ARGS` with its vault in `dir`.
fn twofold(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(args)
        .env("TWOFOLD_DATA_DIR", dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const PASSWORD: &str = "correct horse battery staple";

#[test]
fn an_import_creates_the_vault_prints_codes_without_secrets_and_a_second_one_adds_nothing_twice() {
    if !private_keyring() || !common::have_oathtool() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let file = fixtures().join("andotp_encrypted.json.aes");
    let file = file.to_str().unwrap();
    let password = write(home.path(), "password", &format!("{PASSWORD}\n"));

    let dry = twofold(&data, &["import", file, "--password-file", &password, "--dry-run", "--json", "--at", "59"]);
    let report = json(&dry);
    assert!(!data.join("vault.json").exists(), "a dry run opens no vault and creates none");
    assert_eq!(report["format"], "andOtp");
    let entries = report["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    for secret in ["KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ", "krugs4zanfzsayjaorsxg5baonswg4tfoq"] {
        assert!(!stdout(&dry).contains(secret), "the JSON holds no secret");
    }
    // Each code as oathtool computes it from the same account, read by the library.
    let read = twofold::import::read(&std::fs::read(file).unwrap(), Some(PASSWORD)).unwrap();
    for (entry, printed) in read.entries.iter().zip(entries) {
        let oracle = common::oracle_code(&entry.account.secret, &entry.account.otp, 59);
        assert_eq!(printed["code"], oracle, "{}", entry.account.display_name());
    }

    let first = twofold(&data, &["import", file, "--password-file", &password, "--json"]);
    let added = &json(&first)["added"];
    assert_eq!(added["added"].as_array().unwrap().len(), 5);
    let vault = Vault::open(&data.join("vault.json"), Unlock::Keychain(&OsKeychain)).expect("the keychain opens it");
    assert_eq!(vault.accounts().len(), 5);
    drop(vault);

    let again = twofold(&data, &["import", file, "--password-file", &password]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("0 accounts were added"), "{}", stdout(&again));
    assert!(stdout(&again).contains("5 were already in Twofold"), "{}", stdout(&again));
}

#[test]
fn an_export_reads_back_the_same_accounts_in_another_vault_and_never_writes_over_a_file() {
    if !private_keyring() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let (first, second) = (home.path().join("first"), home.path().join("second"));
    let plain = fixtures().join("authpro_plain.authpro");
    assert!(twofold(&first, &["import", plain.to_str().unwrap()]).status.success());
    let password = write(home.path(), "password", "to the new laptop");
    let out = home.path().join("moved.json");
    let out = out.to_str().unwrap();
    let export = twofold(&first, &["export", "--format", "aegis", "--output", out, "--password-file", &password]);
    assert!(export.status.success(), "{}", stderr(&export));
    assert_eq!(stdout(&export).trim(), format!("5 accounts written to {out} as an encrypted Aegis file."));
    let again = twofold(&first, &["export", "--format", "aegis", "--output", out, "--password-file", &password]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));

    let listed = |dir: &Path, file: &str, password: Option<&str>| {
        let mut args = vec!["import", file, "--dry-run", "--json", "--at", "1000"];
        args.extend(password.map(|p| ["--password-file", p]).into_iter().flatten());
        json(&twofold(dir, &args))["entries"].clone()
    };
    assert_eq!(listed(&second, out, Some(&password)), listed(&second, plain.to_str().unwrap(), None));
    let moved = twofold(&second, &["import", out, "--password-file", &password, "--json"]);
    assert_eq!(json(&moved)["added"]["added"].as_array().unwrap().len(), 5);

    let links = home.path().join("links.txt");
    let plain_export = twofold(&second, &["export", "--format", "otpauth", "--output", links.to_str().unwrap()]);
    assert!(plain_export.status.success(), "{}", stderr(&plain_export));
    assert!(stderr(&plain_export).starts_with("Warning: A plain file holds every secret key unencrypted"));
    assert_eq!(std::fs::read_to_string(&links).unwrap().lines().count(), 5);
}

#[test]
fn a_vault_held_by_the_running_app_is_left_alone_with_a_sentence() {
    if !private_keyring() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let file = fixtures().join("authpro_plain.authpro");
    assert!(twofold(&data, &["import", file.to_str().unwrap()]).status.success());
    let held = Vault::open(&data.join("vault.json"), Unlock::Keychain(&OsKeychain)).unwrap();
    let refused = twofold(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        stderr(&refused).trim(),
        "twofold: Twofold is running and holds the vault. Quit it (from its window, or its tray icon's menu), then run this command again."
    );
    drop(held);
}

#[test]
fn a_file_it_cannot_use_is_refused_with_its_sentence_and_nothing_is_written() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let refuse = |name: &str, bytes: &[u8], extra: &[&str], sentence: &str| {
        let path = home.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut args = vec!["import", path.to_str().unwrap()];
        args.extend(extra);
        let output = twofold(&data, &args);
        assert_eq!(output.status.code(), Some(1), "{name}: {}", stdout(&output));
        assert!(stderr(&output).starts_with(&format!("twofold: {sentence}")), "{name}: {}", stderr(&output));
        assert!(!data.exists(), "{name}: nothing is written");
    };
    refuse("empty.json", b"", &[], "The file is empty.");
    refuse("package.json", br#"{"name": "left-pad"}"#, &[], "Twofold does not recognise this file");
    let encrypted = std::fs::read(fixtures().join("proton_encrypted.json")).unwrap();
    refuse("proton.json", &encrypted, &[], "This Proton Authenticator export is encrypted. Give its password");
    let wrong = write(home.path(), "wrong", "not the password");
    refuse(
        "proton2.json",
        &encrypted,
        &["--password-file", &wrong],
        "That password does not open this Proton Authenticator export.",
    );
    let image = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../icons/32x32.png")).unwrap();
    refuse("picture.png", &image, &[], "No QR code was found in");
    let noise: Vec<u8> = (0..17u32 * 1024 * 1024).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    refuse("noise.bin", &noise, &[], "The file is 17 MB, far larger than an authenticator's export");
    let usage = twofold(&data, &["import"]);
    assert_eq!(usage.status.code(), Some(2), "a command line it cannot read");
}

#[test]
fn backups_are_made_and_verified_from_the_command_line_and_restore_a_new_machine() {
    if !private_keyring() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let folder = home.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let folder_arg = folder.to_str().unwrap();
    let file = fixtures().join("andotp_encrypted.json.aes");
    let password = write(home.path(), "password", &format!("{PASSWORD}\n"));
    let imported = twofold(&data, &["import", file.to_str().unwrap(), "--password-file", &password]);
    assert!(imported.status.success(), "{}", stderr(&imported));

    // No folder chosen, then no recovery password: each a sentence, nothing written.
    let no_folder = twofold(&data, &["backup", "now"]);
    assert_eq!(no_folder.status.code(), Some(1));
    assert!(stderr(&no_folder).contains("No backup folder is chosen"), "{}", stderr(&no_folder));
    let no_password = twofold(&data, &["backup", "now", "--folder", folder_arg]);
    assert_eq!(no_password.status.code(), Some(1));
    assert!(stderr(&no_password).contains("Set a recovery password"), "{}", stderr(&no_password));
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);

    let mut vault = Vault::open(&data.join("vault.json"), Unlock::Keychain(&OsKeychain)).unwrap();
    vault.set_password("recovery words", twofold::vault::KdfParams::INSECURE_FOR_TESTS, &OsKeychain).unwrap();
    drop(vault);
    // The folder chosen in the app's settings is the one used.
    let settings = serde_json::json!({"backups": {"enabled": true, "folder": folder, "keep": 10}});
    std::fs::write(data.join("settings.json"), settings.to_string()).unwrap();
    let made = twofold(&data, &["backup", "now"]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stdout(&made).contains("Backup written to"), "{}", stdout(&made));
    let verified = twofold(&data, &["backup", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("holds 5 accounts, the same as Twofold now"), "{}", stdout(&verified));

    // A new machine: an empty data folder, the backup and its password.
    let backup = std::fs::read_dir(&folder).unwrap().next().unwrap().unwrap().path();
    let new_machine = home.path().join("new machine");
    let recovery = write(home.path(), "recovery", "recovery words\n");
    let restored = twofold(&new_machine, &["import", backup.to_str().unwrap(), "--password-file", &recovery, "--json"]);
    assert_eq!(json(&restored)["format"], "twofold");
    assert_eq!(json(&restored)["added"]["added"].as_array().unwrap().len(), 5);
}

/// `text` as a PNG file in `dir`.
fn qr_png(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    common::render_qr(text, 40).save(&path).unwrap();
    path.display().to_string()
}

#[test]
fn the_pictures_of_a_google_authenticator_export_import_together_and_a_missing_one_is_named() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let accounts: Vec<twofold::Account> = (0..23)
        .map(|i| {
            twofold::uri::parse(&format!(
                "otpauth://totp/Service{i}:me?secret=JBSWY3DPEHPK3P{}Q",
                b"ABCDEFGH"[i % 8] as char
            ))
        })
        .collect::<Result<_, _>>()
        .unwrap();
    let links = twofold::migration::encode(&accounts, twofold::migration::EncodeOptions::default()).unwrap();
    let pictures: Vec<String> =
        links.iter().enumerate().map(|(i, link)| qr_png(home.path(), &format!("export-{i}.png"), link)).collect();
    assert_eq!(pictures.len(), 3);

    let mut args = vec!["import", "--dry-run", "--json", "--at", "59"];
    args.extend(pictures.iter().rev().map(String::as_str));
    let report = json(&twofold(&data, &args));
    assert_eq!(report["format"], "pictures");
    let names: Vec<&str> =
        report["entries"].as_array().unwrap().iter().map(|e| e["issuer"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 23, "every account of the three codes, in any order of pictures");
    for account in &accounts {
        assert!(names.contains(&account.issuer.as_str()), "{}", account.issuer);
    }

    let partial = twofold(&data, &["import", &pictures[0], &pictures[2]]);
    assert_eq!(partial.status.code(), Some(1));
    assert!(stderr(&partial).contains("2 of 3 codes scanned"), "{}", stderr(&partial));
    assert!(!data.join("vault.json").exists(), "nothing is written");

    let web = qr_png(home.path(), "web.png", "https://example.com/welcome");
    let refused = twofold(&data, &["import", &web]);
    assert!(stderr(&refused).contains("holds a web link"), "{}", stderr(&refused));
    let blank = home.path().join("blank.png");
    image::GrayImage::from_pixel(200, 200, image::Luma([255])).save(&blank).unwrap();
    let nothing = twofold(&data, &["import", blank.to_str().unwrap()]);
    assert!(stderr(&nothing).contains("No QR code was found in"), "{}", stderr(&nothing));
    let mixed = twofold(&data, &["import", &pictures[0], fixtures().join("authpro_plain.authpro").to_str().unwrap()]);
    assert!(stderr(&mixed).contains("one export file at a time"), "{}", stderr(&mixed));
    assert!(!data.join("vault.json").exists(), "nothing is written");
}

#[test]
fn a_webcam_photo_of_an_export_code_imports_what_the_code_holds() {
    let Some(shared) = common::shared_dir() else { return };
    if !common::have_oathtool() {
        return;
    }
    for name in ["wc4242_0029", "wc4242_0083"] {
        let photo = shared.join("webcam").join(format!("{name}.png"));
        let expected = std::fs::read_to_string(photo.with_extension("txt")).unwrap();
        let home = tempfile::tempdir().unwrap();
        let report =
            json(&twofold(home.path(), &["import", photo.to_str().unwrap(), "--dry-run", "--json", "--at", "59"]));
        let oracle = twofold::import::read(expected.as_bytes(), None).unwrap();
        let printed: Vec<(&str, &str)> = report["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["issuer"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        let wanted: Vec<(String, String)> = oracle
            .entries
            .iter()
            .map(|e| (e.account.issuer.clone(), common::oracle_code(&e.account.secret, &e.account.otp, 59)))
            .collect();
        let wanted: Vec<(&str, &str)> = wanted.iter().map(|(i, c)| (i.as_str(), c.as_str())).collect();
        assert_eq!(printed, wanted, "{name}");
    }
}
