//! Finding and reading QR codes in greyscale frames.
//!
//! Three readers, each with its panics contained (`catch_unwind`: rqrr panics on some real photographs, an
//! assertion in its geometry code):
//! - rxing's port of zxing-cpp's QR reader, the first choice: on webcam-like frames it alone reads about 70 % at
//!   3 ms for 1280×720, where rqrr reads about 35 % at 15 ms;
//! - rqrr, and rxing's older port of ZXing's Java reader, which each read real photographs the first one misses;
//! - the bent-grid reader of `warp.rs`, for codes on fabric or curled paper that no single perspective fits.
//!
//! A decoding *attempt* is a chain of image operations followed by one reader. [`ATTEMPTS`] lists them
//! cheapest and most fruitful first: the frame as it is, with the global-histogram binariser (low contrast),
//! inverted (light modules on dark), sharpened and smoothed (soft focus; moiré and sensor noise), enlarged (small or
//! distant codes), with adaptive thresholds (shadows, uneven light), turned by 45°, and a few combinations that each
//! recovered real photographs in the development set. The bent-grid reader comes last. The first text that decodes
//! wins.
//!
//! A still image gets every attempt at once ([`Decoder::decode`]). A live stream gets the first reader on every
//! frame and one of the [`LIVE_EXTRAS`] per frame in turn ([`Decoder::decode_frame`]), so each frame stays within
//! budget while the camera's next frames bring new chances (a steadier hand, better focus) anyway. A frame too flat
//! to hold a code is rejected before any reader, and the costlier second opinions are kept for frames that show a
//! finder-like pattern.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::imageops::FilterType;
use image::{GrayImage, Luma};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::qrcode::cpp_port::detector::FindFinderPatterns;
use rxing::{BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8LuminanceSource, Reader};
use zeroize::Zeroizing;

use super::detection::{Detection, Point, around};
use super::filters;
use super::frame::GrayFrame;

/// The decoder at the end of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// rqrr.
    Rqrr,
    /// rxing with its hybrid (local block) binariser.
    RxingHybrid,
    /// rxing with its global histogram binariser.
    RxingGlobal,
    /// rxing assuming the image is nothing but the code (clean renders and tight crops).
    RxingPure,
    /// rxing's port of zxing-cpp's QR reader, with the hybrid binariser.
    Cpp,
    /// rxing's port of zxing-cpp's QR reader, with the global histogram binariser.
    CppGlobal,
    /// rxing's finder patterns, a grid bent to fit the modules, and rqrr's error correction (codes on fabric).
    Warped,
}

/// An image operation before decoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Scale by a factor with Catmull-Rom interpolation; skipped when the result would exceed 2,400 px.
    Scale(f32),
    /// Scale up by a factor with bilinear interpolation (quick); skipped when the result would exceed 2,400 px.
    Enlarge(f32),
    /// Scale down so the longest side is at most this many pixels; skipped for smaller frames.
    ShrinkTo(u32),
    /// Adaptive threshold with a block radius of the shorter side divided by this (at least 4 px).
    Threshold(u32),
    /// Otsu's global threshold.
    Otsu,
    /// Unsharp mask.
    Sharpen,
    /// Gaussian blur with this sigma.
    Blur(f32),
    /// Mean of the square of this radius around each pixel (a quick blur).
    BoxBlur(u32),
    /// Unsharp mask against a box blur of this radius (a quick sharpen).
    BoxSharpen(u32),
    /// Light for dark.
    Invert,
    /// Turn by this many degrees on a canvas large enough to hold the whole frame.
    Rotate(f32),
}

/// A chain of operations and a decoder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// What is done to the frame first, in order.
    pub ops: &'static [Op],
    /// What reads the result.
    pub engine: Engine,
}

const fn attempt(ops: &'static [Op], engine: Engine) -> Attempt {
    Attempt { ops, engine }
}

