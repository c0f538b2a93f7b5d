//! The window reopens where the user left it. Its size and place (`window.json` beside the vault) are put back
//! before the window is first shown, followed while it moves (a [`Tracker`]), and saved atomically when
//! it is asked to close and when the app exits.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use crate::window_place::{Area, Report, Tracker, WindowPlace};
use tauri::{PhysicalPosition, PhysicalSize, Runtime, Window, WindowEvent};

/// The window's place as followed, and the one on disk.
pub struct Placement {
    path: PathBuf,
    places: Mutex<Places>,
}

struct Places {
    tracker: Tracker,
    /// What the file holds, as far as this run knows.
    saved: Option<WindowPlace>,
}

impl Placement {
    /// Reads the place saved at `path`, if any.
    pub fn load(path: PathBuf) -> Self {
        let saved = WindowPlace::load(&path);
        Placement { path, places: Mutex::new(Places { tracker: Tracker::new(saved), saved }) }
    }

    fn places(&self) -> MutexGuard<'_, Places> {
        self.places.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts the window back where it was left; call it before the window is shown. A place on a monitor that has
    /// since gone keeps the size and lets the system choose the place.
    pub fn restore<R: Runtime>(&self, window: &Window<R>) -> tauri::Result<()> {
        let Some(place) = self.places().tracker.place() else {
            return Ok(());
        };
        let monitors: Vec<Area> = window
            .available_monitors()?
            .iter()
            .map(|m| Area { x: m.position().x, y: m.position().y, width: m.size().width, height: m.size().height })
            .collect();
        put(window, &place, place.is_on(&monitors))
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

    /// Tells the tracker where the window is now. A hidden or minimised window says nothing.
    fn note<R: Runtime>(&self, window: &Window<R>) {
        let shown = window.is_visible().unwrap_or(false) && !window.is_minimized().unwrap_or(true);
        let Ok(size) = window.inner_size() else {
            return;
        };
        if !shown || size.width == 0 || size.height == 0 {
            return;
        }
        let position = knows_its_place(window).then(|| window.outer_position().ok()).flatten();
        let (maximized, fullscreen) = states(window);
        let report =
            Report { size: (size.width, size.height), position: position.map(|p| (p.x, p.y)), maximized, fullscreen };
        self.places().tracker.note(report, Instant::now());
    }

    /// Saves the place followed, unless the file already holds it. A failure is reported on standard error: the
    /// window would only open at its default size next time.
    pub fn save(&self) {
        let mut places = self.places();
        let Some(place) = places.tracker.place().filter(|place| places.saved != Some(*place)) else {
            return;
        };
        match place.save(&self.path) {
            Ok(()) => places.saved = Some(place),
            Err(problem) => eprintln!("{problem}"),
        }
    }
}

/// Gives a hidden window its size, place (if `on_screen`) and state, so that it is first shown with them. On Linux
/// this goes to GTK at once: Tauri's setters reach GTK on the event loop's next turn, after the window is shown, and
/// a window manager then placed it at its default size about every other start (seen with Openbox).
#[cfg(target_os = "linux")]
fn put<R: Runtime>(window: &Window<R>, place: &WindowPlace, on_screen: bool) -> tauri::Result<()> {
    use gtk::prelude::GtkWindowExt;
    let gtk_window = window.gtk_window()?;
    let scale = window.scale_factor()?;
    if on_screen {
        let at = PhysicalPosition::new(place.x, place.y).to_logical::<i32>(scale);
        gtk_window.move_(at.x, at.y);
    }
    let size = PhysicalSize::new(place.width, place.height).to_logical::<i32>(scale);
    gtk_window.resize(size.width, size.height);
    if place.maximized {
        gtk_window.maximize();
    }
    if place.fullscreen {
        gtk_window.fullscreen();
    }
    Ok(())
}

/// Gives a hidden window its size, place (if `on_screen`) and state, so that it is first shown with them.
#[cfg(not(target_os = "linux"))]
fn put<R: Runtime>(window: &Window<R>, place: &WindowPlace, on_screen: bool) -> tauri::Result<()> {
    if on_screen {
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

/// Whether the window is maximised, and whether it is full screen. On Linux these come from GDK: Tauri reports full
/// screen only when the app itself asked for it, not when the window manager did (F11 there, say).
#[cfg(target_os = "linux")]
fn states<R: Runtime>(window: &Window<R>) -> (bool, bool) {
    use gtk::gdk::WindowState;
    use gtk::prelude::WidgetExt;
    match window.gtk_window().ok().and_then(|w| w.window()) {
        Some(shown) => {
            let state = shown.state();
            (state.contains(WindowState::MAXIMIZED), state.contains(WindowState::FULLSCREEN))
        }
        None => (window.is_maximized().unwrap_or(false), false),
    }
}

#[cfg(not(target_os = "linux"))]
fn states<R: Runtime>(window: &Window<R>) -> (bool, bool) {
    (window.is_maximized().unwrap_or(false), window.is_fullscreen().unwrap_or(false))
}

/// Whether the window system tells a window its place. Wayland does not (Tauri then reports 0, 0), so there the
/// place saved from an X11 session is kept.
fn knows_its_place<R: Runtime>(window: &Window<R>) -> bool {
    #[cfg(target_os = "linux")]
    {
        use gtk::glib::prelude::ObjectExt;
        use gtk::prelude::WidgetExt;
        window.gtk_window().is_ok_and(|w| w.display().type_().name() != "GdkWaylandDisplay")
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = window;
        true
    }
}
