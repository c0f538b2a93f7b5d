//! The decoder on the development sets in `../shared`: the real QR photographs of `qr/` and the webcam-like frames
//! of `webcam/`. No panic escapes, and neither the still path nor the live path reads fewer than today
//! (`cargo run --release --example qr_rate -- FOLDER [--live]` prints the full table).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::path::Path;

use twofold::scan::{Decoder, GrayFrame, load_image};

/// Photographs read today by the still path: 212 of 215. A change that reads fewer fails here.
const AT_LEAST: usize = 212;
/// Photographs read today by the live path, each held in view for 6 frames: 200 of 215.
const LIVE_AT_LEAST: usize = 200;
/// Webcam frames read today by the still path: 114 of 120.
const WEBCAM_AT_LEAST: usize = 114;
/// Webcam frames read today by the live path: 114 of 120.
const WEBCAM_LIVE_AT_LEAST: usize = 114;

/// How many pictures of `folder` (each with its `.txt` answer) `read` reads correctly.
fn rate(folder: &Path, count: usize, read: impl Fn(&GrayFrame, &str) -> bool) -> usize {
    let paths = common::photos(folder);
    assert_eq!(paths.len(), count, "{} holds {count} pictures", folder.display());
    paths
        .iter()
        .filter(|path| {
            let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap();
            let frame = load_image(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            read(&frame, &expected)
        })
        .count()
}

fn still_reads(frame: &GrayFrame, expected: &str) -> bool {
    Decoder::new().decode(frame).is_some_and(|d| *d.text == expected)
}

#[test]
fn real_photographs_decode_at_the_established_rate_without_panicking() {
    let Some(shared) = common::shared_dir() else { return };
    let correct = rate(&shared.join("qr"), 215, still_reads);
    eprintln!("read {correct} of 215 photographs");
    assert!(correct >= AT_LEAST, "read {correct} of 215, fewer than {AT_LEAST}");
}

#[test]
fn the_live_path_reads_real_photographs_held_in_view_at_the_established_rate() {
    let Some(shared) = common::shared_dir() else { return };
    let correct = rate(&shared.join("qr"), 215, common::live_reads);
    eprintln!("the live path read {correct} of 215 photographs");
    assert!(correct >= LIVE_AT_LEAST, "read {correct} of 215, fewer than {LIVE_AT_LEAST}");
}

#[test]
fn webcam_frames_decode_at_the_established_rate_on_both_paths() {
    let Some(shared) = common::shared_dir() else { return };
    let folder = shared.join("webcam");
    let still = rate(&folder, 120, still_reads);
    let live = rate(&folder, 120, common::live_reads);
    eprintln!("webcam frames read: {still} of 120 as still images, {live} of 120 live");
    assert!(still >= WEBCAM_AT_LEAST, "the still path read {still} of 120, fewer than {WEBCAM_AT_LEAST}");
    assert!(live >= WEBCAM_LIVE_AT_LEAST, "the live path read {live} of 120, fewer than {WEBCAM_LIVE_AT_LEAST}");
}
