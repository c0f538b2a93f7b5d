//! The vault file parser. A file whose checksum is wrong stops at the first check, so the input's checksum field
//! is set to the right value first: the fuzzer then reaches the header, the slots and the key derivation.
#![no_main]

use data_encoding::HEXLOWER;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

const KEY: &[u8] = b"\"checksum\": \"";
const DIGITS: usize = 64;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if let Some(at) = bytes.windows(KEY.len()).rposition(|w| w == KEY).map(|i| i + KEY.len())
        && bytes.len() >= at + DIGITS
    {
        bytes[at..at + DIGITS].fill(b'0');
        let digest = HEXLOWER.encode(&Sha256::digest(&bytes));
        bytes[at..at + DIGITS].copy_from_slice(digest.as_bytes());
    }
    let _ = twofold::vault::read_entries(&bytes, "fuzz");
});
