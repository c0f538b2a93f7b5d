//! The tray icon, shown only when the user chooses "Keep Twofold in the tray" in the settings. While it is shown,
//! closing the window hides it instead of quitting; the tray's menu (or starting Twofold again) brings it back,
//! and "Quit Twofold" ends the program. Off by default: the tray's libraries are loaded only once it is chosen.
//!
//! The menu lists the favourite accounts first: choosing one copies its code, as a click in the window does. Then
//! Open Twofold, Quick copy… (the palette), Lock and Quit. It is built again whenever the accounts change or
//! Twofold locks or opens, from what the state says then.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

pub use crate::error::TrayError;

/// The tray icon's id; there is at most one.
const TRAY: &str = "main";
const SHOW: &str = "show";
const PALETTE: &str = "palette";
const LOCK: &str = "lock";
const QUIT: &str = "quit";
/// The id of a favourite's item: this, then the account's id.
const COPY: &str = "copy:";
/// A favourite's name is cut to this many characters in the menu.
const NAME_CHARS: usize = 48;

use crate::state::{AppState, LockState};

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

/// What the menu shows: the favourites (id, name) and what the Lock item can do.
struct MenuState {
    favourites: Vec<(String, String)>,
    lock: LockState,
}

impl MenuState {
    fn now(state: &AppState) -> Self {
        MenuState { favourites: state.favourites(), lock: state.lock_state() }
    }
}

fn menu<R: Runtime>(app: &AppHandle<R>, now: &MenuState) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    for (id, name) in &now.favourites {
        menu.append(&MenuItem::with_id(app, format!("{COPY}{id}"), label(name), true, None::<&str>)?)?;
    }
    if !now.favourites.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    let locked = now.lock == LockState::Locked;
    menu.append(&MenuItem::with_id(app, SHOW, "Open Twofold", true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(app, PALETTE, "Quick copy…", true, None::<&str>)?)?;
    // "Lock Twofold" while it is open and can be locked (it has a recovery password), "Unlock Twofold…" while locked.
    let lock_text = if locked { "Unlock Twofold…" } else { "Lock Twofold" };
    menu.append(&MenuItem::with_id(app, LOCK, lock_text, now.lock != LockState::NotLockable, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(app, QUIT, "Quit Twofold", true, None::<&str>)?)?;
    Ok(menu)
}

/// An account's name as a menu item shows it: shortened, and with `&` kept (Windows and GTK read a single `&` as
/// the mark of a mnemonic; macOS shows the text as it is).
fn label(name: &str) -> String {
    let short = match name.char_indices().nth(NAME_CHARS) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_owned(),
    };
    if cfg!(target_os = "macos") { short } else { short.replace('&', "&&") }
}

/// Builds the menu again from what `now` says, on the UI thread, without waiting for it (the caller may hold the
/// state's locks).
fn refresh<R: Runtime>(app: &AppHandle<R>, now: MenuState) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        let Some(tray) = handle.tray_by_id(TRAY) else { return };
        match menu(&handle, &now) {
            Ok(menu) => drop(tray.set_menu(Some(menu))),
            Err(problem) => eprintln!("Twofold could not update its tray menu: {problem}"),
        }
    });
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let state = app.state::<Arc<AppState>>();
    match id {
        SHOW => crate::window::bring_to_front(app),
        PALETTE => crate::palette::open(app),
        LOCK => {
            // Locked already: the window shows the unlock screen.
            if !state.lock_when_idle_from_tray() {
                crate::window::bring_to_front(app);
            }
        }
        QUIT => app.exit(0),
        _ => {
            if let Some(account) = id.strip_prefix(COPY) {
                let (state, account) = (Arc::clone(&state), account.to_owned());
                // The clipboard and the vault are not for the UI thread.
                std::thread::spawn(move || {
                    if let Err(problem) = state.copy_code(&account) {
                        eprintln!("{problem}");
                    }
                });
            }
        }
    }
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let state = app.state::<Arc<AppState>>();
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Twofold")
        .menu(&menu(app, &MenuState::now(&state))?)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
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
    let handle = app.clone();
    let watched = Arc::clone(&state);
    state.on_lock_state(move |lock| refresh(&handle, MenuState { favourites: watched.favourites(), lock }));
    let handle = app.clone();
    let watched = Arc::clone(&state);
    state.on_accounts_changed(move || refresh(&handle, MenuState::now(&watched)));
    Ok(())
}
