//! Decode rate on a folder of QR photographs: each `NAME.png|jpg|webp|gif|bmp` beside `NAME.txt` holding the exact
//! text. Prints correct/total per folder and overall, and the median milliseconds per image.
//!
//! Run: `cargo run --release --example qr_rate -- ../shared/qr` (add `--by-step` to see what each decoding step
//! reads on its own, and `--failures` to list the images not read). With `--live`, each picture is the camera's
//! frame held in view for 6 frames: the live path (`Decoder::decode_frame`, rqrr and its rotating second opinion)
//! reads it if any of the 6 reads it, and the time is per frame.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use twofold::scan::{ATTEMPTS, Decoder, GrayFrame, run_attempt};

// The same listing the tests use.
#[path = "../tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

/// How many frames a code held in view gets on the live path.
const LIVE_FRAMES: usize = 6;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let by_step = args.iter().any(|a| a == "--by-step");
    let list_failures = args.iter().any(|a| a == "--failures");
    let live = args.iter().any(|a| a == "--live");
    let root = PathBuf::from(args.iter().find(|a| !a.starts_with("--")).map_or("../shared/qr", String::as_str));
    let paths = common::photos(&root);
    if paths.is_empty() {
        eprintln!("No images with .txt answers under {}.", root.display());
        std::process::exit(2);
    }

    let decoder = Decoder::new();
    let mut folders: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut millis = Vec::new();
    let mut step_hits = vec![0usize; ATTEMPTS.len()];
    let mut failures = Vec::new();
    for path in &paths {
        let expected = std::fs::read_to_string(path.with_extension("txt")).unwrap_or_default();
        let folder =
            path.parent().and_then(|p| p.file_name()).map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let frame = match image::open(path) {
            Ok(img) => GrayFrame::from_image(&img),
            Err(e) => {
                eprintln!("{}: cannot read image: {e}", path.display());
                folders.entry(folder).or_default().1 += 1;
                continue;
            }
        };
        let ok = if live {
            // A new stream: the second opinions start their rotation from the first.
            let mut stream = Decoder::new();
            let mut read = false;
            for _ in 0..LIVE_FRAMES {
                let start = Instant::now();
                let found = stream.decode_frame(&frame);
                millis.push(start.elapsed().as_secs_f64() * 1000.0);
                read |= found.as_ref().is_some_and(|d| *d.text == expected);
            }
            read
        } else {
            let start = Instant::now();
            let found = decoder.decode(&frame);
            millis.push(start.elapsed().as_secs_f64() * 1000.0);
            found.as_ref().is_some_and(|d| *d.text == expected)
        };
        let entry = folders.entry(folder).or_default();
        entry.1 += 1;
        if ok {
            entry.0 += 1;
        } else {
            failures.push(path.clone());
        }
        if by_step {
            for (i, attempt) in ATTEMPTS.iter().enumerate() {
                if run_attempt(attempt, &frame).is_some_and(|d| *d.text == expected) {
                    step_hits[i] += 1;
                }
            }
        }
    }

    println!("{:<18} {:>8}", "folder", "correct");
    let (mut correct, mut total) = (0, 0);
    for (folder, (c, t)) in &folders {
        println!("{folder:<18} {c:>4}/{t:<4}");
        correct += c;
        total += t;
    }
    millis.sort_by(f64::total_cmp);
    let median = millis.get(millis.len() / 2).copied().unwrap_or(0.0);
    println!("{:<18} {correct:>4}/{total:<4}", "overall");
    let per = if live { "frame (live path)" } else { "image" };
    println!("median {median:.1} ms per {per}, slowest {:.1} ms", millis.last().copied().unwrap_or(0.0));
    if by_step {
        println!("\nread by each step on its own:");
        for (attempt, hits) in ATTEMPTS.iter().zip(step_hits) {
            println!("  {:?} {:?}: {hits}", attempt.ops, attempt.engine);
        }
    }
    if list_failures {
        println!("\nnot read:");
        for path in failures {
            println!("  {}", path.display());
        }
    }
}