/// Every attempt, in the order a still image gets them.
pub const ATTEMPTS: [Attempt; 27] = [
    attempt(&[], Engine::Cpp),
    attempt(&[], Engine::CppGlobal),
    attempt(&[Op::Invert], Engine::Cpp),
    attempt(&[], Engine::Rqrr),
    attempt(&[], Engine::RxingHybrid),
    attempt(&[Op::BoxSharpen(2)], Engine::Cpp),
    attempt(&[Op::BoxBlur(1)], Engine::Cpp),
    attempt(&[Op::BoxSharpen(2)], Engine::CppGlobal),
    attempt(&[Op::Otsu], Engine::Cpp),
    attempt(&[Op::Enlarge(1.5)], Engine::Cpp),
    attempt(&[Op::Enlarge(1.8)], Engine::Cpp),
    attempt(&[Op::Enlarge(1.5), Op::BoxSharpen(2)], Engine::Cpp),
    attempt(&[Op::Enlarge(1.8), Op::BoxSharpen(2)], Engine::Cpp),
    attempt(&[Op::Scale(2.0)], Engine::Cpp),
    attempt(&[Op::Threshold(60)], Engine::Cpp),
    attempt(&[], Engine::RxingPure),
    attempt(&[Op::Blur(1.0)], Engine::CppGlobal),
    attempt(&[Op::Threshold(16)], Engine::Rqrr),
    attempt(&[Op::Threshold(60)], Engine::Rqrr),
    attempt(&[Op::Sharpen], Engine::Rqrr),
    attempt(&[Op::Scale(2.0)], Engine::Rqrr),
    attempt(&[Op::Rotate(45.0)], Engine::Rqrr),
    attempt(&[Op::Rotate(45.0)], Engine::Cpp),
    attempt(&[Op::Scale(1.5), Op::Blur(1.5)], Engine::Rqrr),
    attempt(&[Op::Scale(2.0), Op::Sharpen, Op::Rotate(10.0)], Engine::RxingGlobal),
    attempt(&[Op::Scale(2.0), Op::Sharpen, Op::Rotate(40.0)], Engine::Rqrr),
    attempt(&[], Engine::Warped),
];

/// On a live frame that zxing-cpp's reader does not read as it is (the first attempt, about 3 ms at 1280×720), one
/// of these second opinions, in turn: the global binariser (low contrast) and inversion (light modules on dark: an
/// app in dark mode), which are quick enough to share a frame; sharpening (soft focus); smoothing (moiré, noise); and
/// enlarging, alone or with sharpening (a code far away). The enlarging ones cost 15 to 30 ms, so they are given
/// only to a frame in which something like a finder pattern was seen; a frame without one gets the next quick
/// opinion instead.
pub const LIVE_EXTRAS: [LiveExtra; 6] = [
    LiveExtra { attempts: &[attempt(&[], Engine::CppGlobal), attempt(&[Op::Invert], Engine::Cpp)], costly: false },
    LiveExtra { attempts: &[attempt(&[Op::BoxSharpen(2)], Engine::CppGlobal)], costly: false },
    LiveExtra { attempts: &[attempt(&[Op::Enlarge(1.8)], Engine::Cpp)], costly: true },
    LiveExtra { attempts: &[attempt(&[Op::BoxBlur(1)], Engine::Cpp)], costly: false },
    LiveExtra { attempts: &[attempt(&[Op::Enlarge(1.5), Op::BoxSharpen(2)], Engine::Cpp)], costly: true },
    LiveExtra { attempts: &[attempt(&[Op::Enlarge(1.8), Op::BoxSharpen(2)], Engine::Cpp)], costly: true },
];

/// A second opinion on live frames: one or two attempts, the second only when the first reads nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveExtra {
    /// What it does.
    pub attempts: &'static [Attempt],
    /// Whether it is kept for frames that show a finder-like pattern.
    pub costly: bool,
}

/// Decodes frames; keeps the turn of the extra attempts for live streams.
#[derive(Debug, Default)]
pub struct Decoder {
    turn: usize,
}

impl Decoder {
    /// A decoder at the start of its rotation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tries every attempt on a still image; the first code read wins. A picture longer than
    /// 3000 px (`STILL_MAX_SIDE`) on a side is scaled down to it first, so that every attempt works on at most a few
    /// megapixels (a 40-megapixel photo would cost seconds an attempt); corners are given in the picture's own
    /// coordinates all the same.
    pub fn decode(&self, frame: &GrayFrame) -> Option<Detection> {
        match shrunk(frame, STILL_MAX_SIDE) {
            Some((small, factor)) => ATTEMPTS.iter().find_map(|a| run_attempt(a, &small)).map(|found| Detection {
                text: found.text,
                corners: found.corners.into_iter().map(|p| Point { x: p.x * factor, y: p.y * factor }).collect(),
            }),
            None => ATTEMPTS.iter().find_map(|a| run_attempt(a, frame)),
        }
    }

