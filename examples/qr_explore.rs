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
fn rx(img: &GrayImage, global: bool, pure: bool) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| {
        let (w, h) = img.dimensions();
        let src = Luma8LuminanceSource::new(img.as_raw().clone(), w, h).ok()?;
        let hints = DecodeHints { TryHarder: Some(true), PureBarcode: Some(pure), ..DecodeHints::default() };
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
fn border(img: &GrayImage, b: u32) -> GrayImage {
    let mut c = GrayImage::from_pixel(img.width() + 2 * b, img.height() + 2 * b, Luma([255]));
    image::imageops::overlay(&mut c, img, b as i64, b as i64);
    c
}
fn stretch(img: &GrayImage) -> GrayImage {
    let mut v: Vec<u8> = img.as_raw().clone();
    v.sort_unstable();
    let lo = v[v.len() / 50] as f32;
    let hi = v[v.len() * 49 / 50] as f32;
    let mut o = img.clone();
    for p in o.pixels_mut() {
        p[0] = (((p[0] as f32 - lo) / (hi - lo).max(1.0)) * 255.0).clamp(0.0, 255.0) as u8;
    }
    o
}
fn main() {
    for path in std::env::args().skip(1) {
        let expected = std::fs::read_to_string(std::path::Path::new(&path).with_extension("txt")).unwrap_or_default();
        let g = image::open(&path).unwrap().to_luma8();
        let (w, h) = g.dimensions();
        let mut variants: Vec<(String, GrayImage)> =
            vec![("orig".into(), g.clone()), ("border".into(), border(&g, w / 8 + 4))];
        for f in [2u32, 3, 4] {
            variants.push((format!("up{f}near"), image::imageops::resize(&g, w * f, h * f, FilterType::Nearest)));
            variants.push((format!("up{f}cub"), image::imageops::resize(&g, w * f, h * f, FilterType::CatmullRom)));
        }
        variants.push(("stretch".into(), stretch(&g)));
        for f in [4u32, 8] {
            let up = image::imageops::resize(&g, w * f, h * f, FilterType::Nearest);
            variants.push((format!("up{f}border"), border(&up, 4 * f)));
            let mut flipped = up.clone();
            image::imageops::flip_horizontal_in_place(&mut flipped);
            variants.push((format!("up{f}mirror"), border(&flipped, 4 * f)));
        }
        variants.push(("sharpen".into(), image::imageops::unsharpen(&g, 2.0, 10)));
        for r in [4u32, 8, 16, 32] {
            variants.push((format!("thr{r}"), imageproc::contrast::adaptive_threshold(&g, r)));
        }
        variants.push(("otsu".into(), {
            let t = imageproc::contrast::otsu_level(&g);
            imageproc::contrast::threshold(&g, t, imageproc::contrast::ThresholdType::Binary)
        }));
        variants.push(("median1".into(), imageproc::filter::median_filter(&g, 1, 1)));
        variants.push(("blur1".into(), image::imageops::blur(&g, 1.0)));
        variants.push(("blur2.5".into(), image::imageops::blur(&g, 2.5)));
        variants.push((
            "up2blur".into(),
            image::imageops::blur(&image::imageops::resize(&g, w * 2, h * 2, FilterType::Triangle), 2.0),
        ));
        let mut wins = vec![];
        for (name, v) in &variants {
            if rqrr(v).as_deref() == Some(&expected) {
                wins.push(format!("rqrr/{name}"));
            }
            if rx(v, false, false).as_deref() == Some(&expected) {
                wins.push(format!("hyb/{name}"));
            }
            if rx(v, true, false).as_deref() == Some(&expected) {
                wins.push(format!("glob/{name}"));
            }
            if rx(v, false, true).as_deref() == Some(&expected) {
                wins.push(format!("pure/{name}"));
            }
        }
        println!("{path}: {}", wins.join(" "));
    }
}
