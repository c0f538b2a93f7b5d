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
    /// Its corners (rqrr, zxing-cpp) or finder and alignment pattern centres (ZXing's older reader), in the
    /// original frame's coordinates, in order around the code (so that they draw an outline, not a cross).
    pub corners: Vec<Point>,
}

/// `points` in order around their centre: readers list a code's corners in orders of their own.
pub(crate) fn around(mut points: Vec<Point>) -> Vec<Point> {
    let count = points.len().max(1) as f32;
    let (cx, cy) = (points.iter().map(|p| p.x).sum::<f32>() / count, points.iter().map(|p| p.y).sum::<f32>() / count);
    points.sort_by(|a, b| (a.y - cy).atan2(a.x - cx).total_cmp(&(b.y - cy).atan2(b.x - cx)));
    points
}

impl std::fmt::Debug for Detection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detection")
            .field("text", &format_args!("<{} characters, redacted>", self.text.chars().count()))
            .field("corners", &self.corners)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_listed_crosswise_come_out_around_the_code() {
        let p = |x, y| Point { x, y };
        let crosswise = vec![p(0.0, 0.0), p(10.0, 0.0), p(0.0, 10.0), p(10.0, 10.0)];
        let ordered = around(crosswise);
        // Each corner's neighbour shares an edge with it: one coordinate stays.
        for (a, b) in ordered.iter().zip(ordered.iter().cycle().skip(1)) {
            assert!(a.x == b.x || a.y == b.y, "{a:?} to {b:?} crosses the code");
        }
    }
}