    /// Tries zxing-cpp's reader on the frame as it is, then one of the [`LIVE_EXTRAS`], in turn. A frame too flat
    /// to show a code (a covered lens, a dark room, a blank wall) is rejected before any of them.
    pub fn decode_frame(&mut self, frame: &GrayFrame) -> Option<Detection> {
        if frame.width() < MIN_SIDE || frame.height() < MIN_SIDE || too_flat(frame) {
            return None;
        }
        let promising = match catch_unwind(AssertUnwindSafe(|| first_look(frame))) {
            Ok(Ok(found)) => return Some(found),
            Ok(Err(promising)) => promising,
            Err(_) => false,
        };
        let extra = (0..LIVE_EXTRAS.len())
            .map(|step| LIVE_EXTRAS[(self.turn + step) % LIVE_EXTRAS.len()])
            .position(|extra| promising || !extra.costly)
            .unwrap_or(0);
        let chosen = LIVE_EXTRAS[(self.turn + extra) % LIVE_EXTRAS.len()];
        self.turn = self.turn.wrapping_add(extra + 1);
        chosen.attempts.iter().find_map(|attempt| run_attempt(attempt, frame))
    }
}

/// Whether a frame has too little contrast to hold a readable code: between its darkest and lightest pixels (the
/// extreme 1 % aside, on a sparse grid) there are fewer than [`MIN_CONTRAST`] grey levels.
fn too_flat(frame: &GrayFrame) -> bool {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let pixels = frame.pixels();
    let mut histogram = [0u32; 256];
    let (step_x, step_y) = ((w / 64).max(1), (h / 36).max(1));
    let mut count = 0u32;
    for y in (step_y / 2..h).step_by(step_y) {
        for x in (step_x / 2..w).step_by(step_x) {
            histogram[usize::from(pixels[y * w + x])] += 1;
            count += 1;
        }
    }
    let tail = count / 100;
    let level_at = |from_top: bool| {
        let mut seen = 0;
        let mut levels: Box<dyn Iterator<Item = usize>> =
            if from_top { Box::new((0..256).rev()) } else { Box::new(0..256) };
        levels
            .find(|&level| {
                seen += histogram[level];
                seen > tail
            })
            .unwrap_or(0)
    };
    level_at(true).saturating_sub(level_at(false)) < MIN_CONTRAST
}

/// The fewest grey levels between a frame's dark and light parts for it to be decoded.
const MIN_CONTRAST: usize = 12;

/// zxing-cpp's reader on the frame as it is, then ZXing's older reader on the same binarised frame taken as a
/// picture of nothing but the code (a tenth of a millisecond; it reads some pictures of a code alone the first
/// misses). When neither reads anything: whether the finder search saw at least one finder-like pattern (the nested
/// squares in three corners of every code), about half a millisecond more.
fn first_look(frame: &GrayFrame) -> Result<Detection, bool> {
    let source =
        Luma8LuminanceSource::new(frame.pixels().to_vec(), frame.width(), frame.height()).map_err(|_| false)?;
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    if let Some(found) = cpp_on(&mut bitmap) {
        return Ok(Detection { corners: around(found.corners), ..found });
    }
    let pure = DecodeHints { PureBarcode: Some(true), ..DecodeHints::default() };
    if let Ok(result) = QRCodeReader::new().decode_with_hints(&mut bitmap, &pure) {
        let corners = result.getPoints().iter().map(|p| Point { x: p.x, y: p.y }).collect();
        return Ok(Detection { text: Zeroizing::new(result.getText().to_owned()), corners: around(corners) });
    }
    Err(!FindFinderPatterns(bitmap.get_black_matrix(), true, 0).is_empty())
}

