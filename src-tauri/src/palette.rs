//! The quick-copy palette: a small window over whatever has the keyboard, with a search field and the best
//! matches' codes. Enter copies and closes it, Escape closes it, and the keyboard goes back to the window that had
//! it ([`crate::focus`]). It is built hidden soon after start-up and only shown and hidden afterwards, so that it
//! opens at once; the finding and copying are the app state's ([`crate::state::AppState::find_accounts`],
//! [`crate::state::AppState::quick_copy`]).

use std::sync::Mutex;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use twofold::settings::Theme;
use twofold::sync::lock;

use crate::focus::{self, Previous};

/// The palette window's label.
pub const PALETTE_WINDOW: &str = "palette";

/// The palette's size, in logical pixels: the search field and eight rows.
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 500.0;

/// The argument that asks the app, running or not, for the palette.
pub const PALETTE_ARG: &str = "--palette";

/// The palette's state, managed by Tauri.
pub struct Palette {
    /// Told each time the palette opens, with the theme of the settings, so the page starts afresh.
    opened: Mutex<Option<Channel<Opened>>>,
    /// The window that had the keyboard before the palette opened.
    previous: Mutex<Option<Previous>>,
    /// The theme chosen in the settings now.
    theme: Box<dyn Fn() -> Theme + Send + Sync>,
}

impl Palette {
    /// The palette's state; `theme` says the theme of the settings when asked.
    pub fn new(theme: impl Fn() -> Theme + Send + Sync + 'static) -> Self {
        Palette { opened: Mutex::new(None), previous: Mutex::new(None), theme: Box::new(theme) }
    }

    /// Tells `opened` the theme now, and whether the palette is `shown` (asked for before its page was ready), and
    /// from now on each time the palette opens.
    pub fn watch(&self, opened: Channel<Opened>, shown: bool) {
        let _ = opened.send(Opened { theme: (self.theme)(), shown });
        *lock(&self.opened) = Some(opened);
    }
}

/// What the palette's page is told: the theme of the settings, and whether it is shown (a page built hidden does
/// nothing until it is).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Opened {
    theme: Theme,
    shown: bool,
}

/// Whether the arguments of a launch ask for the palette.
pub fn is_asked(args: &[String]) -> bool {
    args.iter().skip(1).any(|arg| arg == PALETTE_ARG)
}

/// Builds the palette hidden, if it is not built yet; call it on the UI thread.
fn built<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    if let Some(window) = app.get_webview_window(PALETTE_WINDOW) {
        return Ok(window);
    }
    WebviewWindowBuilder::new(app, PALETTE_WINDOW, WebviewUrl::App("palette.html".into()))
        .title("Twofold quick copy")
        .inner_size(WIDTH, HEIGHT)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .visible(false)
        .build()
}

/// Builds the palette hidden, so that it opens at once when asked for.
pub fn prepare<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        if let Err(problem) = built(&handle) {
            eprintln!("Twofold could not prepare its quick-copy window: {problem}");
        }
    });
}

/// Opens the palette over the window that has the keyboard, which is remembered.
pub fn open<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        let window = match built(&handle) {
            Ok(window) => window,
            Err(problem) => {
                eprintln!("Twofold could not open its quick-copy window: {problem}");
                return crate::window::bring_to_front(&handle);
            }
        };
        let palette = handle.state::<Palette>();
        if !window.is_visible().unwrap_or(false) {
            *lock(&palette.previous) = focus::remember();
            place(&window);
        }
        if let Some(opened) = lock(&palette.opened).as_ref() {
            let _ = opened.send(Opened { theme: (palette.theme)(), shown: true });
        }
        let _ = crate::window::raise(&window);
        take_keyboard(&window);
    });
}

/// Asks for the keyboard for the palette: it opens over another program's window, whose keyboard it takes. Through
/// GDK on Linux, which asks the window manager or, with none, the X server itself (`present` leaves a newly shown
/// window's keyboard to a window manager).
fn take_keyboard<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    if let Ok(gtk_window) = window.gtk_window() {
        use gtk::prelude::WidgetExt;
        if let Some(gdk_window) = gtk_window.window() {
            gdk_window.focus(0);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window.set_focus();
}

/// Puts the palette in the middle of the screen the pointer is on, a fifth of the way down, where the eye goes
/// first (a search field in the centre of the screen sits below it).
fn place<R: Runtime>(window: &WebviewWindow<R>) {
    let pointer = window.cursor_position().ok();
    let monitor = pointer
        .and_then(|at| window.monitor_from_point(at.x, at.y).ok().flatten())
        .or_else(|| window.primary_monitor().ok().flatten());
    let Some(monitor) = monitor else { return };
    let (origin, size, scale) = (monitor.position(), monitor.size(), monitor.scale_factor());
    let width = i32::try_from(size.width).unwrap_or(i32::MAX);
    let height = i32::try_from(size.height).unwrap_or(i32::MAX);
    // Whole pixels are all a window can be placed at.
    #[allow(clippy::cast_possible_truncation, reason = "a window is far narrower than i32::MAX pixels")]
    let own = (WIDTH * scale).round() as i32;
    let x = origin.x + (width - own).max(0) / 2;
    let y = origin.y + height / 5;
    let _ = window.set_position(tauri::PhysicalPosition::new(x, y));
}

/// Closes the palette; with `give_back`, the keyboard goes back to the window that had it before.
pub fn close<R: Runtime>(app: &AppHandle<R>, give_back: bool) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        if let Some(window) = handle.get_webview_window(PALETTE_WINDOW) {
            let _ = window.hide();
        }
        let previous = lock(&handle.state::<Palette>().previous).take();
        if let Some(previous) = previous.filter(|_| give_back) {
            focus::give_back(previous);
        }
    });
}

/// What the palette does with its window's events: closing it only hides it, as it is kept built. (Its page closes
/// it when the user turns to another window.)
pub fn window_event<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    if let tauri::WindowEvent::CloseRequested { api, .. } = event {
        api.prevent_close();
        close(window.app_handle(), false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_is_asked_for_by_its_argument_anywhere_after_the_program() {
        let args = |list: &[&str]| list.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        assert!(is_asked(&args(&["twofold", "--palette"])));
        assert!(is_asked(&args(&["/usr/bin/twofold", "--minimized", "--palette"])));
        assert!(!is_asked(&args(&["twofold"])));
        assert!(!is_asked(&args(&["--palette"])), "the program's own name is not an argument");
    }
}
