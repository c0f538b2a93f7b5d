//! Property tests: a URI written by `uri::format` reads back as the same account, and so does the formatted
//! form of any URI in the many shapes real QR codes use.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

use proptest::prelude::*;
use twofold::{Account, Algorithm, Digits, Otp, Period, Secret, uri};

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)]
}

fn otp() -> impl Strategy<Value = Otp> {
    let digits = (6u8..=8).prop_map(|d| Digits::new(d).unwrap());
    let period = (1u32..=86_400).prop_map(|p| Period::new(p).unwrap());
    prop_oneof![
        (algorithm(), digits.clone(), period.clone()).prop_map(|(algorithm, digits, period)| Otp::Totp {
            algorithm,
            digits,
            period
        }),
        (algorithm(), digits, any::<u64>()).prop_map(|(algorithm, digits, counter)| Otp::Hotp {
            algorithm,
            digits,
            counter
        }),
        period.prop_map(|period| Otp::Steam { period }),
    ]
}

/// Names with any printable characters, including the URI's own separators and non-ASCII letters.
fn name() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z0-9 ._@-]{0,24}", "\\PC{0,16}", "[:%+&?#=/ a-z]{0,12}",]
}

fn account() -> impl Strategy<Value = Account> {
    (name(), name(), proptest::collection::vec(any::<u8>(), 1..=64), otp())
        .prop_map(|(issuer, name, key, otp)| Account::new(&issuer, &name, Secret::from_bytes(key).unwrap(), otp))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_formatted_account_parses_back_unchanged(account in account()) {
        let text = uri::format(&account);
        prop_assert_eq!(uri::parse(&text).unwrap(), account);
    }

    #[test]
    fn any_accepted_spelling_formats_and_parses_to_the_same_account(
        issuer in "[A-Za-z][A-Za-z0-9 .]{0,15}",
        account_name in "[a-z][a-z0-9@.]{0,15}",
        key in proptest::collection::vec(any::<u8>(), 5..=40),
        upper_type in any::<bool>(),
        encoded_colon in any::<bool>(),
        plus_for_space in any::<bool>(),
        lower_secret in any::<bool>(),
        padded_secret in any::<bool>(),
        spaced_account in any::<bool>(),
        issuer_param in any::<bool>(),
        extra_params in any::<bool>(),
        otp in otp(),
    ) {
        let issuer = issuer.trim().to_owned();
        let secret = Secret::from_bytes(key).unwrap();
        let mut b32 = secret.to_base32().to_string();
        if lower_secret { b32 = b32.to_lowercase(); }
        if padded_secret {
            while !b32.len().is_multiple_of(8) {
                b32.push('=');
            }
        }
        let space = if plus_for_space { "+" } else { "%20" };
        let colon = if encoded_colon { "%3A" } else { ":" };
        let lead = if spaced_account { space } else { "" };
        let label = format!("{}{colon}{lead}{account_name}", issuer.replace(' ', space));
        let (kind, params) = match otp {
            Otp::Totp { algorithm, digits, period } => ("totp", format!("&algorithm={algorithm}&digits={}&period={}", digits.get(), period.seconds())),
            Otp::Hotp { algorithm, digits, counter } => ("hotp", format!("&algorithm={}&digits={}&counter={counter}", algorithm.as_str().to_lowercase(), digits.get())),
            Otp::Steam { period } => ("steam", format!("&period={}", period.seconds())),
        };
        let kind = if upper_type { kind.to_uppercase() } else { kind.to_owned() };
        let mut text = format!("otpauth://{kind}/{label}?secret={b32}{params}");
        if issuer_param { text.push_str(&format!("&issuer={}", issuer.replace(' ', space))); }
        if extra_params { text.push_str("&image=https%3A%2F%2Fexample.com%2Flogo.png&color=%23ff0000"); }

        let parsed = uri::parse(&text).unwrap();
        prop_assert_eq!(&parsed.issuer, &issuer);
        prop_assert_eq!(&parsed.name, &account_name);
        prop_assert_eq!(&parsed.secret, &secret);
        prop_assert_eq!(parsed.otp, otp);
        prop_assert_eq!(uri::parse(&uri::format(&parsed)).unwrap(), parsed);
    }
}
