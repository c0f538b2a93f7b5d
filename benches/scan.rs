//! What one live camera frame costs the decoder ([`Decoder::decode_frame`]): rqrr plus one cheap second opinion,
//! at 640×480, 1280×720 and 1920×1080, with no code in view and with a code in view. One thread.
//!
//! Run: `cargo bench --bench scan`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use image::{GrayImage, Luma};
use twofold::scan::{Decoder, GrayFrame};

/// A desk-like scene: gradients, edges and texture, but no code.
fn scene(w: u32, h: u32) -> GrayImage {
    GrayImage::from_fn(w, h, |x, y| Luma([((x / 7 + y / 5) % 97 + (x * y / 300) % 60 + 40) as u8]))
}

fn with_code(w: u32, h: u32) -> GrayImage {
    let text = "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events";
    let code = qrcode::QrCode::new(text.as_bytes()).expect("code");
    let side = h / 2;
    let qr = code.render::<Luma<u8>>().min_dimensions(side, side).max_dimensions(side, side).build();
    let mut frame = scene(w, h);
    image::imageops::overlay(&mut frame, &qr, i64::from((w - qr.width()) / 2), i64::from((h - qr.height()) / 2));
    frame
}

fn frame_costs(c: &mut Criterion) {
    let mut group = c.benchmark_group("live frame");
    for (w, h) in [(640, 480), (1280, 720), (1920, 1080)] {
        for (label, image) in [("no code", scene(w, h)), ("code in view", with_code(w, h))] {
            let frame = GrayFrame::new(w, h, image.into_raw()).expect("frame");
            let mut decoder = Decoder::new();
            if label == "code in view" {
                assert!(decoder.decode_frame(&frame).is_some(), "the code in view is read");
            }
            group.bench_with_input(BenchmarkId::new(label, format!("{w}x{h}")), &frame, |b, frame| {
                b.iter(|| decoder.decode_frame(frame))
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = frame_costs
}
criterion_main!(benches);
