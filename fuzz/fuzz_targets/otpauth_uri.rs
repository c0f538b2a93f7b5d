//! The otpauth link parser: any text gives an account or an error, and an account written back as a link reads
//! back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(account) = twofold::uri::parse(text) {
        let link = twofold::uri::format(&account);
        let again = twofold::uri::parse(&link).expect("a link Twofold wrote reads back");
        assert!(again == account, "the link round trip changed the account");
    }
});
