//! Where the user left the window: its size and place on the screen, and whether it was maximised or full screen.
//! [`crate::placement`] restores it at start-up, follows the window with a [`Tracker`], and saves it when the window
//! closes. A window left on a monitor that has since gone is not put back off screen ([`WindowPlace::is_on`]).
//!
//! Stored as a small JSON file beside the vault and replaced atomically, like the preferences. It holds nothing
//! secret and nothing worth keeping aside: a file that cannot be read only means the window opens at its default.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use twofold::fs::{self, DiskError, Keep};

/// Why the window's place could not be saved: it only means the window opens at its default size next time.
#[derive(Debug, thiserror::Error)]
#[error(
    "Twofold could not remember the window's size and place in {} ({}); it opens at its default size next time.",
    .0.path.display(),
    .0.reason
)]
pub struct PlaceError(#[from] DiskError);

/// The window's size and place, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowPlace {
    /// Width of the window's content, as last seen neither maximised nor full screen.
    pub width: u32,
    /// Height of the window's content, as last seen neither maximised nor full screen.
    pub height: u32,
    /// Left edge of the window's frame, as last seen neither maximised nor full screen.
    pub x: i32,
    /// Top edge of the window's frame, as last seen neither maximised nor full screen.
    pub y: i32,
    /// Whether the window was maximised.
    pub maximized: bool,
    /// Whether the window was full screen.
    pub fullscreen: bool,
}

/// A rectangle of the screen, such as one monitor, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Area {
    fn contains(&self, (x, y): (i64, i64)) -> bool {
        let (left, top) = (i64::from(self.x), i64::from(self.y));
        x >= left && x < left + i64::from(self.width) && y >= top && y < top + i64::from(self.height)
    }
}

impl WindowPlace {
    /// Reads the place saved at `path`; `None` if there is none or it cannot be read.
    pub fn load(path: &Path) -> Option<WindowPlace> {
        std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok())
    }

    /// Writes the place atomically: a crash leaves the old file or the new one.
    pub fn save(&self, path: &Path) -> Result<(), PlaceError> {
        Ok(fs::replace_json(path, self, Keep::Nothing)?)
    }

    /// Whether a top corner of the window would be on one of `monitors`, so its title bar can be reached. A window
    /// left on a monitor that has since gone is not put back where nobody can see it or move it.
    pub fn is_on(&self, monitors: &[Area]) -> bool {
        let (left, top) = (i64::from(self.x), i64::from(self.y));
        let right = left + i64::from(self.width) - 1;
        monitors.iter().any(|monitor| monitor.contains((left, top)) || monitor.contains((right, top)))
    }
}

/// What the window system says of the window at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Width and height of the window's content.
    pub size: (u32, u32),
    /// Its frame's top-left corner; `None` where windows are not told their place (Wayland).
    pub position: Option<(i32, i32)>,
    /// Whether it is maximised.
    pub maximized: bool,
    /// Whether it is full screen.
    pub fullscreen: bool,
}

/// Follows the window's place from reports (a move, a resize, a close), keeping the size and place it has when
/// neither maximised nor full screen, so that leaving either state goes back to them.
///
/// A maximise arrives as a move and a resize to the screen's size, with the report that the window is maximised
/// just after (on Windows the move comes before the maximised flag is set; GTK may send the new size first too).
/// So a report of a maximised or full-screen window takes back the changes of the [`SETTLE`] before it.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    place: Option<WindowPlace>,
    /// The place before the latest burst of changes, and when that burst began.
    before: Option<(Instant, WindowPlace)>,
}

/// How soon after a move or resize a report of a maximised window means that move or resize was the maximise.
pub const SETTLE: Duration = Duration::from_secs(1);

impl Tracker {
    /// A tracker that starts from the place saved last time, if any.
    pub fn new(saved: Option<WindowPlace>) -> Self {
        Tracker { place: saved, before: None }
    }

    /// The place to save, once the window has been seen or if one was saved before.
    pub fn place(&self) -> Option<WindowPlace> {
        self.place
    }

