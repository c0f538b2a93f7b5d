//! The tray icon, shown only when the user chooses "Keep Twofold in the tray" in the settings. While it is shown,
//! closing the window hides it instead of quitting; the tray's menu (or starting Twofold again) brings it back,
//! and "Quit Twofold" ends the program. Off by default: the tray's libraries are loaded only once it is chosen.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

pub use crate::error::TrayError;

/// The tray icon's id; there is at most one.
const TRAY: &str = "main";
const SHOW: &str = "show";
const LOCK: &str = "lock";
const QUIT: &str = "quit";

/// Whether the icon is shown, kept beside it: Tauri can hide an icon but not tell whether it is hidden.
#[derive(Default)]
struct Shown(AtomicBool);

/// Shows the tray icon (`keep` true) or hides it. An icon once built is hidden and shown again, never removed: on
/// Linux, AppIndicator keeps a removed icon on D-Bus, hidden, and a new icon with its id would stay hidden too.
pub fn apply<R: Runtime>(app: &AppHandle<R>, keep: bool) -> Result<(), TrayError> {
    if keep == is_shown(app) {
        return Ok(());
    }
    match app.tray_by_id(TRAY) {
        Some(tray) => tray.set_visible(keep).map_err(|e| TrayError::Failed(e.to_string()))?,
        None if keep => {
            check_available()?;
            build(app).map_err(|e| TrayError::Failed(e.to_string()))?;
        }
        None => {}
    }
    app.manage(Shown::default()); // once; later calls keep the first
    app.state::<Shown>().0.store(keep, Ordering::SeqCst);
    Ok(())
}

/// Shows or hides the icon as `keep` says, then runs `save`, the saving of that choice; if the save fails, the icon
/// goes back as it was. A choice the desktop cannot honour is not saved, and one that is not saved is not in effect.
pub async fn apply_and_save<R: Runtime, T, E: From<TrayError>>(
    app: &AppHandle<R>,
    keep: bool,
    save: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let before = is_shown(app);
    apply(app, keep)?;
    let saved = save.await;
    if saved.is_err() {
        let _ = apply(app, before);
    }
    saved
}

/// Whether closing the window should hide it into the tray: only while the icon is there to bring it back.
pub fn is_shown<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<Shown>().is_some_and(|shown| shown.0.load(Ordering::SeqCst))
}

/// Checks, before the icon is built, that it can be: on Linux the tray library panics when it finds no
/// AppIndicator library, and a panic on the UI thread would end the program.
fn check_available() -> Result<(), TrayError> {
    #[cfg(target_os = "linux")]
    {
        // The names the tray library itself tries, in its order.
        let found = ["libayatana-appindicator3.so.1", "libappindicator3.so.1"].iter().any(|name| {
            // SAFETY: these libraries only register GObject types when loaded; no other code of theirs runs.
            unsafe { libloading::Library::new(name) }.is_ok()
        });
        if !found {
            return Err(TrayError::NoIndicatorLibrary);
        }
    }
    Ok(())
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let show = MenuItem::with_id(app, SHOW, "Show Twofold", true, None::<&str>)?;
    let lock = MenuItem::with_id(app, LOCK, "Lock Twofold", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Twofold", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &lock, &quit])?;
    // "Lock Twofold" while it is open and can be locked (it has a recovery password), "Unlock Twofold…" while locked.
    let state = app.state::<std::sync::Arc<crate::state::AppState>>();
    let handle = app.clone();
    state.on_lock_state(move |now| {
        use crate::state::LockState;
        let lock = lock.clone();
        // Posted to the UI thread, never waited for: the caller may hold the state's locks.
        let _ = handle.run_on_main_thread(move || {
            let _ = lock.set_text(if now == LockState::Locked { "Unlock Twofold…" } else { "Lock Twofold" });
            let _ = lock.set_enabled(now != LockState::NotLockable);
        });
    });
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Twofold")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            SHOW => crate::window::bring_to_front(app),
            LOCK => {
                let state = app.state::<std::sync::Arc<crate::state::AppState>>();
                // Locked already: the window shows the unlock screen.
                if !state.lock_when_idle_from_tray() {
                    crate::window::bring_to_front(app);
                }
            }
            QUIT => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            // Windows and macOS report clicks; on Linux the icon only opens its menu.
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                crate::window::bring_to_front(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}
