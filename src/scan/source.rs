//! Where frames come from: image files, a folder replayed as a camera, the clipboard, the screen and webcams.
//! Every source yields greyscale [`GrayFrame`]s through one trait.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::frame::GrayFrame;

/// The environment variable that replaces the webcam with a folder of images: `PATH` or `PATH@FPS`.
pub const REPLAY_CAMERA_ENV: &str = "TWOFOLD_REPLAY_CAMERA";

/// Image file extensions the sources read.
pub const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "webp", "gif", "bmp"];

/// The largest picture read, in pixels (width × height), checked from the file's header before anything is
/// decoded: a photo from a 40-megapixel camera passes; a small file that claims to be a huge picture (a PNG of a few
/// hundred kilobytes can unpack to gigabytes) is refused at once.
pub const MAX_PIXELS: u64 = 40_000_000;

/// The most memory a picture's decoder may take (the decoded pixels of the largest picture allowed, with room).
const MAX_DECODE_BYTES: u64 = 4 * MAX_PIXELS + (64 << 20);

/// The smallest side a picture that holds a QR code can have: a version 1 code is 21 modules wide.
const MIN_SIDE: u32 = 21;

/// Why a source gave no frame. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// No webcam is connected.
    #[error(
        "No camera was found. Connect a webcam and try again, or scan from the screen, an image, or a pasted link instead."
    )]
    NoCamera,
    /// Another app holds the camera.
    #[error("The camera is in use by another app. Close the other app (video calls often keep it), then try again.")]
    CameraBusy,
    /// The camera stopped delivering frames.
    #[error("The camera stopped sending pictures; was it unplugged? Reconnect it and try again.")]
    CameraUnplugged,
    /// The OS refused camera access.
    #[error(
        "Twofold is not allowed to use the camera. Allow camera access for Twofold in your system's privacy settings, then try again."
    )]
    CameraPermission,
    /// Any other camera failure, with the driver's description.
    #[error("The camera could not be used ({0}). Try again, or choose another camera.")]
    Camera(String),
    /// A file that is not a readable image.
    #[error(
        "{name} could not be read as an image ({reason}). Use a PNG, JPEG, WebP, GIF or BMP screenshot or photo of the QR code."
    )]
    Image {
        /// The file name.
        name: String,
        /// What went wrong.
        reason: String,
    },
    /// The clipboard holds no picture.
    #[error(
        "The clipboard holds no picture. Copy a screenshot of the QR code (or the image itself), then paste again."
    )]
    ClipboardEmpty,
    /// The clipboard could not be read.
    #[error("The clipboard could not be read ({0}). Save the picture to a file and open it instead.")]
    Clipboard(String),
    /// Screen capture is not possible under Wayland.
    #[error(
        "Twofold cannot capture the screen in a Wayland session. Take a screenshot (Print Screen), then drop it here or paste it."
    )]
    ScreenUnsupported,
    /// Screen capture failed.
    #[error("The screen could not be captured ({0}). Take a screenshot instead, then drop it here or paste it.")]
    Screen(String),
    /// A picture larger than [`MAX_PIXELS`].
    #[error(
        "{name} is {width} × {height} pixels, larger than Twofold reads (40 megapixels). Crop it to the QR code, or take a screenshot of the code instead."
    )]
    ImageTooLarge {
        /// The file name.
        name: String,
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
    },
    /// A picture too small to hold a QR code (0 × 0, 1 × 1…).
    #[error(
        "{name} is only {width} × {height} pixels, too small to hold a QR code. Use a screenshot or photo in which the code is clearly visible."
    )]
    ImageTooSmall {
        /// The file name.
        name: String,
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
    },
    /// A replay folder without images.
    #[error("The replay camera folder {0} holds no images.")]
    ReplayEmpty(PathBuf),
}

