//! Codes compared with `oathtool` (OATH Toolkit), an implementation that shares no code with this crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use twofold::{Algorithm, Digits, Otp, Period, Secret};

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)]
}

fn otp() -> impl Strategy<Value = Otp> {
    let digits = (6u8..=8).prop_map(|d| Digits::new(d).unwrap());
    prop_oneof![
        (algorithm(), digits.clone(), prop_oneof![Just(30u32), Just(60), 1u32..=86_400])
            .prop_map(|(algorithm, digits, p)| Otp::Totp { algorithm, digits, period: Period::new(p).unwrap() }),
        (algorithm(), digits, prop_oneof![0u64..100, 0u64..(1 << 40)])
            .prop_map(|(algorithm, digits, counter)| Otp::Hotp { algorithm, digits, counter }),
    ]
}

#[test]
fn codes_for_random_secrets_and_parameters_equal_oathtools() {
    if !common::have_oathtool() {
        return;
    }
    // A fixed seed keeps the 256 cases the same on every run and machine.
    let config =
        Config { cases: 256, rng_seed: RngSeed::Fixed(0x2f01d), failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let secrets = proptest::collection::vec(any::<u8>(), 10..=64);
    let checked = std::cell::Cell::new(0);
    runner
        .run(&(secrets, otp(), 0u64..(1 << 34)), |(bytes, otp, time)| {
            let secret = Secret::from_bytes(bytes).unwrap();
            let ours = otp.codes_at(&secret, time).current;
            prop_assert_eq!(ours.as_str(), common::oathtool_code(&secret, &otp, time), "{:?} at {}", otp, time);
            checked.set(checked.get() + 1);
            Ok(())
        })
        .unwrap();
    assert!(checked.get() >= 256, "only {} cases ran", checked.get());
}

#[test]
fn next_code_equals_oathtools_code_one_period_or_counter_later() {
    if !common::have_oathtool() {
        return;
    }
    let secret = Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
    let totp =
        Otp::Totp { algorithm: Algorithm::Sha256, digits: Digits::new(7).unwrap(), period: Period::new(45).unwrap() };
    assert_eq!(totp.codes_at(&secret, 1_000).next.as_str(), common::oathtool_code(&secret, &totp, 1_000 + 45));
    let hotp = Otp::Hotp { algorithm: Algorithm::Sha1, digits: Digits::SIX, counter: 9 };
    let after = Otp::Hotp { algorithm: Algorithm::Sha1, digits: Digits::SIX, counter: 10 };
    assert_eq!(hotp.codes_at(&secret, 0).next.as_str(), common::oathtool_code(&secret, &after, 0));
}
