//! What one live camera frame costs the decoder ([`Decoder::decode_frame`]): zxing-cpp's reader plus one second
//! opinion in turn, at 640×480, 1280×720 and 1920×1080, with no code in view, with a code in view, and with a small,
//! soft code that the first reader misses (so every frame also gets a second opinion, the costlier ones included).
//! One thread.
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

/// The scene with a code half as tall as the frame.
fn with_code(w: u32, h: u32) -> GrayImage {
    with_code_sized(w, h, h / 2, 0.0)
}

/// The scene with a code `side` pixels wide, the whole frame blurred with `blur` (a sigma; 0 for none).
fn with_code_sized(w: u32, h: u32, side: u32, blur: f32) -> GrayImage {
    let text = "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events";
    let code = qrcode::QrCode::new(text.as_bytes()).expect("code");
    let qr = code.render::<Luma<u8>>().min_dimensions(side, side).max_dimensions(side, side).build();
    let mut frame = scene(w, h);
    image::imageops::overlay(&mut frame, &qr, i64::from((w - qr.width()) / 2), i64::from((h - qr.height()) / 2));
    if blur > 0.0 { image::imageops::blur(&frame, blur) } else { frame }
}

/// The largest, least blurred code that the first reader misses and a second opinion reads within six frames.
fn soft_code(w: u32, h: u32) -> Option<GrayImage> {
    let sizes = [4, 5, 6, 8, 10, 12].map(|parts| h / parts);
    let blurs = [1.0, 1.4, 1.8, 2.2, 2.6, 3.0, 3.4];
    sizes.into_iter().flat_map(|side| blurs.map(|blur| (side, blur))).find_map(|(side, blur)| {
        let image = with_code_sized(w, h, side, blur);
        let frame = GrayFrame::new(w, h, image.as_raw().clone())?;
        let mut decoder = Decoder::new();
        let first_misses = decoder.decode_frame(&frame).is_none();
        (first_misses && (0..6).any(|_| decoder.decode_frame(&frame).is_some())).then_some(image)
    })
}

fn frame_costs(c: &mut Criterion) {
    let mut group = c.benchmark_group("live frame");
    for (w, h) in [(640, 480), (1280, 720), (1920, 1080)] {
        let mut cases = vec![("no code", scene(w, h)), ("code in view", with_code(w, h))];
        match soft_code(w, h) {
            Some(soft) => cases.push(("soft small code", soft)),
            // At 1920×1080 the first reader reads every such code that anything reads.
            None => println!("{w}x{h}: no soft code that only a second opinion reads"),
        }
        for (label, image) in cases {
            let frame = GrayFrame::new(w, h, image.into_raw()).expect("frame");
            let mut decoder = Decoder::new();
            if label == "code in view" {
                assert!(decoder.decode_frame(&frame).is_some(), "the code in view is read at once");
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
