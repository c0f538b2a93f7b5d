//! QR scanning: frames from a source, decoded into text, classified into what Twofold can pair.
//!
//! - [`source`](FrameSource): webcams (nokhwa), image files, the clipboard, the screen, and a replayed folder that
//!   stands in for a webcam in tests and demonstrations (`TWOFOLD_REPLAY_CAMERA=folder@fps`).
//! - [`Decoder`]: rqrr first, rxing as a second opinion, over a list of image variants; last, for still images, a
//!   reader whose grid bends to follow codes on fabric or curled paper.
//! - [`classify`] and [`Pairing`]: an `otpauth://` account, the parts of a Google export, or a clear sentence about
//!   what else the code holds.
//! - [`ScanSession`]: the capture and decode threads, with events for the UI and an optional preview hook;
//!   [`preview_jpeg`] shrinks a frame for the camera view.

mod change;
mod classify;
mod decode;
mod detection;
mod filters;
mod frame;
mod preview;
mod session;
mod source;
mod warp;

pub use classify::{NotAuthenticator, Pairing, PairingStep, Scanned, classify};
pub use decode::{ATTEMPTS, Attempt, Decoder, Engine, LIVE_EXTRAS, LiveExtra, Op, run_attempt};
pub use detection::{Detection, Point};
pub use frame::{GrayFrame, PixelFormat};
pub use preview::preview_jpeg;
pub use session::{ScanEvent, ScanSession};
#[cfg(feature = "clipboard")]
pub use source::clipboard_frame;
#[cfg(feature = "screen")]
pub use source::screen_frame;
#[cfg(feature = "camera")]
pub use source::{CameraInfo, CameraSource, list_cameras};
pub use source::{
    FrameSource, IMAGE_EXTENSIONS, MAX_PIXELS, REPLAY_CAMERA_ENV, ReplaySource, SourceError, StillSource, check_size,
    load_image, load_image_bytes,
};
