//! The camera path on the development webcam frames, format by format: each frame is turned into the buffer a
//! webcam sends (YUYV 4:2:2, or MJPEG at quality 80) at 640×480, 1280×720 and 1920×1080, converted as a camera's
//! frames are (`GrayFrame::from_camera`), and given to the live path for 6 frames. Prints, per format and size, the
//! frames read and the median milliseconds per frame for the conversion and for decoding, on one thread.
//!
//! Run: `cargo run --release --example camera_formats -- ../shared/webcam`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

use std::path::PathBuf;
use std::time::Instant;

use twofold::scan::{Decoder, GrayFrame, PixelFormat};

#[path = "../tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

const LIVE_FRAMES: usize = 6;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "../shared/webcam".into()));
    let paths = common::photos(&root);
    if paths.is_empty() {
        eprintln!("No images with .txt answers under {}.", root.display());
        std::process::exit(2);
    }
    let pictures: Vec<(image::RgbImage, String)> = paths
        .iter()
        .map(|p| (image::open(p).unwrap().to_rgb8(), std::fs::read_to_string(p.with_extension("txt")).unwrap()))
        .collect();
    println!("| format | size | read | conversion ms | decoding ms | ms per frame |");
    println!("|---|---|---|---|---|---|");
    for (width, height) in common::CAMERA_SIZES {
        for format in [PixelFormat::Yuyv, PixelFormat::Mjpeg] {
            let (mut read, mut convert, mut decode) = (0, Vec::new(), Vec::new());
            for (rgb, expected) in &pictures {
                let view = common::camera_view(rgb, width, height);
                let buffer = match format {
                    PixelFormat::Mjpeg => common::mjpeg_buffer(&view, 80),
                    _ => common::yuyv_buffer(&view),
                };
                let mut decoder = Decoder::new();
                let mut hit = false;
                for _ in 0..LIVE_FRAMES {
                    let start = Instant::now();
                    let frame = GrayFrame::from_camera(format, width, height, &buffer).expect("a whole frame");
                    convert.push(start.elapsed().as_secs_f64() * 1000.0);
                    let start = Instant::now();
                    hit |= decoder.decode_frame(&frame).is_some_and(|d| *d.text == *expected);
                    decode.push(start.elapsed().as_secs_f64() * 1000.0);
                }
                read += usize::from(hit);
            }
            let (c, d) = (median(convert), median(decode));
            println!("| {format:?} | {width}×{height} | {read}/{} | {c:.1} | {d:.1} | {:.1} |", pictures.len(), c + d);
        }
    }
}
