//! Every input that crashed a fuzz target, kept in `fuzz/regressions/<target>/`, run through the same code the
//! target runs: none may panic again. (The fuzz targets themselves need a nightly toolchain; these run everywhere.)
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

use std::path::Path;

use twofold::scan::{Decoder, GrayFrame, load_image_bytes};

/// The inputs kept for `target`, by file name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect();
    inputs.sort();
    inputs
}

/// What `fuzz_targets/qr_picture.rs` does with an input: a picture file when it reads as one, raw grey pixels
/// (the first byte the width) otherwise, then the still decoder.
fn qr_picture(data: &[u8]) {
    let raw = || {
        let (&width, pixels) = data.split_first()?;
        let width = u32::from(width.max(1));
        let height = u32::try_from(pixels.len()).ok()? / width;
        let size = usize::try_from(width * height).ok()?;
        GrayFrame::new(width, height, pixels[..size].to_vec())
    };
    if let Some(frame) = load_image_bytes("fuzz", data).ok().or_else(raw) {
        let _ = Decoder::new().decode(&frame);
    }
}

#[test]
fn pictures_that_crashed_the_decoder_are_read_as_nothing() {
    let inputs = inputs("qr_picture");
    assert!(!inputs.is_empty(), "the kept inputs are there");
    for (name, data) in inputs {
        let outcome = std::panic::catch_unwind(|| qr_picture(&data));
        assert!(outcome.is_ok(), "{name} panics again");
    }
}

#[test]
fn frames_too_small_to_hold_a_code_read_nothing_whatever_their_shape() {
    let mut decoder = Decoder::new();
    for (width, height) in [(137, 0), (0, 137), (1, 1), (20, 300), (300, 20), (5000, 2)] {
        let frame = GrayFrame::new(width, height, vec![128; (width * height) as usize]).unwrap();
        assert!(Decoder::new().decode(&frame).is_none(), "{width}×{height}");
        assert!(decoder.decode_frame(&frame).is_none(), "{width}×{height} live");
    }
}