/// Something that yields greyscale frames.
pub trait FrameSource: Send {
    /// The next frame, waiting for it if need be. `Ok(None)` once the source is exhausted (a still image after its
    /// one frame).
    fn next_frame(&mut self) -> Result<Option<GrayFrame>, SourceError>;
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Reads an image file (PNG, JPEG, WebP, GIF or BMP) as one greyscale frame.
pub fn load_image(path: &Path) -> Result<GrayFrame, SourceError> {
    let name = file_name(path);
    let bytes = std::fs::read(path).map_err(|e| SourceError::Image { name: name.clone(), reason: e.to_string() })?;
    load_image_bytes(&name, &bytes)
}

/// Decodes image bytes (a dropped or pasted file) as one greyscale frame. The size the header claims is checked
/// first ([`MAX_PIXELS`], and large enough to hold a code), and the decoder may not allocate beyond it.
pub fn load_image_bytes(name: &str, bytes: &[u8]) -> Result<GrayFrame, SourceError> {
    let failed = |e: &dyn std::fmt::Display| SourceError::Image { name: name.to_owned(), reason: e.to_string() };
    let reader = || image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().map_err(|e| failed(&e));
    let (width, height) = reader()?.into_dimensions().map_err(|e| failed(&e))?;
    check_size(name, width, height)?;
    let mut reader = reader()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| failed(&e))?;
    Ok(GrayFrame::from_image(&image))
}

/// Refuses a picture too large to decode safely or too small to hold a code.
pub fn check_size(name: &str, width: u32, height: u32) -> Result<(), SourceError> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(SourceError::ImageTooLarge { name: name.to_owned(), width, height });
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(SourceError::ImageTooSmall { name: name.to_owned(), width, height });
    }
    Ok(())
}

/// One still image: yields its frame once.
#[derive(Debug)]
pub struct StillSource(Option<GrayFrame>);

impl StillSource {
    /// A source for one already-loaded frame.
    pub fn new(frame: GrayFrame) -> Self {
        StillSource(Some(frame))
    }

    /// A source for an image file.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        load_image(path).map(Self::new)
    }
}

impl FrameSource for StillSource {
    fn next_frame(&mut self) -> Result<Option<GrayFrame>, SourceError> {
        Ok(self.0.take())
    }
}

/// Plays a folder of images, in name order and looping, as a camera at a fixed frame rate: a stand-in webcam for
/// end-to-end tests and demonstrations.
#[derive(Debug)]
pub struct ReplaySource {
    frames: Vec<GrayFrame>,
    interval: Duration,
    next: usize,
    due: Option<Instant>,
}

