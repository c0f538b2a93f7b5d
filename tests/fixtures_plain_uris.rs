//! Every line of the plain URI lists that other apps export (Aegis's test fixtures, in `../shared`) parses, and
//! each account's codes equal the independent oracle's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::path::Path;

use twofold::{Account, Otp, uri};

const TIMES: [u64; 4] = [0, 59, 1_111_111_109, 2_000_000_000];

fn check_file(path: &Path) -> Vec<Account> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut accounts = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let account = uri::parse(line).unwrap_or_else(|e| panic!("{} line {}: {e}", path.display(), n + 1));
        for time in TIMES {
            let ours = account.codes_at(time).current;
            let oracle = common::oracle_code(&account.secret, &account.otp, time);
            assert_eq!(
                ours.as_str(),
                oracle,
                "{} line {} ({}) at {time}",
                path.display(),
                n + 1,
                account.display_name()
            );
        }
        accounts.push(account);
    }
    accounts
}

fn fixture(name: &str) -> Option<std::path::PathBuf> {
    let dir = common::shared_dir()?;
    common::have_oathtool().then(|| dir.join("fixtures/aegis-importers").join(name))
}

#[test]
fn every_line_of_the_plain_uri_list_parses_and_its_codes_equal_the_oracles() {
    let Some(path) = fixture("plain.txt") else { return };
    let accounts = check_file(&path);
    assert_eq!(accounts.len(), 7);
    let air_canada = &accounts[4];
    assert_eq!((air_canada.issuer.as_str(), air_canada.name.as_str()), ("Air Canada", "Benjamin"));
    assert!(matches!(air_canada.otp, Otp::Hotp { counter: 50, .. }));
    assert_eq!(air_canada.otp.digits(), 7);
    assert!(matches!(accounts[6].otp, Otp::Steam { .. }));
}

#[test]
fn every_line_of_the_ente_auth_export_parses_and_its_codes_equal_the_oracles() {
    let Some(path) = fixture("ente_auth.txt") else { return };
    let accounts = check_file(&path);
    assert_eq!(accounts.len(), 7);
    let wwe = accounts.iter().find(|a| a.issuer == "WWE").expect("WWE entry");
    assert_eq!(wwe.otp.algorithm(), twofold::Algorithm::Sha512);
    assert!(matches!(wwe.otp, Otp::Hotp { counter: 10_300, .. }));
}
