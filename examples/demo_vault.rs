//! Creates a vault filled with demonstration accounts, for screenshots and measurements.
//!
//! Run: `cargo run --example demo_vault -- FOLDER [COUNT] [PASSWORD]`. The vault is protected by the OS keychain
//! and, when PASSWORD is given, by that recovery password. Secrets are derived from the account number: these
//! accounts are for show only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

use std::path::PathBuf;

use twofold::vault::{KdfParams, OnNameConflict, OsKeychain, Vault};
use twofold::{Account, Algorithm, Digits, Otp, Period, Secret};

const SERVICES: [(&str, &str); 8] = [
    ("Kaltura Events", "user@example.com"),
    ("GitHub", "octocat"),
    ("Mastodon", "me@social.example"),
    ("Fastmail", "alex@fastmail.example"),
    ("Proton", "alex@proton.example"),
    ("Cloudflare", "ops@company.example"),
    ("Steam", "alexplays"),
    ("Bank", "1234-5678"),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(folder) = args.next().map(PathBuf::from) else {
        eprintln!("usage: demo_vault FOLDER [COUNT] [PASSWORD]");
        std::process::exit(2);
    };
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(SERVICES.len());
    let password = args.next();
    let protection = password.as_deref().map(|p| (p, KdfParams::default()));
    let mut vault = Vault::create(&folder.join("vault.json"), Some(&OsKeychain), protection).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    for n in 0..count {
        let (issuer, name) = SERVICES[n % SERVICES.len()];
        let name = if n < SERVICES.len() { name.to_owned() } else { format!("{name} {}", n / SERVICES.len()) };
        let mut key = (n as u64).to_be_bytes().to_vec();
        key.extend_from_slice(b"demonstration");
        let otp = match issuer {
            "Steam" => Otp::Steam { period: Period::THIRTY },
            "Bank" => Otp::Hotp { algorithm: Algorithm::Sha1, digits: Digits::SIX, counter: 3 },
            _ => Otp::default(),
        };
        let account = Account::new(issuer, &name, Secret::from_bytes(key).expect("non-empty"), otp);
        vault.add(account, OnNameConflict::KeepBoth).expect("add");
    }
    println!("{} accounts in {}", vault.accounts().len(), vault.path().display());
}
