//! Every importer: any file gives accounts or an error. Without a password, so that every parser is reached
//! quickly; `import_encrypted` covers the decryption.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = twofold::import::identify(bytes);
    let _ = twofold::import::read(bytes, None);
});
