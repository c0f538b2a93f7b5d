//! Real exports of other authenticators (`../shared/fixtures`, written by those apps or by their projects to match
//! them) read by the importers: each file is recognised, every account's codes equal the independent oracle's
//! (`oathtool`, Python for Steam), the plain and encrypted exports of one app give identical entries, and every
//! entry that cannot be added is listed with its reason, never dropped.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::path::PathBuf;

use twofold::import::{self, Format, Import, ImportError, Protection};

/// The fixtures folder, or `None` (a skip with a note, or a failure under the test command) without it.
fn fixtures() -> Option<PathBuf> {
    let dir = common::shared_dir()?.join("fixtures");
    common::have_oathtool().then_some(dir)
}

fn read(dir: &std::path::Path, name: &str, password: Option<&str>) -> Import {
    let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    import::read(&bytes, password).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Issuer, name, kind of code and secret of each entry: what must be the same wherever an account comes from.
fn identities(import: &Import) -> Vec<(String, String, twofold::Otp, Vec<u8>)> {
    let mut all: Vec<_> = import
        .entries
        .iter()
        .map(|e| (e.account.issuer.clone(), e.account.name.clone(), e.account.otp, e.account.secret.expose().to_vec()))
        .collect();
    all.sort_by(|a, b| (&a.0, &a.1, &a.3).cmp(&(&b.0, &b.1, &b.3)));
    all
}

/// Every file, its password, the app it is from, how many accounts it gives and how many it lists as skipped.
const FILES: &[(&str, Option<&str>, Format, usize, usize)] = &[
    ("aegis-importers/aegis_plain.json", None, Format::Aegis, 7, 0),
    ("aegis-importers/aegis_plain_grouped_v2.json", None, Format::Aegis, 7, 0),
    ("aegis-importers/aegis_encrypted.json", Some("test"), Format::Aegis, 7, 0),
    ("aegis-importers/2fas_authenticator_plain_v4.2fas", None, Format::TwoFas, 5, 0),
    ("aegis-importers/2fas_authenticator_encrypted_v4.2fas", Some("test"), Format::TwoFas, 5, 0),
    ("aegis-importers/bitwarden.json", None, Format::Bitwarden, 4, 0),
    ("aegis-importers/ente_auth.txt", None, Format::Ente, 7, 0),
    ("aegis-importers/freeotp_plus.json", None, Format::FreeOtpPlus, 6, 0),
    ("aegis-importers/andotp_plain.json", None, Format::AndOtp, 7, 0),
    ("aegis-importers/proton_authenticator.json", None, Format::Proton, 3, 0),
    ("aegis-importers/plain.txt", None, Format::OtpauthList, 7, 0),
    ("proton-testdata/ente_encrypted_lowcomplexity.txt", Some("password"), Format::Ente, 2, 1),
    ("proton-testdata/ente_encrypted_decrypted.txt", None, Format::Ente, 2, 1),
    ("proton-testdata/bitwarden_sample.csv", None, Format::Bitwarden, 3, 0),
    ("proton-testdata/lastpass.json", None, Format::LastPass, 1, 2),
];

#[test]
fn every_fixture_is_recognised_and_every_code_equals_the_oracles() {
    let Some(dir) = fixtures() else { return };
    for &(name, password, format, accounts, skipped) in FILES {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let protection = if password.is_some() { Protection::Encrypted } else { Protection::Plain };
        assert_eq!(import::identify(&bytes), Ok((format, protection)), "{name}");
        let import = read(&dir, name, password);
        assert_eq!(import.format, format, "{name}");
        let reasons: Vec<String> = import.skipped.iter().map(ToString::to_string).collect();
        assert_eq!((import.entries.len(), import.skipped.len()), (accounts, skipped), "{name}: left out {reasons:?}");
        for entry in &import.entries {
            common::assert_codes_are_the_oracles(name, &entry.account);
        }
        for reason in &reasons {
            assert!(reason.contains(" cannot be added. "), "{name}: {reason}");
        }
    }
}

#[test]
fn the_plain_and_encrypted_exports_of_one_app_give_identical_entries() {
    let Some(dir) = fixtures() else { return };
    for (plain, encrypted) in [
        ("aegis-importers/aegis_plain.json", "aegis-importers/aegis_encrypted.json"),
        ("aegis-importers/2fas_authenticator_plain_v4.2fas", "aegis-importers/2fas_authenticator_encrypted_v4.2fas"),
    ] {
        assert_eq!(read(&dir, plain, None).entries, read(&dir, encrypted, Some("test")).entries, "{encrypted}");
    }
}

#[test]
fn the_same_accounts_come_out_of_every_app_that_exported_them() {
    let Some(dir) = fixtures() else { return };
    let reference = identities(&read(&dir, "aegis-importers/plain.txt", None));
    for (name, count) in [
        ("aegis-importers/aegis_plain.json", 7),
        ("aegis-importers/andotp_plain.json", 7),
        ("aegis-importers/ente_auth.txt", 7),
        // FreeOTP+ has no Steam codes, 2FAS's test file has no SHA256 or SHA512 codes, Proton's holds three.
        ("aegis-importers/freeotp_plus.json", 6),
        ("aegis-importers/2fas_authenticator_plain_v4.2fas", 5),
        ("aegis-importers/proton_authenticator.json", 3),
    ] {
        let found = identities(&read(&dir, name, None));
        assert_eq!(found.len(), count, "{name}");
        for account in &found {
            assert!(reference.contains(account), "{name}: {} ({}) differs from the link list's", account.0, account.1);
        }
    }
}

#[test]
fn groups_favourites_and_notes_come_with_the_accounts() {
    let Some(dir) = fixtures() else { return };
    let grouped = read(&dir, "aegis-importers/aegis_plain_grouped_v2.json", None);
    let groups: Vec<&[String]> = grouped.entries.iter().map(|e| e.groups.as_slice()).collect();
    assert_eq!(groups[0], ["group1"]);
    assert!(groups[1].is_empty());
    assert_eq!(groups[3], ["group2"]);
    let ente = read(&dir, "proton-testdata/ente_encrypted_lowcomplexity.txt", Some("password"));
    let tagged = ente.entries.iter().find(|e| e.account.issuer == "issuertest").unwrap();
    assert_eq!(tagged.groups, ["a tag"]);
    assert_eq!(tagged.note.as_deref(), Some("somnotes"));
}

#[test]
fn an_encrypted_export_asks_for_its_password_and_refuses_a_wrong_one() {
    let Some(dir) = fixtures() else { return };
    for (name, format) in [
        ("aegis-importers/aegis_encrypted.json", Format::Aegis),
        ("aegis-importers/2fas_authenticator_encrypted_v4.2fas", Format::TwoFas),
        ("proton-testdata/ente_encrypted_lowcomplexity.txt", Format::Ente),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(import::read(&bytes, None), Err(ImportError::NeedsPassword(format)), "{name}");
        assert_eq!(import::read(&bytes, Some("not the password")), Err(ImportError::WrongPassword(format)), "{name}");
    }
}

#[test]
fn an_entry_with_a_broken_secret_is_named_with_its_reason_and_the_rest_is_read() {
    let Some(dir) = fixtures() else { return };
    let lastpass = read(&dir, "proton-testdata/lastpass.json", None);
    assert_eq!(lastpass.entries[0].account.name, "sha512 name");
    assert_eq!(
        lastpass.skipped[0].to_string(),
        "issuer (account name default) cannot be added. Its secret key cannot be read. The secret has a length that base32 cannot encode, so part of it is probably missing. Copy the whole secret key again."
    );
}

#[test]
fn a_bitwarden_secret_of_a_length_base32_cannot_end_on_gives_bitwardens_codes() {
    let Some(dir) = fixtures() else { return };
    let csv = read(&dir, "proton-testdata/bitwarden_sample.csv", None);
    let issuers: Vec<&str> = csv.entries.iter().map(|e| e.account.issuer.as_str()).collect();
    assert_eq!(issuers, ["Code 2", "Code 3", "Code1"]);
    // 17 characters: Bitwarden keeps the 10 whole bytes the first 16 give (its own test vector for the rule:
    // "PIUDISEQYA" at 1672531200 gives 829846).
    let code1 = &csv.entries[2].account;
    assert_eq!(code1.secret, twofold::Secret::from_base32("JDKSNDJJDNDJJDBX").unwrap());
}

#[test]
fn damaged_encrypted_exports_and_files_of_other_kinds_are_refused_with_a_sentence() {
    let Some(dir) = fixtures() else { return };
    let aegis = std::fs::read(dir.join("aegis-importers/aegis_encrypted.json")).unwrap();
    let cut = &aegis[..aegis.len() / 2];
    assert_eq!(import::read(cut, Some("test")), Err(ImportError::NotRecognised), "half a JSON file is no export");
    // One character of the sealed database changed: the password opens the key slot, the data does not verify.
    let text = String::from_utf8(aegis.clone()).unwrap();
    let db_at = text.find("\"db\": \"").unwrap() + 20;
    let mut flipped = text.into_bytes();
    flipped[db_at] = if flipped[db_at] == b'A' { b'B' } else { b'A' };
    let error = import::read(&flipped, Some("test")).unwrap_err();
    assert!(matches!(error, ImportError::Damaged { format: Format::Aegis, .. }), "{error}");
    assert!(error.to_string().starts_with("This Aegis export is damaged"), "{error}");
    let noise: Vec<u8> = (0..1_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_eq!(import::read(&noise, None), Err(ImportError::NotRecognised));
    let package = br#"{"name": "left-pad", "version": "1.3.0", "dependencies": {}}"#;
    assert_eq!(import::read(package, None), Err(ImportError::NotRecognised));
}
