//! Greyscale frames: what every source produces and the decoder reads.

/// The pixel formats webcams send, as the camera layer names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// Motion JPEG: each frame a JPEG picture.
    Mjpeg,
    /// Packed YUV 4:2:2 (Y0 U Y1 V).
    Yuyv,
    /// Planar Y, then interleaved U and V at quarter size.
    Nv12,
    /// One byte of luma per pixel.
    Gray,
    /// Red, green, blue bytes.
    Rgb,
    /// Blue, green, red bytes.
    Bgr,
}

/// An 8-bit greyscale image, row by row, one byte per pixel.
#[derive(Clone, PartialEq, Eq)]
pub struct GrayFrame {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl std::fmt::Debug for GrayFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GrayFrame({}x{})", self.width, self.height)
    }
}

impl GrayFrame {
    /// Wraps luma bytes; `None` if their count is not `width × height`.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Option<Self> {
        (pixels.len() as u64 == u64::from(width) * u64::from(height)).then_some(GrayFrame { width, height, pixels })
    }

    /// Converts any decoded image (RGB, RGBA, 16-bit…) to luma.
    pub fn from_image(image: &image::DynamicImage) -> Self {
        let luma = image.to_luma8();
        let (width, height) = luma.dimensions();
        GrayFrame { width, height, pixels: luma.into_raw() }
    }

    /// Converts RGBA8 pixels (as the clipboard and screen capture give them) to luma.
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> Option<Self> {
        if rgba.len() as u64 != u64::from(width) * u64::from(height) * 4 {
            return None;
        }
        let pixels = rgba.chunks_exact(4).map(|p| luma(p[0], p[1], p[2])).collect();
        Some(GrayFrame { width, height, pixels })
    }

    /// Takes the Y plane of packed YUYV 4:2:2 (every other byte): no colour conversion at all.
    pub fn from_yuyv(width: u32, height: u32, yuyv: &[u8]) -> Option<Self> {
        if yuyv.len() as u64 != u64::from(width) * u64::from(height) * 2 {
            return None;
        }
        Some(GrayFrame { width, height, pixels: yuyv.iter().step_by(2).copied().collect() })
    }

    /// Takes the Y plane of NV12 (its first `width × height` bytes).
    pub fn from_nv12(width: u32, height: u32, nv12: &[u8]) -> Option<Self> {
        let luma_len = usize::try_from(u64::from(width) * u64::from(height)).ok()?;
        (nv12.len() >= luma_len).then(|| GrayFrame { width, height, pixels: nv12[..luma_len].to_vec() })
    }

    /// Decodes only the luma of a JPEG picture (a webcam's MJPEG frame), which skips the colour conversion: about
    /// half the time of a full decode. `None` if the bytes are not a whole JPEG picture of `width × height`.
    pub fn from_mjpeg(width: u32, height: u32, jpeg: &[u8]) -> Option<Self> {
        let options = zune_core::options::DecoderOptions::default()
            .jpeg_set_out_colorspace(zune_core::colorspace::ColorSpace::Luma)
            .set_max_width(width as usize)
            .set_max_height(height as usize);
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(zune_core::bytestream::ZCursor::new(jpeg), options);
        decoder.decode_headers().ok()?;
        if decoder.dimensions()? != (width as usize, height as usize) {
            return None;
        }
        let pixels = decoder.decode().ok()?;
        GrayFrame::new(width, height, pixels)
    }

    /// A camera's frame in grey, as the camera sends it; `None` when the bytes do not hold a whole picture of that
    /// format and size (webcams send cut-off frames now and then).
    pub fn from_camera(format: PixelFormat, width: u32, height: u32, bytes: &[u8]) -> Option<Self> {
        let three = |order: [usize; 3]| -> Option<Self> {
            if bytes.len() as u64 != u64::from(width) * u64::from(height) * 3 {
                return None;
            }
            let pixels = bytes.chunks_exact(3).map(|p| luma(p[order[0]], p[order[1]], p[order[2]])).collect();
            Some(GrayFrame { width, height, pixels })
        };
        match format {
            PixelFormat::Mjpeg => GrayFrame::from_mjpeg(width, height, bytes),
            PixelFormat::Yuyv => GrayFrame::from_yuyv(width, height, bytes),
            PixelFormat::Nv12 => GrayFrame::from_nv12(width, height, bytes),
            PixelFormat::Gray => GrayFrame::new(width, height, bytes.to_vec()),
            PixelFormat::Rgb => three([0, 1, 2]),
            PixelFormat::Bgr => three([2, 1, 0]),
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The luma bytes, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// As an `image` buffer, for filters.
    pub(crate) fn to_image(&self) -> image::GrayImage {
        image::GrayImage::from_raw(self.width, self.height, self.pixels.clone())
            .unwrap_or_else(|| image::GrayImage::new(self.width, self.height))
    }
}

/// ITU-R BT.601 luma from 8-bit RGB, in integers.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114 + 500) / 1000) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_y_plane_is_taken_straight_from_yuyv_and_nv12() {
        let yuyv = [10, 128, 20, 128, 30, 128, 40, 128];
        assert_eq!(GrayFrame::from_yuyv(2, 2, &yuyv).unwrap().pixels(), &[10, 20, 30, 40]);
        let nv12 = [1, 2, 3, 4, 99, 99];
        assert_eq!(GrayFrame::from_nv12(2, 2, &nv12).unwrap().pixels(), &[1, 2, 3, 4]);
        assert!(GrayFrame::from_yuyv(2, 2, &yuyv[..6]).is_none());
    }

    #[test]
    fn an_mjpeg_frame_decodes_to_its_luma_and_a_cut_off_or_wrongly_sized_one_does_not() {
        let rgb =
            image::RgbImage::from_fn(
                64,
                48,
                |x, _| if x < 32 { image::Rgb([0, 0, 0]) } else { image::Rgb([255, 255, 255]) },
            );
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&rgb).unwrap();
        let frame = GrayFrame::from_camera(PixelFormat::Mjpeg, 64, 48, &jpeg).unwrap();
        assert!(frame.pixels()[5] < 20 && frame.pixels()[60] > 235);
        assert!(GrayFrame::from_camera(PixelFormat::Mjpeg, 64, 48, &jpeg[..jpeg.len() / 3]).is_none());
        assert!(GrayFrame::from_camera(PixelFormat::Mjpeg, 32, 48, &jpeg).is_none());
        assert!(GrayFrame::from_camera(PixelFormat::Mjpeg, 64, 48, &[]).is_none());
    }

    #[test]
    fn rgb_and_bgr_give_the_same_grey_for_the_same_colour() {
        let rgb = GrayFrame::from_camera(PixelFormat::Rgb, 1, 1, &[200, 100, 10]).unwrap();
        let bgr = GrayFrame::from_camera(PixelFormat::Bgr, 1, 1, &[10, 100, 200]).unwrap();
        assert_eq!(rgb.pixels(), bgr.pixels());
        assert!(GrayFrame::from_camera(PixelFormat::Rgb, 2, 1, &[1, 2, 3]).is_none());
    }

    #[test]
    fn rgba_white_and_black_become_255_and_0() {
        let frame = GrayFrame::from_rgba(2, 1, &[255, 255, 255, 255, 0, 0, 0, 255]).unwrap();
        assert_eq!(frame.pixels(), &[255, 0]);
    }
}