/// The longest side a still picture is decoded at: a 4K screenshot nearly as it is, a large photo scaled down.
const STILL_MAX_SIDE: u32 = 3000;

/// `frame` scaled down so that its longest side is `limit`, and the factor from its coordinates back to the
/// frame's; `None` when it is that small already.
fn shrunk(frame: &GrayFrame, limit: u32) -> Option<(GrayFrame, f32)> {
    let longest = frame.width().max(frame.height());
    if longest <= limit {
        return None;
    }
    let factor = longest as f32 / limit as f32;
    let (w, h) = (
        ((frame.width() as f32) / factor).round().max(1.0) as u32,
        ((frame.height() as f32) / factor).round().max(1.0) as u32,
    );
    let small = image::imageops::resize(&frame.to_image(), w, h, FilterType::Triangle);
    Some((GrayFrame::new(w, h, small.into_raw())?, factor))
}

/// Maps processed coordinates back to the original frame: original = m · (x, y, 1).
#[derive(Debug, Clone, Copy)]
struct Affine([f32; 6]);

impl Affine {
    const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);

    fn apply(&self, p: Point) -> Point {
        let m = &self.0;
        Point { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] }
    }

    /// `self` after `inner`: first map with `inner`, then with `self`.
    fn then(&self, inner: &Affine) -> Affine {
        let (a, b) = (&self.0, &inner.0);
        Affine([
            a[0] * b[0] + a[1] * b[3],
            a[0] * b[1] + a[1] * b[4],
            a[0] * b[2] + a[1] * b[5] + a[2],
            a[3] * b[0] + a[4] * b[3],
            a[3] * b[1] + a[4] * b[4],
            a[3] * b[2] + a[4] * b[5] + a[5],
        ])
    }
}

/// The smallest side a frame can hold a code on: a version 1 code is 21 modules wide.
const MIN_SIDE: u32 = 21;

/// Runs one attempt; `None` if the frame is too small to hold a code, an operation does not apply to it, or
/// nothing is read. An image operation that panics (a library's assertion on a frame shape it did not expect) counts
/// as nothing read, as a decoder that panics does.
pub fn run_attempt(attempt: &Attempt, frame: &GrayFrame) -> Option<Detection> {
    if frame.width() < MIN_SIDE || frame.height() < MIN_SIDE {
        return None;
    }
    catch_unwind(AssertUnwindSafe(|| attempt_on(attempt, frame))).ok().flatten()
}

fn attempt_on(attempt: &Attempt, frame: &GrayFrame) -> Option<Detection> {
    let mut image: Option<GrayImage> = None;
    let mut back = Affine::IDENTITY;
    for op in attempt.ops {
        let current = image.take().unwrap_or_else(|| frame.to_image());
        let (next, step_back) = apply(op, current)?;
        back = back.then(&step_back);
        image = Some(next);
    }
    let found = match &image {
        Some(img) => decode_with(attempt.engine, img.width(), img.height(), img.as_raw()),
        None => decode_with(attempt.engine, frame.width(), frame.height(), frame.pixels()),
    }?;
    Some(Detection { text: found.text, corners: around(found.corners.into_iter().map(|p| back.apply(p)).collect()) })
}

