//! The encrypted formats with a password: any file reaches its key derivation and decryption with whatever
//! parameters it names, and gives accounts or an error (a wrong password, a damaged file), never a crash or an
//! allocation beyond the fuzzer's memory limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twofold::import::{self, Protection};

fuzz_target!(|bytes: &[u8]| {
    if matches!(import::identify(bytes), Ok((_, Protection::Encrypted))) {
        let _ = import::read(bytes, Some("fuzz"));
    }
});
