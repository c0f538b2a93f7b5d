//! Greyscale frames: what every source produces and the decoder reads.

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
    fn rgba_white_and_black_become_255_and_0() {
        let frame = GrayFrame::from_rgba(2, 1, &[255, 255, 255, 255, 0, 0, 0, 255]).unwrap();
        assert_eq!(frame.pixels(), &[255, 0]);
    }
}
