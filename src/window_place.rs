//! Where the user left the window: its size and place on the screen, and whether it was maximised or full screen.
//! The desktop shell restores it at start-up and saves it when the window closes.
//!
//! Stored as a small JSON file beside the vault and replaced atomically, like the preferences. It holds nothing
//! secret and nothing worth keeping aside: a file that cannot be read only means the window opens at its default.
//!
//! ```
//! use twofold::window_place::{Area, WindowPlace};
//!
//! let place = WindowPlace { width: 480, height: 720, x: 2000, y: 40, maximized: false, fullscreen: false };
//! let laptop = Area { x: 0, y: 0, width: 1920, height: 1080 };
//! let second = Area { x: 1920, y: 0, width: 2560, height: 1440 };
//! assert!(place.is_on(&[laptop, second]));
//! // Left on the second monitor, which is now unplugged: the window is not put back off screen.
//! assert!(!place.is_on(&[laptop]));
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::settings::SettingsError;

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
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        crate::settings::replace_json(path, ".window-", self)
    }

    /// Whether a corner of the window would be on one of `monitors`. A window left on a monitor that has since
    /// gone is not put back where nobody can see it.
    pub fn is_on(&self, monitors: &[Area]) -> bool {
        let (left, top) = (i64::from(self.x), i64::from(self.y));
        let (right, bottom) = (left + i64::from(self.width) - 1, top + i64::from(self.height) - 1);
        let corners = [(left, top), (right, top), (left, bottom), (right, bottom)];
        monitors.iter().any(|monitor| corners.iter().any(|&corner| monitor.contains(corner)))
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
    fn a_window_with_a_corner_on_a_monitor_is_on_screen() {
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
        assert!(!place(100, -800).is_on(&[SCREEN]));
        assert!(!place(100, 100).is_on(&[]));
        // Just past the right edge: its left corners are one pixel off the screen.
        assert!(!place(1920, 0).is_on(&[SCREEN]));
    }
}
