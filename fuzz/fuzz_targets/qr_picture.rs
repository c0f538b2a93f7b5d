//! The QR decoder on random pictures: an input that reads as a picture file (PNG, JPEG, …) is decoded as one;
//! any other input is raw grey pixels, whose width is the first byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twofold::scan::{Decoder, GrayFrame, load_image_bytes};

fn raw(data: &[u8]) -> Option<GrayFrame> {
    let (&width, pixels) = data.split_first()?;
    let width = u32::from(width.max(1));
    let height = u32::try_from(pixels.len()).ok()? / width;
    let size = usize::try_from(width * height).ok()?;
    GrayFrame::new(width, height, pixels[..size].to_vec())
}

fuzz_target!(|data: &[u8]| {
    if let Some(frame) = load_image_bytes("fuzz", data).ok().or_else(|| raw(data)) {
        let _ = Decoder::new().decode(&frame);
    }
});
