//! What a decoder reports: the text of a QR code and where the code is in the frame.

use zeroize::Zeroizing;

/// A point in frame coordinates (pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position.
    pub y: f32,
}

/// A decoded QR code: its text and where it is in the frame. `Debug` leaves the text out, and the text is wiped from
/// memory when dropped: it may hold a secret. (The decoders' own working copies are theirs to keep or free.)
#[derive(Clone, PartialEq)]
pub struct Detection {
    /// The text the code holds.
    pub text: Zeroizing<String>,
    /// Its corners (rqrr) or finder and alignment pattern centres (rxing), in the original frame's coordinates.
    pub corners: Vec<Point>,
}

impl std::fmt::Debug for Detection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detection")
            .field("text", &format_args!("<{} characters, redacted>", self.text.chars().count()))
            .field("corners", &self.corners)
            .finish()
    }
}
