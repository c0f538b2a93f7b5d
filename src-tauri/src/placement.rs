//! The window reopens where the user left it. Its size and place (`window.json` beside the vault) are put back
//! before the window is first shown, followed while it moves, and saved atomically when it closes and when the
//! app exits.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use tauri::{PhysicalPosition, PhysicalSize, Runtime, Window, WindowEvent};
use twofold::window_place::{Area, WindowPlace};

/// The window's last place, and the one on disk.
pub struct Placement {
    path: PathBuf,
    places: Mutex<Places>,
}

struct Places {
    /// The last place seen, or the saved one until the window has been seen.
    seen: Option<WindowPlace>,
    /// What the file holds, as far as this run knows.
    saved: Option<WindowPlace>,
}

impl Placement {
    /// Reads the place saved at `path`, if any.
    pub fn load(path: PathBuf) -> Self {
        let saved = WindowPlace::load(&path);
        Placement { path, places: Mutex::new(Places { seen: saved, saved }) }
    }

    fn places(&self) -> MutexGuard<'_, Places> {
        self.places.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts the window back where it was left; call it before the window is shown. A place on a monitor that
    /// has since gone keeps the size and lets the system choose the place.
    pub fn restore<R: Runtime>(&self, window: &Window<R>) -> tauri::Result<()> {
        let Some(place) = self.places().seen else {
            return Ok(());
        };
        let monitors: Vec<Area> = window
            .available_monitors()?
            .iter()
            .map(|m| Area { x: m.position().x, y: m.position().y, width: m.size().width, height: m.size().height })
            .collect();
        if place.is_on(&monitors) {
            window.set_position(PhysicalPosition::new(place.x, place.y))?;
        }
        window.set_size(PhysicalSize::new(place.width, place.height))?;
        if place.maximized {
            window.maximize()?;
        }
        if place.fullscreen {
            window.set_fullscreen(true)?;
        }
        Ok(())
    }

    /// Follows the window: its moves and resizes, and its place when it is asked to close, which is saved then
    /// (closing may only hide it in the tray, and the app may later end without another chance).
    pub fn follow<R: Runtime>(&self, window: &Window<R>, event: &WindowEvent) {
        match event {
            WindowEvent::Moved(_) | WindowEvent::Resized(_) => self.note(window),
            WindowEvent::CloseRequested { .. } => {
                self.note(window);
                self.save();
            }
            _ => {}
        }
    }

    /// Notes where the window is. Size and place are only taken from a window that is neither maximised nor full
    /// screen, so that leaving either state later goes back to them; a hidden or minimised window says nothing. A
    /// system that does not tell windows their place (Wayland) leaves the place as it was.
    fn note<R: Runtime>(&self, window: &Window<R>) {
        let shown = window.is_visible().unwrap_or(false) && !window.is_minimized().unwrap_or(true);
        let Ok(size) = window.inner_size() else {
            return;
        };
        if !shown || size.width == 0 || size.height == 0 {
            return;
        }
        let position = window.outer_position().ok();
        let maximized = window.is_maximized().unwrap_or(false);
        let fullscreen = window.is_fullscreen().unwrap_or(false);
        let mut places = self.places();
        let mut place = places.seen.unwrap_or(WindowPlace {
            width: size.width,
            height: size.height,
            x: position.map_or(0, |p| p.x),
            y: position.map_or(0, |p| p.y),
            maximized,
            fullscreen,
        });
        if !maximized && !fullscreen {
            (place.width, place.height) = (size.width, size.height);
            if let Some(position) = position {
                (place.x, place.y) = (position.x, position.y);
            }
        }
        (place.maximized, place.fullscreen) = (maximized, fullscreen);
        places.seen = Some(place);
    }

    /// Saves the last place seen, unless the file already holds it. A failure is reported on standard error: the
    /// window would only open at its default size next time.
    pub fn save(&self) {
        let mut places = self.places();
        let Some(place) = places.seen.filter(|seen| places.saved != Some(*seen)) else {
            return;
        };
        match place.save(&self.path) {
            Ok(()) => places.saved = Some(place),
            Err(problem) => eprintln!("{problem}"),
        }
    }
}