fn apply(op: &Op, img: GrayImage) -> Option<(GrayImage, Affine)> {
    let (w, h) = img.dimensions();
    let scale = |img: &GrayImage, f: f32| {
        let (nw, nh) = (((w as f32) * f).round().max(1.0) as u32, ((h as f32) * f).round().max(1.0) as u32);
        (image::imageops::resize(img, nw, nh, FilterType::CatmullRom), Affine([1.0 / f, 0.0, 0.0, 0.0, 1.0 / f, 0.0]))
    };
    Some(match *op {
        Op::Scale(f) => {
            if (w.max(h) as f32) * f > 2400.0 {
                return None;
            }
            scale(&img, f)
        }
        Op::Enlarge(f) => {
            if (w.max(h) as f32) * f > 2400.0 || f <= 1.0 {
                return None;
            }
            let (out, back) = filters::enlarge(&img, f);
            (out, Affine([back, 0.0, 0.0, 0.0, back, 0.0]))
        }
        Op::ShrinkTo(limit) => {
            let longest = w.max(h);
            if longest <= limit + limit / 8 {
                return None;
            }
            let f = limit as f32 / longest as f32;
            let (nw, nh) = (((w as f32) * f).round().max(1.0) as u32, ((h as f32) * f).round().max(1.0) as u32);
            (
                image::imageops::resize(&img, nw, nh, FilterType::Triangle),
                Affine([1.0 / f, 0.0, 0.0, 0.0, 1.0 / f, 0.0]),
            )
        }
        Op::Threshold(divisor) => {
            let radius = (w.min(h) / divisor).max(4);
            (imageproc::contrast::adaptive_threshold(&img, radius), Affine::IDENTITY)
        }
        Op::Otsu => {
            let level = imageproc::contrast::otsu_level(&img);
            (imageproc::contrast::threshold(&img, level, imageproc::contrast::ThresholdType::Binary), Affine::IDENTITY)
        }
        Op::Sharpen => (image::imageops::unsharpen(&img, 2.0, 10), Affine::IDENTITY),
        Op::Blur(sigma) => (image::imageops::blur(&img, sigma), Affine::IDENTITY),
        Op::BoxBlur(radius) => (filters::box_blur(&img, radius), Affine::IDENTITY),
        Op::BoxSharpen(radius) => {
            let blurred = filters::box_blur(&img, radius);
            let mut out = img;
            for (p, b) in out.as_mut().iter_mut().zip(blurred.as_raw()) {
                *p = (2 * i16::from(*p) - i16::from(*b)).clamp(0, 255) as u8;
            }
            (out, Affine::IDENTITY)
        }
        Op::Invert => {
            let mut out = img;
            image::imageops::invert(&mut out);
            (out, Affine::IDENTITY)
        }
        Op::Rotate(degrees) => {
            // The turn needs a square canvas as wide as the picture's diagonal: a long, thin picture (a whole web
            // page as one screenshot) would ask for gigabytes.
            if (w as f32).hypot(h as f32) > MAX_ROTATED_SIDE {
                return None;
            }
            rotate(&img, degrees)
        }
    })
}

/// The largest canvas side a turn may use, in pixels: 36 megapixels, room for a 20-megapixel photo.
const MAX_ROTATED_SIDE: f32 = 6000.0;

/// Turns the image on a square canvas that holds all of it, filling with the border's typical grey.
fn rotate(img: &GrayImage, degrees: f32) -> (GrayImage, Affine) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let side = (w * w + h * h).sqrt().ceil() as u32;
    let fill = Luma([img.get_pixel(0, 0)[0]]);
    let mut canvas = GrayImage::from_pixel(side, side, fill);
    let (ox, oy) = (((side as f32 - w) / 2.0).floor(), ((side as f32 - h) / 2.0).floor());
    image::imageops::overlay(&mut canvas, img, ox as i64, oy as i64);
    let theta = degrees.to_radians();
    let turned = imageproc::geometric_transformations::rotate_about_center(
        &canvas,
        theta,
        imageproc::geometric_transformations::Interpolation::Bilinear,
        fill,
    );
    // imageproc turns clockwise in screen coordinates by `theta` about the centre; undo it, then the offset.
    let c = side as f32 / 2.0;
    let (s, k) = (-theta).sin_cos();
    let unturn = Affine([k, -s, c - k * c + s * c, s, k, c - s * c - k * c]);
    let unpad = Affine([1.0, 0.0, -ox, 0.0, 1.0, -oy]);
    (turned, unpad.then(&unturn))
}

fn decode_with(engine: Engine, width: u32, height: u32, pixels: &[u8]) -> Option<Detection> {
    match engine {
        Engine::Rqrr => rqrr(width as usize, height as usize, pixels),
        Engine::RxingHybrid => rxing(width, height, pixels, |s| BinaryBitmap::new(HybridBinarizer::new(s)), false),
        Engine::RxingGlobal => {
            rxing(width, height, pixels, |s| BinaryBitmap::new(GlobalHistogramBinarizer::new(s)), false)
        }
        Engine::RxingPure => rxing(width, height, pixels, |s| BinaryBitmap::new(HybridBinarizer::new(s)), true),
        Engine::Cpp => cpp(width, height, pixels, |s| BinaryBitmap::new(HybridBinarizer::new(s))),
        Engine::CppGlobal => cpp(width, height, pixels, |s| BinaryBitmap::new(GlobalHistogramBinarizer::new(s))),
        Engine::Warped => {
            catch_unwind(AssertUnwindSafe(|| super::warp::decode_warped(width, height, pixels))).ok().flatten()
        }
    }
}

