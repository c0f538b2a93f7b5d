use image::{GrayImage, Luma, imageops::FilterType};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::qrcode::QRCodeReader;
use rxing::{BinaryBitmap, DecodeHints, Luma8LuminanceSource, Reader};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn rqrr(img: &GrayImage) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| {
        let (w, h) = img.dimensions();
        let mut p = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32)[0]
        });
        p.detect_grids().into_iter().find_map(|g| g.decode().ok().map(|(_, t)| t))
    }))
    .ok()
    .flatten()
}
fn rx(img: &GrayImage, global: bool) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| {
        let (w, h) = img.dimensions();
        let src = Luma8LuminanceSource::new(img.as_raw().clone(), w, h).ok()?;
        let hints = DecodeHints { TryHarder: Some(true), ..DecodeHints::default() };
        let r = if global {
            QRCodeReader::new().decode_with_hints(&mut BinaryBitmap::new(GlobalHistogramBinarizer::new(src)), &hints)
        } else {
            QRCodeReader::new().decode_with_hints(&mut BinaryBitmap::new(HybridBinarizer::new(src)), &hints)
        };
        r.ok().map(|r| r.getText().to_owned())
    }))
    .ok()
    .flatten()
}
fn rot(g: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = g.dimensions();
    let side = (w.max(h) as f32 * 1.5) as u32;
    let mut c = GrayImage::from_pixel(side, side, Luma([g.get_pixel(0, 0)[0]]));
    image::imageops::overlay(&mut c, g, ((side - w) / 2) as i64, ((side - h) / 2) as i64);
    imageproc::geometric_transformations::rotate_about_center(
        &c,
        deg.to_radians(),
        imageproc::geometric_transformations::Interpolation::Bilinear,
        Luma([g.get_pixel(0, 0)[0]]),
    )
}
fn main() {
    for path in std::env::args().skip(1) {
        let expected = std::fs::read_to_string(std::path::Path::new(&path).with_extension("txt")).unwrap_or_default();
        let g = image::open(&path).unwrap().to_luma8();
        let mut wins = vec![];
        for scale in [1.0f32, 1.5, 2.0, 3.0] {
            let (w, h) = g.dimensions();
            let s = image::imageops::resize(
                &g,
                (w as f32 * scale) as u32,
                (h as f32 * scale) as u32,
                FilterType::CatmullRom,
            );
            for pre in ["none", "thr", "blur", "sharp"] {
                let p = match pre {
                    "none" => s.clone(),
                    "thr" => imageproc::contrast::adaptive_threshold(&s, (s.width() / 16).max(4)),
                    "blur" => image::imageops::blur(&s, 1.0 * scale),
                    _ => image::imageops::unsharpen(&s, 2.0, 10),
                };
                for deg in (0..90).step_by(10) {
                    let r = if deg == 0 { p.clone() } else { rot(&p, deg as f32) };
                    if rqrr(&r).as_deref() == Some(&expected) {
                        wins.push(format!("rqrr/{scale}/{pre}/{deg}"));
                    }
                    if rx(&r, false).as_deref() == Some(&expected) {
                        wins.push(format!("hyb/{scale}/{pre}/{deg}"));
                    }
                    if rx(&r, true).as_deref() == Some(&expected) {
                        wins.push(format!("glob/{scale}/{pre}/{deg}"));
                    }
                }
            }
        }
        println!("{path}: {} wins: {}", wins.len(), wins.join(" "));
    }
}
