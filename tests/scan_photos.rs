//! The decoder on the development set of real QR photographs in `../shared/qr`: no panic escapes, and the rate
//! does not fall below what it reaches today (`cargo run --release --example qr_rate` prints the full table).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use twofold::scan::{Decoder, load_image};

/// Images read today: 209 of 215. A change that reads fewer fails here.
const AT_LEAST: usize = 209;

#[test]
fn real_photographs_decode_at_the_established_rate_without_panicking() {
    let Some(shared) = common::shared_dir() else { return };
    let paths = common::photos(&shared.join("qr"));
    assert_eq!(paths.len(), 215, "the development set has 215 photographs");
    let decoder = Decoder::new();
    let mut correct = 0;
    for path in &paths {
        let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap();
        let frame = load_image(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if decoder.decode(&frame).is_some_and(|d| *d.text == expected) {
            correct += 1;
        }
    }
    eprintln!("read {correct} of {} photographs", paths.len());
    assert!(correct >= AT_LEAST, "read {correct} of {}, fewer than {AT_LEAST}", paths.len());
}
