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

/// The decoder contains the panics of the libraries it calls (rqrr and rxing assert on some pictures): such a
/// panic reads as nothing found, which is what Twofold promises. libFuzzer's own hook would abort on it all the same,
/// so it is replaced by a quiet one; a panic that does escape the decoder still ends the run as a crash.
fn contain_library_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

fuzz_target!(|data: &[u8]| {
    contain_library_panics();
    if let Some(frame) = load_image_bytes("fuzz", data).ok().or_else(|| raw(data)) {
        let _ = Decoder::new().decode(&frame);
    }
});