    /// Takes in a report made at `now`.
    pub fn note(&mut self, report: Report, now: Instant) {
        let (width, height) = report.size;
        let (x, y) = report.position.unwrap_or_default();
        let current = self.place.unwrap_or(WindowPlace { width, height, x, y, maximized: false, fullscreen: false });
        let mut next = current;
        if report.maximized || report.fullscreen {
            if let Some((_, before)) = self.before.take().filter(|(at, _)| now.duration_since(*at) < SETTLE) {
                (next.width, next.height, next.x, next.y) = (before.width, before.height, before.x, before.y);
            }
        } else {
            (next.width, next.height) = (width, height);
            if let Some((x, y)) = report.position {
                (next.x, next.y) = (x, y);
            }
            let changed =
                (next.width, next.height, next.x, next.y) != (current.width, current.height, current.x, current.y);
            let settled = self.before.is_none_or(|(at, _)| now.duration_since(at) >= SETTLE);
            if changed && settled {
                self.before = Some((now, current));
            }
        }
        (next.maximized, next.fullscreen) = (report.maximized, report.fullscreen);
        self.place = Some(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: Area = Area { x: 0, y: 0, width: 1920, height: 1080 };

    fn place(x: i32, y: i32) -> WindowPlace {
        WindowPlace { width: 480, height: 720, x, y, maximized: false, fullscreen: false }
    }

    #[test]
    fn a_saved_place_is_read_back_and_replaces_the_last_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("window.json");
        assert_eq!(WindowPlace::load(&path), None);
        place(10, 20).save(&path).unwrap();
        let moved = WindowPlace { maximized: true, ..place(30, 40) };
        moved.save(&path).unwrap();
        assert_eq!(WindowPlace::load(&path), Some(moved));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["window.json"], "no temporary file is left behind");
    }

    #[test]
    fn an_unreadable_file_means_no_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("window.json");
        std::fs::write(&path, b"{\"width\": 12").unwrap();
        assert_eq!(WindowPlace::load(&path), None);
    }

    #[test]
    fn a_window_with_a_top_corner_on_a_monitor_is_on_screen() {
        assert!(place(100, 100).is_on(&[SCREEN]));
        // Mostly off the left edge, but its top-right corner is on the screen.
        assert!(place(-400, 100).is_on(&[SCREEN]));
        // On a second monitor to the right.
        let second = Area { x: 1920, y: 0, width: 1280, height: 1024 };
        assert!(place(2000, 100).is_on(&[SCREEN, second]));
    }

    #[test]
    fn a_window_left_on_a_monitor_that_is_gone_is_not_on_screen() {
        assert!(!place(2000, 100).is_on(&[SCREEN]));
        assert!(!place(100, 100).is_on(&[]));
        // Just past the right edge: its left corners are one pixel off the screen.
        assert!(!place(1920, 0).is_on(&[SCREEN]));
        // Its bottom reaches the screen but its title bar is on a monitor above that is gone: out of reach.
        assert!(!place(100, -700).is_on(&[SCREEN]));
    }

    fn report(size: (u32, u32), position: (i32, i32), maximized: bool) -> Report {
        Report { size, position: Some(position), maximized, fullscreen: false }
    }

    fn geometry(place: Option<WindowPlace>) -> (u32, u32, i32, i32, bool) {
        let p = place.expect("a place");
        (p.width, p.height, p.x, p.y, p.maximized)
    }

    #[test]
    fn a_maximise_reported_after_its_move_and_resize_keeps_the_size_and_place_from_before() {
        let start = Instant::now();
        let ms = |n| start + Duration::from_millis(n);
        let mut tracker = Tracker::new(Some(place(300, 200)));
        // Windows: the move arrives before the maximised flag, with the screen's size already.
        tracker.note(report((1920, 1040), (-8, -8), false), ms(0));
        tracker.note(report((1920, 1040), (-8, -8), true), ms(5));
        assert_eq!(geometry(tracker.place()), (480, 720, 300, 200, true));
        // Leaving the maximised state reports the old size and place again.
        tracker.note(report((480, 720), (300, 200), false), ms(3_000));
        assert_eq!(geometry(tracker.place()), (480, 720, 300, 200, false));
    }

    #[test]
    fn a_move_long_before_a_maximise_is_kept() {
        let start = Instant::now();
        let mut tracker = Tracker::new(Some(place(300, 200)));
        // The user drags the window, then resizes it, and maximises it minutes later.
        tracker.note(report((480, 720), (500, 400), false), start);
        tracker.note(report((520, 640), (500, 400), false), start + Duration::from_millis(300));
        let later = start + Duration::from_secs(120);
        tracker.note(report((1920, 1080), (0, 0), true), later);
        assert_eq!(geometry(tracker.place()), (520, 640, 500, 400, true));
    }

    #[test]
    fn without_a_place_from_the_system_the_last_known_one_stays() {
        let mut tracker = Tracker::new(Some(place(300, 200)));
        let wayland = Report { size: (600, 700), position: None, maximized: false, fullscreen: false };
        tracker.note(wayland, Instant::now());
        assert_eq!(geometry(tracker.place()), (600, 700, 300, 200, false));
        // A first run has no saved place: the first report gives one.
        let mut first = Tracker::new(None);
        assert_eq!(first.place(), None);
        first.note(report((480, 720), (10, 20), false), Instant::now());
        assert_eq!(geometry(first.place()), (480, 720, 10, 20, false));
    }
}
