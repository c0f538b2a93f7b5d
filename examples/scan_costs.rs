//! Milliseconds each decoding attempt costs on frames with no code, at common camera sizes (one core).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]
use std::time::Instant;
use twofold::scan::{ATTEMPTS, GrayFrame, run_attempt};

fn main() {
    for (w, h) in [(640u32, 480u32), (1280, 720), (1920, 1080)] {
        // A textured scene without a code: smooth gradients and some edges.
        let pixels: Vec<u8> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                ((x / 7 + y / 5) % 97 + (x * y / 300) % 60) as u8
            })
            .collect();
        let frame = GrayFrame::new(w, h, pixels).unwrap();
        println!("{w}x{h}");
        for attempt in ATTEMPTS.iter() {
            let start = Instant::now();
            for _ in 0..3 {
                let _ = run_attempt(attempt, &frame);
            }
            println!(
                "  {:>7.1} ms  {:?} {:?}",
                start.elapsed().as_secs_f64() * 1000.0 / 3.0,
                attempt.ops,
                attempt.engine
            );
        }
    }
}
