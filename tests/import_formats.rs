//! The export formats that have no real file in `../shared/fixtures`, read from files an independent script wrote
//! after each app's published format (`tests/fixtures/import/make_fixtures.py`, with the `cryptography`,
//! `argon2-cffi` and `pyzipper` libraries: never Twofold's code). Each file gives the accounts the script put in,
//! with codes equal to `oathtool`'s, its encrypted variants open with the password and only with it, and what the
//! format has beside the code (groups, favourites, notes) comes along.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::path::PathBuf;

use twofold::Otp;
use twofold::import::{self, Format, Import, ImportError, Protection};

/// The password of every encrypted file the script wrote.
const PASSWORD: &str = "correct horse battery staple";

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn read(name: &str, password: Option<&str>) -> Import {
    let bytes = std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    import::read(&bytes, password).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Issuer and name of each entry.
fn names(import: &Import) -> Vec<(&str, &str)> {
    import.entries.iter().map(|e| (e.account.issuer.as_str(), e.account.name.as_str())).collect()
}

const KALTURA: (&str, &str) = ("Kaltura Events", "host@example.com");
const VIDEO: (&str, &str) = ("Video API", "dev@example.com");
const NIMBUS: (&str, &str) = ("Nimbus", "ops");
const UNION: (&str, &str) = ("Credit Union", "me");
const STEAM: (&str, &str) = ("Steam", "gamer");

/// A file, its password, its app, the accounts it gives, and how many entries it lists as skipped.
type Case = (&'static str, Option<&'static str>, Format, &'static [(&'static str, &'static str)], usize);

/// Every file the script wrote, but the two that test one refusal each.
const FILES: &[Case] = &[
    ("aegis_v3_two_slots.json", Some(PASSWORD), Format::Aegis, &[KALTURA, VIDEO, NIMBUS, UNION, STEAM], 2),
    ("2fas_schema1.2fas", None, Format::TwoFas, &[KALTURA], 0),
    ("andotp_encrypted.json.aes", Some(PASSWORD), Format::AndOtp, &[KALTURA, VIDEO, NIMBUS, UNION, STEAM], 0),
    ("authpro_plain.authpro", None, Format::AuthenticatorPro, &[KALTURA, VIDEO, NIMBUS, UNION, STEAM], 1),
    ("authpro_encrypted.authpro", Some(PASSWORD), Format::AuthenticatorPro, &[KALTURA, VIDEO, NIMBUS, UNION, STEAM], 1),
    ("authpro_legacy.authpro", Some(PASSWORD), Format::AuthenticatorPro, &[KALTURA, VIDEO, NIMBUS, UNION, STEAM], 1),
    ("raivo.zip", Some(PASSWORD), Format::Raivo, &[KALTURA, VIDEO, UNION], 0),
    ("proton_encrypted.json", Some(PASSWORD), Format::Proton, &[KALTURA, VIDEO, STEAM], 0),
    ("bitwarden_protected_pbkdf2.json", Some(PASSWORD), Format::Bitwarden, &[KALTURA, VIDEO, STEAM], 0),
    ("bitwarden_protected_argon2.json", Some(PASSWORD), Format::Bitwarden, &[KALTURA, VIDEO, STEAM], 0),
];

#[test]
fn every_written_export_gives_its_accounts_with_the_oracles_codes() {
    if !common::have_oathtool() {
        return;
    }
    for &(name, password, format, accounts, skipped) in FILES {
        let bytes = std::fs::read(path(name)).unwrap();
        let protection = if password.is_some() { Protection::Encrypted } else { Protection::Plain };
        assert_eq!(import::identify(&bytes), Ok((format, protection)), "{name}");
        let import = read(name, password);
        assert_eq!(names(&import), accounts, "{name}");
        let reasons: Vec<String> = import.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(reasons.len(), skipped, "{name}: {reasons:?}");
        for entry in &import.entries {
            common::assert_codes_are_the_oracles(name, &entry.account);
        }
    }
}

#[test]
fn the_kinds_and_numbers_of_each_code_survive_the_conversion() {
    let aegis = read("aegis_v3_two_slots.json", Some(PASSWORD));
    let otps: Vec<Otp> = aegis.entries.iter().map(|e| e.account.otp).collect();
    for (name, password) in [
        ("andotp_encrypted.json.aes", Some(PASSWORD)),
        ("authpro_plain.authpro", None),
        ("authpro_legacy.authpro", Some(PASSWORD)),
    ] {
        let other: Vec<Otp> = read(name, password).entries.iter().map(|e| e.account.otp).collect();
        assert_eq!(other, otps, "{name}");
    }
    assert!(matches!(otps[3], Otp::Hotp { counter: 7, .. }));
    assert!(matches!(otps[4], Otp::Steam { .. }));
    assert_eq!((otps[1].digits(), otps[1].period().map(|p| p.seconds())), (8, Some(60)));
}

#[test]
fn groups_favourites_and_notes_come_with_the_accounts() {
    let aegis = read("aegis_v3_two_slots.json", Some(PASSWORD));
    assert!(aegis.entries[0].favorite);
    assert_eq!(aegis.entries[0].groups, ["Work"]);
    assert_eq!(aegis.entries[3].groups, ["Work", "Money"]);
    assert_eq!(aegis.entries[3].note.as_deref(), Some("the card reader"));
    let authpro = read("authpro_encrypted.authpro", Some(PASSWORD));
    assert_eq!(authpro.entries[4].groups, ["Travel"]);
    let raivo = read("raivo.zip", Some(PASSWORD));
    assert!(raivo.entries[2].favorite, "Raivo's pinned account");
    let bitwarden = read("bitwarden_protected_argon2.json", Some(PASSWORD));
    assert!(bitwarden.entries[2].favorite);
    let proton = read("proton_encrypted.json", Some(PASSWORD));
    assert_eq!(proton.entries[2].note.as_deref(), Some("spare"));
}

#[test]
fn codes_twofold_cannot_make_are_named_with_their_reason() {
    let aegis = read("aegis_v3_two_slots.json", Some(PASSWORD));
    let reasons: Vec<String> = aegis.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        reasons,
        [
            "Old VPN (legacy) cannot be added. It is a mOTP account, a kind of code Twofold does not make.",
            "Yandex (ya) cannot be added. It is a Yandex Key account, a kind of code Twofold does not make.",
        ]
    );
}

#[test]
fn every_encrypted_variant_asks_for_the_password_and_refuses_a_wrong_one() {
    for &(name, password, format, _, _) in FILES {
        if password.is_none() {
            continue;
        }
        let bytes = std::fs::read(path(name)).unwrap();
        assert_eq!(import::read(&bytes, None), Err(ImportError::NeedsPassword(format)), "{name}");
        assert_eq!(
            import::read(&bytes, Some("Correct horse battery staple")),
            Err(ImportError::WrongPassword(format)),
            "{name}"
        );
    }
}

#[test]
fn andotps_oldest_encrypted_backup_has_no_mark_and_opens_only_when_a_password_is_given() {
    let bytes = std::fs::read(path("andotp_encrypted_old.json.aes")).unwrap();
    assert_eq!(import::identify(&bytes), Err(ImportError::NotRecognised));
    let import = import::read(&bytes, Some(PASSWORD)).unwrap();
    assert_eq!(import.format, Format::AndOtp);
    assert_eq!(names(&import), [KALTURA, VIDEO, NIMBUS, UNION, STEAM]);
    assert_eq!(import::read(&bytes, Some("wrong")), Err(ImportError::NotRecognised));
}

#[test]
fn a_bitwarden_export_bound_to_the_account_says_only_bitwarden_can_open_it() {
    let bytes = std::fs::read(path("bitwarden_account_bound.json")).unwrap();
    let error = import::read(&bytes, None).unwrap_err();
    assert!(matches!(error, ImportError::Unsupported { format: Format::Bitwarden, .. }), "{error}");
    assert!(error.to_string().contains("only Bitwarden can open it"), "{error}");
}

#[test]
fn a_cut_or_altered_encrypted_export_is_refused_as_damaged_or_by_its_password_check() {
    for &(name, password, format, _, _) in FILES {
        let Some(password) = password else { continue };
        let bytes = std::fs::read(path(name)).unwrap();
        let cut = &bytes[..bytes.len() * 2 / 3];
        let error = import::read(cut, Some(password)).unwrap_err();
        assert!(
            matches!(error, ImportError::Damaged { .. } | ImportError::WrongPassword(_) | ImportError::NotRecognised),
            "{name}, cut: {error}"
        );
        // A byte early in the file (a key slot, a salt, the start of the data) and one in the middle of the data.
        for at in [100, bytes.len() / 2] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x01;
            if let Ok(import) = import::read(&flipped, Some(password)) {
                panic!("{name} ({format}) read {} entries with byte {at} changed", import.entries.len());
            }
        }
    }
}
