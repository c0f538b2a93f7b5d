//! Quick image filters for live frames and their previews: each a few milliseconds at 1280×720 or less, where the general-purpose filters of
//! the `image` and `imageproc` crates take several times that. The decoder's other operations use those crates.

use image::GrayImage;

/// `img` scaled up by `f` (more than 1) with bilinear interpolation, and the factor back to its coordinates: a few
/// milliseconds for a camera frame, where the `image` crate's filters take a hundred.
pub(super) fn enlarge(img: &GrayImage, f: f32) -> (GrayImage, f32) {
    let (w, h) = img.dimensions();
    (bilinear(img, ((w as f32) * f).round() as u32, ((h as f32) * f).round() as u32), 1.0 / f)
}

/// `img` resized to `nw` × `nh` with bilinear interpolation in fixed point, pixel centres aligned. Fine for
/// enlarging, and for shrinking by less than half (more would skip pixels: [`halve`] first).
pub(super) fn bilinear(img: &GrayImage, nw: u32, nh: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 || nw == 0 || nh == 0 {
        return GrayImage::new(nw, nh);
    }
    let src = img.as_raw();
    let stride = w as usize;
    // Source position of each output column and row, in 1/256 pixel.
    let position = |i: u32, from: u32, to: u32| -> (usize, u32) {
        let at = (((i as f32 + 0.5) * from as f32 / to as f32 - 0.5).max(0.0) * 256.0) as u32;
        let whole = (at >> 8).min(from - 1);
        (whole as usize, if whole + 1 < from { at & 255 } else { 0 })
    };
    let columns: Vec<(usize, u32)> = (0..nw).map(|x| position(x, w, nw)).collect();
    let mut out = Vec::with_capacity(nw as usize * nh as usize);
    for y in 0..nh {
        let (row, fy) = position(y, h, nh);
        let next = if row + 1 < h as usize { row + 1 } else { row };
        let (top, bottom) = (&src[row * stride..(row + 1) * stride], &src[next * stride..(next + 1) * stride]);
        for &(x, fx) in &columns {
            let x1 = if x + 1 < stride { x + 1 } else { x };
            let upper = u32::from(top[x]) * (256 - fx) + u32::from(top[x1]) * fx;
            let lower = u32::from(bottom[x]) * (256 - fx) + u32::from(bottom[x1]) * fx;
            out.push(((upper * (256 - fy) + lower * fy + (1 << 15)) >> 16) as u8);
        }
    }
    GrayImage::from_raw(nw, nh, out).unwrap_or_else(|| GrayImage::new(nw, nh))
}

/// `img` at half its width and height (rounded down), each pixel the rounded mean of a 2×2 square: a tenth of a
/// millisecond for a camera frame.
pub(super) fn halve(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() as usize / 2, img.height() as usize / 2);
    let stride = img.width() as usize;
    let src = img.as_raw();
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (top, bottom) = (&src[2 * y * stride..][..2 * w], &src[(2 * y + 1) * stride..][..2 * w]);
        out.extend(
            top.chunks_exact(2)
                .zip(bottom.chunks_exact(2))
                .map(|(t, b)| ((u16::from(t[0]) + u16::from(t[1]) + u16::from(b[0]) + u16::from(b[1]) + 2) / 4) as u8),
        );
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_else(|| GrayImage::new(w as u32, h as u32))
}