/// Whether a code's text is one Twofold can pair: an `otpauth://` link or a Google Authenticator export.
fn is_authenticator(text: &str) -> bool {
    let scheme = text.trim_start().split(':').next().unwrap_or_default();
    scheme.eq_ignore_ascii_case("otpauth") || scheme.eq_ignore_ascii_case("otpauth-migration")
}

/// rqrr, with its panics contained. Of several codes in the picture (a link to the service's help page beside the
/// set-up code), an authenticator code comes first. rqrr reads every code in the picture at once, so this costs
/// nothing.
fn rqrr(w: usize, h: usize, pixels: &[u8]) -> Option<Detection> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let mut read = prepared.detect_grids().into_iter().filter_map(|grid| {
            let (_, text) = grid.decode().ok()?;
            let corners = grid.bounds.iter().map(|p| Point { x: p.x as f32, y: p.y as f32 }).collect();
            Some(Detection { text: Zeroizing::new(text), corners })
        });
        let first = read.next()?;
        if is_authenticator(&first.text) {
            return Some(first);
        }
        Some(read.find(|found| is_authenticator(&found.text)).unwrap_or(first))
    }))
    .ok()
    .flatten()
}

/// rxing's QR reader, trying harder, with its panics contained. It reads one code, whichever it meets first; when
/// that is not an authenticator code (a link to the service's help page beside the set-up code), the code is
/// covered over and the picture read once more ([`RXING_LOOKS`]). (rxing's own multi-code reader gives up on the
/// whole picture when a false candidate fails its checksum, as two codes side by side make it do.) The pure-code
/// reader gives no finder centres, so nothing can be covered: it reads once.
fn rxing<B: Binarizer>(
    width: u32,
    height: u32,
    pixels: &[u8],
    bitmap: impl Fn(Luma8LuminanceSource) -> BinaryBitmap<B>,
    pure: bool,
) -> Option<Detection> {
    catch_unwind(AssertUnwindSafe(|| {
        let hints = DecodeHints { TryHarder: Some(true), PureBarcode: Some(pure), ..DecodeHints::default() };
        let mut pixels = pixels.to_vec();
        let mut first: Option<Detection> = None;
        for _ in 0..RXING_LOOKS {
            let Ok(source) = Luma8LuminanceSource::new(pixels.clone(), width, height) else { break };
            let Ok(result) = QRCodeReader::new().decode_with_hints(&mut bitmap(source), &hints) else { break };
            let corners = result.getPoints().iter().map(|p| Point { x: p.x, y: p.y }).collect();
            let found = Detection { text: Zeroizing::new(result.getText().to_owned()), corners };
            if is_authenticator(&found.text) {
                return Some(found);
            }
            let coverable = found.corners.len() >= 3;
            cover(&mut pixels, width, &found.corners);
            first.get_or_insert(found);
            if !coverable {
                break;
            }
        }
        first
    }))
    .ok()
    .flatten()
}

/// rxing's port of zxing-cpp's QR reader, with its panics contained.
fn cpp<B: Binarizer>(
    width: u32,
    height: u32,
    pixels: &[u8],
    bitmap: impl Fn(Luma8LuminanceSource) -> BinaryBitmap<B>,
) -> Option<Detection> {
    catch_unwind(AssertUnwindSafe(|| {
        let source = Luma8LuminanceSource::new(pixels.to_vec(), width, height).ok()?;
        cpp_on(&mut bitmap(source))
    }))
    .ok()
    .flatten()
}

