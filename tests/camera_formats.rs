//! The camera path as a webcam feeds it: development webcam frames turned into the buffers cameras send (YUYV 4:2:2
//! and MJPEG, at 640×480, 1280×720 and 1920×1080; a camera that offers only MJPEG at 1080p is the last of these),
//! converted as a camera's frames are (`GrayFrame::from_camera`, which `CameraSource` calls with nokhwa's buffer)
//! and read by the live path. The conversion must lose no frame that the same picture, handed over as grey pixels,
//! gives the live path (but one: the studio range of YUYV and MJPEG's compression move grey levels a little). `cargo run --release --example camera_formats` prints
//! the full table with timings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use twofold::scan::{GrayFrame, PixelFormat};

/// One frame in this many of the development set: enough frames of every kind, in a test that runs in seconds.
const EVERY: usize = 10;

#[test]
fn frames_sent_as_yuyv_or_mjpeg_at_every_common_size_read_as_well_as_the_plain_picture() {
    let Some(shared) = common::shared_dir() else { return };
    let paths = common::photos(&shared.join("webcam"));
    assert_eq!(paths.len(), 120, "the development set has 120 webcam frames");
    let pictures: Vec<(image::RgbImage, String)> = paths
        .iter()
        .step_by(EVERY)
        .map(|p| (image::open(p).unwrap().to_rgb8(), std::fs::read_to_string(p.with_extension("txt")).unwrap()))
        .collect();
    let mut table = Vec::new();
    for (width, height) in common::CAMERA_SIZES {
        let views: Vec<_> =
            pictures.iter().map(|(rgb, text)| (common::camera_view(rgb, width, height), text)).collect();
        let plain = views
            .iter()
            .filter(|(view, text)| common::live_reads(&GrayFrame::from_image(&view.clone().into()), text))
            .count();
        for format in [PixelFormat::Yuyv, PixelFormat::Mjpeg] {
            let read = views
                .iter()
                .filter(|(view, text)| {
                    let buffer = match format {
                        PixelFormat::Mjpeg => common::mjpeg_buffer(view, 80),
                        _ => common::yuyv_buffer(view),
                    };
                    let frame = GrayFrame::from_camera(format, width, height, &buffer).expect("a whole frame converts");
                    assert_eq!((frame.width(), frame.height()), (width, height));
                    common::live_reads(&frame, text)
                })
                .count();
            table.push(format!("{format:?} {width}x{height}: {read} of {} (grey pixels: {plain})", views.len()));
            // YUYV's studio range (16 to 235) and MJPEG's compression move grey levels a little: one frame may go.
            assert!(read + 1 >= plain, "{format:?} at {width}x{height} read {read}, the grey picture {plain}");
        }
    }
    eprintln!("{}", table.join("\n"));
}

#[test]
fn a_yuyv_frame_converts_to_exactly_its_y_plane() {
    let rgb = image::RgbImage::from_fn(8, 2, |x, y| image::Rgb([(x * 30) as u8, (y * 100) as u8, 50]));
    let buffer = common::yuyv_buffer(&rgb);
    let frame = GrayFrame::from_camera(PixelFormat::Yuyv, 8, 2, &buffer).unwrap();
    let y_plane: Vec<u8> = buffer.iter().step_by(2).copied().collect();
    assert_eq!(frame.pixels(), y_plane.as_slice());
    assert!(GrayFrame::from_camera(PixelFormat::Yuyv, 8, 2, &buffer[1..]).is_none(), "a cut-off frame is no frame");
}