impl ReplaySource {
    /// Loads every image in `folder`.
    pub fn open(folder: &Path, fps: u32) -> Result<Self, SourceError> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
            .map_err(|_| SourceError::ReplayEmpty(folder.to_path_buf()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        paths.sort();
        let frames = paths.iter().map(|p| load_image(p)).collect::<Result<Vec<_>, _>>()?;
        if frames.is_empty() {
            return Err(SourceError::ReplayEmpty(folder.to_path_buf()));
        }
        Ok(ReplaySource { frames, interval: Duration::from_secs(1) / fps.max(1), next: 0, due: None })
    }

    /// The folder and frame rate named by `TWOFOLD_REPLAY_CAMERA` (`PATH` or `PATH@FPS`, 15 fps by default).
    pub fn from_env() -> Option<(PathBuf, u32)> {
        let value = std::env::var_os(REPLAY_CAMERA_ENV)?;
        let value = value.to_string_lossy();
        match value.rsplit_once('@') {
            Some((path, fps)) if fps.parse::<u32>().is_ok() => Some((PathBuf::from(path), fps.parse().unwrap_or(15))),
            _ => Some((PathBuf::from(value.as_ref()), 15)),
        }
    }
}

impl FrameSource for ReplaySource {
    fn next_frame(&mut self) -> Result<Option<GrayFrame>, SourceError> {
        let now = Instant::now();
        if let Some(due) = self.due
            && due > now
        {
            std::thread::sleep(due - now);
        }
        self.due = Some(self.due.map_or(now, |d| d.max(now - self.interval)) + self.interval);
        let frame = self.frames[self.next % self.frames.len()].clone();
        self.next += 1;
        Ok(Some(frame))
    }
}

/// The picture on the clipboard, as one frame.
#[cfg(feature = "clipboard")]
pub fn clipboard_frame() -> Result<GrayFrame, SourceError> {
    let mut clipboard = arboard::Clipboard::new().map_err(|e| SourceError::Clipboard(e.to_string()))?;
    match clipboard.get_image() {
        Ok(image) => {
            let (width, height) = (image.width as u32, image.height as u32);
            check_size("The picture on the clipboard", width, height)?;
            GrayFrame::from_rgba(width, height, &image.bytes)
                .ok_or_else(|| SourceError::Clipboard("the picture has an unexpected size".into()))
        }
        Err(arboard::Error::ContentNotAvailable) => Err(SourceError::ClipboardEmpty),
        Err(e) => Err(SourceError::Clipboard(e.to_string())),
    }
}

/// A capture of the whole primary screen, as one frame.
#[cfg(feature = "screen")]
pub fn screen_frame() -> Result<GrayFrame, SourceError> {
    if cfg!(target_os = "linux")
        && std::env::var_os("WAYLAND_DISPLAY").is_some()
        && std::env::var_os("DISPLAY").is_none()
    {
        return Err(SourceError::ScreenUnsupported);
    }
    let monitors = xcap::Monitor::all().map_err(|e| SourceError::Screen(e.to_string()))?;
    let monitor = monitors
        .iter()
        .find(|m| m.is_primary().unwrap_or(false))
        .or_else(|| monitors.first())
        .ok_or_else(|| SourceError::Screen("no screen found".into()))?;
    let image = monitor.capture_image().map_err(|e| SourceError::Screen(e.to_string()))?;
    let (width, height) = image.dimensions();
    GrayFrame::from_rgba(width, height, image.as_raw()).ok_or_else(|| SourceError::Screen("unexpected size".into()))
}

#[cfg(feature = "camera")]
pub use camera::{CameraInfo, CameraSource, list_cameras};

#[cfg(feature = "camera")]
mod camera {
    use nokhwa::pixel_format::LumaFormat;
    use nokhwa::utils::{
        ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
    };
    use nokhwa::{Camera, NokhwaError};

    use super::{FrameSource, GrayFrame, SourceError};
    use crate::scan::frame::PixelFormat;

    /// A camera as the picker shows it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CameraInfo {
        /// Its position in the system's list; pass it to [`CameraSource::open`].
        pub index: u32,
        /// Its human name.
        pub name: String,
    }

    /// The cameras the system knows (an empty list when there is none).
    pub fn list_cameras() -> Result<Vec<CameraInfo>, SourceError> {
        let cameras = nokhwa::query(ApiBackend::Auto).map_err(|e| classify(&e))?;
        Ok(cameras
            .iter()
            .enumerate()
            .map(|(i, c)| CameraInfo {
                index: match c.index() {
                    CameraIndex::Index(n) => *n,
                    CameraIndex::String(_) => i as u32,
                },
                name: c.human_name(),
            })
            .collect())
    }

    /// A webcam, opened as MJPEG at 1280×720 and 30 frames a second, or the closest the camera offers. Measured
    /// on the development webcam frames (`examples/camera_formats.rs`), 1280×720 reads the most per millisecond:
    /// 640×480 reads a third fewer codes, and 1920×1080 costs twice as much for no more. MJPEG, because USB 2.0
    /// webcams send YUYV at 720p at about 10 frames a second; its decoding (luma only) costs about 2 ms a frame.
    /// Dropping it releases the camera.
    pub struct CameraSource {
        camera: Camera,
    }

