//! The decoder on the development set of real QR photographs in `../shared/qr`: no panic escapes, and the rate
//! does not fall below what it reaches today (`cargo run --release --example qr_rate` prints the full table).

mod common;

use std::path::{Path, PathBuf};

use twofold::scan::{Decoder, IMAGE_EXTENSIONS, load_image};

/// Images read today: 200 of 215. A change that reads fewer fails here.
const AT_LEAST: usize = 200;

fn photos(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            photos(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            && path.with_extension("txt").exists()
        {
            out.push(path);
        }
    }
}

#[test]
fn real_photographs_decode_at_the_established_rate_without_panicking() {
    let Some(shared) = common::shared_dir() else { return };
    let mut paths = Vec::new();
    photos(&shared.join("qr"), &mut paths);
    assert_eq!(paths.len(), 215, "the development set has 215 photographs");
    let decoder = Decoder::new();
    let mut correct = 0;
    for path in &paths {
        let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap();
        let frame = load_image(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if decoder.decode(&frame).is_some_and(|d| d.text == expected) {
            correct += 1;
        }
    }
    eprintln!("read {correct} of {} photographs", paths.len());
    assert!(correct >= AT_LEAST, "read {correct} of {}, fewer than {AT_LEAST}", paths.len());
}
