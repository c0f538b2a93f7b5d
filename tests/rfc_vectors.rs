//! The test vectors printed in RFC 4226 (HOTP, Appendix D) and RFC 6238 (TOTP, Appendix B).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

use twofold::{Algorithm, Digits, Otp, Period, Secret};

#[test]
fn rfc4226_appendix_d_hotp_values() {
    let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
    let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    for (counter, want) in expected.iter().enumerate() {
        let otp = Otp::Hotp { algorithm: Algorithm::Sha1, digits: Digits::SIX, counter: counter as u64 };
        assert_eq!(otp.codes_at(&secret, 0).current.as_str(), *want, "counter {counter}");
    }
}

#[test]
fn rfc6238_appendix_b_totp_values_for_sha1_sha256_and_sha512() {
    let seed = |len: usize| Secret::from_bytes(b"1234567890".iter().copied().cycle().take(len).collect()).unwrap();
    let keys = [(Algorithm::Sha1, seed(20)), (Algorithm::Sha256, seed(32)), (Algorithm::Sha512, seed(64))];
    let table: [(u64, [&str; 3]); 6] = [
        (59, ["94287082", "46119246", "90693936"]),
        (1_111_111_109, ["07081804", "68084774", "25091201"]),
        (1_111_111_111, ["14050471", "67062674", "99943326"]),
        (1_234_567_890, ["89005924", "91819424", "93441116"]),
        (2_000_000_000, ["69279037", "90698825", "38618901"]),
        (20_000_000_000, ["65353130", "77737706", "47863826"]),
    ];
    for (time, wants) in table {
        for ((algorithm, key), want) in keys.iter().zip(wants) {
            let otp = Otp::Totp { algorithm: *algorithm, digits: Digits::new(8).unwrap(), period: Period::THIRTY };
            assert_eq!(otp.codes_at(key, time).current.as_str(), want, "{algorithm} at {time}");
        }
    }
}