    impl std::fmt::Debug for CameraSource {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("CameraSource").field("format", &self.camera.camera_format()).finish()
        }
    }

    impl CameraSource {
        /// Opens camera `index` and starts its stream.
        pub fn open(index: u32) -> Result<Self, SourceError> {
            #[cfg(target_os = "macos")]
            if !nokhwa::nokhwa_check() {
                // Asks for permission; without it the OS refuses the camera.
                nokhwa::nokhwa_initialize(|_| {});
            }
            if list_cameras()?.is_empty() {
                return Err(SourceError::NoCamera);
            }
            let wanted = CameraFormat::new(Resolution::new(1280, 720), FrameFormat::MJPEG, 30);
            let request = RequestedFormat::new::<LumaFormat>(RequestedFormatType::Closest(wanted));
            let mut camera = Camera::new(CameraIndex::Index(index), request).map_err(|e| classify(&e))?;
            camera.open_stream().map_err(|e| classify(&e))?;
            Ok(CameraSource { camera })
        }
    }

    /// How many frames in a row may fail to decode before the camera counts as broken: webcams often send an
    /// empty or cut-off MJPEG frame, mostly the first ones after the stream starts. 30 is a second at 30 fps.
    const BAD_FRAMES_IN_A_ROW: u32 = 30;

    impl FrameSource for CameraSource {
        fn next_frame(&mut self) -> Result<Option<GrayFrame>, SourceError> {
            let camera = &mut self.camera;
            first_decodable(BAD_FRAMES_IN_A_ROW, || {
                let buffer = camera.frame().map_err(|e| match classify(&e) {
                    SourceError::Camera(_) => SourceError::CameraUnplugged,
                    other => other,
                })?;
                let (w, h) = (buffer.resolution().width_x, buffer.resolution().height_y);
                Ok(to_gray(buffer.source_frame_format(), w, h, buffer.buffer()))
            })
            .map(Some)
        }
    }

    /// The first frame that `capture` could decode (`Some`), trying at most `attempts` frames; a capture error
    /// ends the search at once.
    fn first_decodable(
        attempts: u32,
        mut capture: impl FnMut() -> Result<Option<GrayFrame>, SourceError>,
    ) -> Result<GrayFrame, SourceError> {
        for _ in 0..attempts {
            if let Some(frame) = capture()? {
                return Ok(frame);
            }
        }
        Err(SourceError::Camera("its frames could not be decoded".into()))
    }

    /// A camera's frame in grey, or `None` when its bytes do not hold a whole picture of that format and size.
    fn to_gray(format: FrameFormat, w: u32, h: u32, data: &[u8]) -> Option<GrayFrame> {
        let format = match format {
            FrameFormat::MJPEG => PixelFormat::Mjpeg,
            FrameFormat::YUYV => PixelFormat::Yuyv,
            FrameFormat::NV12 => PixelFormat::Nv12,
            FrameFormat::GRAY => PixelFormat::Gray,
            FrameFormat::RAWRGB => PixelFormat::Rgb,
            FrameFormat::RAWBGR => PixelFormat::Bgr,
        };
        GrayFrame::from_camera(format, w, h, data)
    }

    impl Drop for CameraSource {
        fn drop(&mut self) {
            let _ = self.camera.stop_stream();
        }
    }

    fn classify(error: &NokhwaError) -> SourceError {
        let text = error.to_string();
        let lower = text.to_ascii_lowercase();
        if lower.contains("no such file") || lower.contains("no device") || lower.contains("not found") {
            SourceError::NoCamera
        } else if lower.contains("busy") || lower.contains("in use") {
            SourceError::CameraBusy
        } else if lower.contains("permission") || lower.contains("denied") || lower.contains("not authorized") {
            SourceError::CameraPermission
        } else {
            SourceError::Camera(text.chars().take(200).collect())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn jpeg(width: u32, height: u32) -> Vec<u8> {
            let picture = image::GrayImage::from_fn(width, height, |x, y| image::Luma([((x * 7 + y * 3) % 256) as u8]));
            let mut bytes = std::io::Cursor::new(Vec::new());
            picture.write_to(&mut bytes, image::ImageFormat::Jpeg).unwrap();
            bytes.into_inner()
        }

        #[test]
        fn an_mjpeg_frame_decodes_and_an_empty_or_cut_off_one_does_not() {
            let whole = jpeg(64, 48);
            let frame = to_gray(FrameFormat::MJPEG, 64, 48, &whole).expect("a whole JPEG decodes");
            assert_eq!((frame.width(), frame.height()), (64, 48));
            assert!(to_gray(FrameFormat::MJPEG, 64, 48, &[]).is_none());
            assert!(to_gray(FrameFormat::MJPEG, 64, 48, &whole[..20]).is_none(), "only the header");
        }

        #[test]
        fn a_yuyv_frame_of_the_wrong_length_is_not_a_frame() {
            assert!(to_gray(FrameFormat::YUYV, 4, 2, &[0; 16]).is_some());
            assert!(to_gray(FrameFormat::YUYV, 4, 2, &[0; 10]).is_none());
        }

        #[test]
        fn undecodable_frames_are_skipped_until_a_good_one_comes() {
            let good = to_gray(FrameFormat::MJPEG, 64, 48, &jpeg(64, 48));
            let mut captured = 0;
            let frame = first_decodable(30, || {
                captured += 1;
                Ok(if captured < 5 { to_gray(FrameFormat::MJPEG, 64, 48, &[]) } else { good.clone() })
            });
            assert_eq!(frame.unwrap().width(), 64);
            assert_eq!(captured, 5);
        }

        #[test]
        fn a_camera_sending_only_undecodable_frames_counts_as_broken_after_thirty() {
            let mut captured = 0;
            let result = first_decodable(BAD_FRAMES_IN_A_ROW, || {
                captured += 1;
                Ok(None)
            });
            assert!(matches!(result, Err(SourceError::Camera(_))));
            assert_eq!(captured, 30);
        }

        #[test]
        fn an_unplugged_camera_ends_the_search_at_once() {
            let mut captured = 0;
            let result = first_decodable(BAD_FRAMES_IN_A_ROW, || {
                captured += 1;
                Err(SourceError::CameraUnplugged)
            });
            assert!(matches!(result, Err(SourceError::CameraUnplugged)));
            assert_eq!(captured, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG that announces `width` × `height` grey pixels and holds none of them: its one data chunk is an empty
    /// zlib stream, enough for a reader to take its size from the header.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        let mut writer = encoder.write_header().unwrap();
        writer.write_chunk(png::chunk::IDAT, &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]).unwrap();
        drop(writer);
        bytes
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::GrayImage::from_pixel(width, height, image::Luma([255]))
            .write_to(&mut bytes, image::ImageFormat::Png)
            .unwrap();
        bytes.into_inner()
    }

    #[test]
    fn a_picture_claiming_twenty_thousand_pixels_a_side_is_refused_before_it_is_decoded() {
        let refused = load_image_bytes("huge.png", &png_header(20_000, 20_000)).unwrap_err();
        assert!(matches!(refused, SourceError::ImageTooLarge { width: 20_000, height: 20_000, .. }), "{refused:?}");
        assert!(refused.to_string().contains("larger than Twofold reads (40 megapixels)"), "{refused}");
    }

    #[test]
    fn a_picture_too_small_to_hold_a_code_gets_a_sentence_not_a_panic() {
        for (width, height) in [(1, 1), (20, 400), (400, 3)] {
            let refused = load_image_bytes("tiny.png", &png(width, height)).unwrap_err();
            assert!(refused.to_string().contains("too small to hold a QR code"), "{refused}");
        }
        assert!(load_image_bytes("blank.png", &png(21, 21)).is_ok());
    }
}
