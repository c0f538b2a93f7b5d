//! Google Authenticator's export links: any text gives a part of an export or an error, and a part goes through
//! the collector that gathers an export's codes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twofold::migration::{BatchCollector, decode};

fuzz_target!(|text: &str| {
    if let Ok(part) = decode(text) {
        let mut collector = BatchCollector::new();
        if collector.add(part).is_ok_and(|progress| progress.is_complete()) {
            let _ = collector.finish();
        }
    }
});