/// The mean of the (2 × `radius` + 1)² square around each pixel, the edges repeated outwards: two passes of running
/// sums.
pub(super) fn box_blur(img: &GrayImage, radius: u32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 || radius == 0 {
        return img.clone();
    }
    let r = radius as usize;
    let span = 2 * r as u32 + 1;
    let clamp = |i: isize, len: usize| i.clamp(0, len as isize - 1) as usize;
    // Rows: each output is the sum of 2r + 1 neighbours, kept as a sum (not yet divided), over a copy of the row
    // with its end pixels repeated r times on each side.
    let mut rows = vec![0u16; w * h];
    let mut padded = vec![0u8; w + 2 * r];
    for (src, dst) in img.as_raw().chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        padded[..r].fill(src[0]);
        padded[r..r + w].copy_from_slice(src);
        padded[r + w..].fill(src[w - 1]);
        let mut sum: u32 = padded[..2 * r + 1].iter().map(|&p| u32::from(p)).sum();
        dst[0] = sum as u16;
        for (x, out) in dst.iter_mut().enumerate().skip(1) {
            sum = sum + u32::from(padded[x + 2 * r]) - u32::from(padded[x - 1]);
            *out = sum as u16;
        }
    }
    // Columns, all of a row at once.
    let mut sums: Vec<u32> = vec![0; w];
    for i in -(r as isize)..=r as isize {
        let row = &rows[clamp(i, h) * w..][..w];
        sums.iter_mut().zip(row).for_each(|(s, v)| *s += u32::from(*v));
    }
    let area = span * span;
    // The rounded mean of every possible sum, looked up instead of divided for each pixel.
    let means: Vec<u8> = (0..=255 * area).map(|s| ((s + area / 2) / area) as u8).collect();
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        out.extend(sums.iter().map(|&s| means[s as usize]));
        let (add, sub) = (clamp(y as isize + r as isize + 1, h), clamp(y as isize - r as isize, h));
        let (add, sub) = (&rows[add * w..][..w], &rows[sub * w..][..w]);
        for ((s, a), d) in sums.iter_mut().zip(add).zip(sub) {
            *s = *s + u32::from(*a) - u32::from(*d);
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_else(|| img.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn a_box_blur_is_the_rounded_mean_of_each_square_with_the_edges_repeated() {
        let img = GrayImage::from_fn(37, 23, |x, y| Luma([((x * 31 + y * 17) % 256) as u8]));
        let ours = box_blur(&img, 2);
        let at = |x: i64, y: i64| u32::from(img.get_pixel(x.clamp(0, 36) as u32, y.clamp(0, 22) as u32)[0]);
        for (x, y, p) in ours.enumerate_pixels() {
            let (x, y) = (i64::from(x), i64::from(y));
            let sum: u32 =
                (-2..=2).flat_map(|dy| (-2..=2).map(move |dx| (dx, dy))).map(|(dx, dy)| at(x + dx, y + dy)).sum();
            assert_eq!(u32::from(p[0]), (sum + 12) / 25, "at {x},{y}");
        }
    }

    #[test]
    fn halving_averages_each_two_by_two_square_and_drops_an_odd_edge() {
        let img = GrayImage::from_raw(5, 3, vec![0, 10, 20, 30, 99, 2, 12, 22, 32, 99, 7, 7, 7, 7, 7]).unwrap();
        let half = halve(&img);
        assert_eq!(half.dimensions(), (2, 1));
        assert_eq!(half.as_raw(), &vec![6, 26]);
    }

    #[test]
    fn enlarging_keeps_flat_areas_flat_and_maps_back_by_the_inverse_factor() {
        let img = GrayImage::from_pixel(40, 30, Luma([77]));
        let (big, back) = enlarge(&img, 1.5);
        assert_eq!(big.dimensions(), (60, 45));
        assert!(big.pixels().all(|p| p[0] == 77));
        assert!((back - 1.0 / 1.5).abs() < 1e-6);
    }

    #[test]
    fn an_edge_stays_where_it_was_when_enlarged() {
        let img = GrayImage::from_fn(20, 4, |x, _| Luma([if x < 10 { 0 } else { 255 }]));
        let (big, _) = enlarge(&img, 2.0);
        let row: Vec<u8> = (0..40).map(|x| big.get_pixel(x, 1)[0]).collect();
        assert_eq!(row[18], 0);
        assert_eq!(row[21], 255);
    }
}