/// zxing-cpp's reader (as rxing ports it) on a binarised picture. It reads every code in the picture at once, so
/// an authenticator code is picked from them as rqrr's is.
fn cpp_on<B: Binarizer>(bitmap: &mut BinaryBitmap<B>) -> Option<Detection> {
    let hints = DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        ..DecodeHints::default()
    };
    let results = MultipleBarcodeReader::decode_multiple_with_hints(&mut QrReader, bitmap, &hints).ok()?;
    let mut read = results.into_iter().map(|result| Detection {
        text: Zeroizing::new(result.getText().to_owned()),
        corners: result.getPoints().iter().map(|p| Point { x: p.x, y: p.y }).collect(),
    });
    let first = read.next()?;
    if is_authenticator(&first.text) {
        return Some(first);
    }
    Some(read.find(|found| is_authenticator(&found.text)).unwrap_or(first))
}

/// How many codes rxing reads in one picture, at most, looking for an authenticator code among them: the set-up
/// code and one other beside it. Each look that finds nothing costs a full failed search, and live frames have a
/// budget.
const RXING_LOOKS: usize = 2;

/// Paints white over a code found at `points` (its finder pattern centres, 3.5 modules in from its corners): the
/// box through them and a margin of about two modules, enough to break all three finder patterns without reaching
/// past the code's quiet zone into a code beside it. The module size is estimated from the distance between the
/// centres, which is 14 modules for the smallest code and more for larger ones.
fn cover(pixels: &mut [u8], width: u32, points: &[Point]) {
    let width = width as usize;
    let height = pixels.len() / width.max(1);
    let (xs, ys) = (points.iter().map(|p| p.x), points.iter().map(|p| p.y));
    let (left, right) = (xs.clone().fold(f32::MAX, f32::min), xs.fold(f32::MIN, f32::max));
    let (top, bottom) = (ys.clone().fold(f32::MAX, f32::min), ys.fold(f32::MIN, f32::max));
    let margin = (right - left).max(bottom - top) / 14.0 * 2.0;
    let span = |from: f32, to: f32, end: usize| {
        ((from - margin).max(0.0) as usize).min(end)..((to + margin).max(0.0) as usize).min(end)
    };
    let (columns, rows) = (span(left, right, width), span(top, bottom, height));
    for row in pixels.chunks_mut(width).take(rows.end).skip(rows.start) {
        row[columns.clone()].fill(255);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with the QR codes of `texts` side by side.
    fn page_with(texts: &[&str]) -> GrayImage {
        let codes: Vec<GrayImage> = texts
            .iter()
            .map(|text| {
                qrcode::QrCode::new(text.as_bytes()).unwrap().render::<Luma<u8>>().module_dimensions(4, 4).build()
            })
            .collect();
        let width = codes.iter().map(|c| c.width() + 60).sum::<u32>() + 60;
        let height = codes.iter().map(GrayImage::height).max().unwrap() + 120;
        let mut page = GrayImage::from_pixel(width, height, Luma([255]));
        let mut x = 60;
        for code in &codes {
            image::imageops::overlay(&mut page, code, i64::from(x), 60);
            x += code.width() + 60;
        }
        page
    }

    #[test]
    fn of_two_codes_side_by_side_every_engine_reads_the_authenticator_one() {
        let link = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";
        let help = "https://example.com/help/two-factor";
        for (texts, help_side) in [([help, link], "left"), ([link, help], "right")] {
            let page = page_with(&texts);
            for engine in [Engine::Rqrr, Engine::RxingHybrid, Engine::RxingGlobal] {
                let found = decode_with(engine, page.width(), page.height(), page.as_raw()).map(|d| d.text);
                // Compared without printing: the link holds a secret.
                let read = if found.as_deref().map(String::as_str) == Some(link) {
                    "the set-up code"
                } else {
                    "something else"
                };
                assert_eq!(read, "the set-up code", "{engine:?}, with the help link on the {help_side}");
            }
        }
    }

    #[test]
    fn a_picture_whose_diagonal_exceeds_the_canvas_limit_is_not_turned() {
        let strip = GrayImage::from_pixel(8000, 2, Luma([200]));
        assert!(apply(&Op::Rotate(45.0), strip).is_none());
        let photo = GrayImage::from_pixel(400, 300, Luma([200]));
        let (turned, _) = apply(&Op::Rotate(45.0), photo).expect("an ordinary picture is turned");
        assert_eq!(turned.width(), 500, "on a canvas as wide as its diagonal");
    }
}
