//! Twofold's desktop shell: a Tauri window around the `twofold` core. Commands here only translate between the
//! web UI and the core; the core does the work.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
#[cfg(test)]
mod leak_tests;
#[cfg(target_os = "linux")]
mod linux_webview;
#[cfg(target_os = "linux")]
mod lookup_order;
mod pairing;
mod placement;
mod state;
mod tray;
mod views;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::Manager;

/// The window's label in `tauri.conf.json`.
const MAIN_WINDOW: &str = "main";

/// Overrides the folder that holds the vault (tests and demonstrations use a scratch folder).
const DATA_DIR_ENV: &str = "TWOFOLD_DATA_DIR";

fn main() {
    let started = std::time::Instant::now();
    #[cfg(target_os = "linux")]
    linux_webview::prepare_environment();
    let builder = tauri::Builder::default()
        // First among plugins: a second launch focuses the running window instead of opening the vault twice.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| bring_to_front(app)))
        .setup(move |app| {
            let dir = match std::env::var_os(DATA_DIR_ENV) {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            // Where the window was left; `show_window` puts it back.
            app.manage(placement::Placement::load(dir.join("window.json")));
            let state = Arc::new(state::AppState::new(dir, started));
            // Open the vault (a keychain round trip) while the webview loads, so the codes are ready when the
            // page asks for them.
            let early = Arc::clone(&state);
            std::thread::spawn(move || early.open_early());
            let keep_in_tray = state.keeps_in_tray();
            app.manage(Arc::clone(&state));
            show_window(app)?;
            if keep_in_tray {
                // Without the icon, closing the window quits as usual; the settings page can try again.
                if let Err(problem) = tray::apply(app.handle(), true) {
                    eprintln!("{problem}");
                    state.tray_unavailable();
                }
            }
            Ok(())
        })
        // Files dragged onto the window from a file manager arrive here, with their paths (a web page is only
        // given the names): the shell reads them as pictures and sends what they hold to the UI.
        .on_window_event(|window, event| {
            window.state::<placement::Placement>().follow(window, event);
            match event {
                tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) => {
                    window.state::<Arc<state::AppState>>().files_dropped(paths.clone());
                }
                // With the tray icon shown, closing the window keeps Twofold running there.
                tauri::WindowEvent::CloseRequested { api, .. } if tray::is_shown(window.app_handle()) => {
                    api.prevent_close();
                    let _ = window.hide();
                }
                _ => {}
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::startup,
            commands::unlock_with_password,
            commands::create_vault,
            commands::list_accounts,
            commands::copy_code,
            commands::delete_account,
            commands::restore_account,
            commands::list_trash,
            commands::restore_from_trash,
            commands::delete_for_good,
            commands::rename_account,
            commands::set_favorite,
            commands::move_account,
            commands::next_code,
            commands::reveal_secret,
            commands::account_qr,
            commands::list_cameras,
            commands::start_camera,
            commands::stop_camera,
            commands::scan_image,
            commands::watch_drops,
            commands::scan_screen,
            commands::scan_clipboard,
            commands::scan_link,
            commands::add_manual,
            commands::pending_accounts,
            commands::confirm_pending,
            commands::discard_pending,
            commands::get_settings,
            commands::save_settings,
            commands::set_password,
            commands::report_timing,
        ]);
    let app = match build(builder) {
        Ok(app) => app,
        Err(problem) => {
            eprintln!("{problem}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            handle.state::<placement::Placement>().save();
            handle.state::<Arc<state::AppState>>().on_exit();
        }
    });
}

/// Brings the window back to the front with the keyboard: a second launch, or the tray icon. It runs on the UI
/// thread, so that a close arriving meanwhile cannot be undone halfway.
fn bring_to_front<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        if let Some(window) = handle.get_webview_window(MAIN_WINDOW) {
            let _ = raise(&window);
        }
    });
}

/// Shows the window and gives it the keyboard, at once; call it on the UI thread. Tauri's `show` reaches GTK on
/// the event loop's next turn, and its focus request for a window still hidden is dropped; GTK's own `present`
/// only shows a hidden window (the focus is left to a window manager, if any) and focuses one already shown. So on
/// Linux the window is shown through GTK first, then presented.
fn raise<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::{GtkWindowExt, WidgetExt};
        let gtk_window = window.gtk_window()?;
        gtk_window.deiconify();
        gtk_window.show_all();
        gtk_window.present();
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        window.unminimize()?;
        window.show()?;
        window.set_focus()
    }
}

/// Shows the window at its remembered size and place, and gives it the keyboard. It is created hidden
/// (`"visible": false` in `tauri.conf.json`), and by now WebKit has started loading the page: so its web process
/// starts while GTK lays out and maps the window, instead of after (on Linux that brings the codes up 10 to 20 ms
/// sooner), and the window appears where it was left instead of moving there after it appeared.
fn show_window(app: &tauri::App) -> tauri::Result<()> {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return Ok(());
    };
    // A size or place that cannot be restored is not worth a hidden window: it opens at the default instead.
    let _ = app.state::<placement::Placement>().restore(&window.as_ref().window());
    raise(&window)
}

/// Why the window could not start, as the sentence the user reads.
#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error(
        "Twofold could not start its window: {0}. On Linux, check that a display is available (DISPLAY or WAYLAND_DISPLAY) and that WebKitGTK 4.1 is installed."
    )]
    Window(tauri::Error),
    #[error(
        "Twofold could not open its window because no display could be reached. Start it from a desktop session; if you did, check that DISPLAY or WAYLAND_DISPLAY names a running display."
    )]
    NoDisplay,
}

/// Builds the app. Where GTK cannot reach a display, the window library panics instead of returning an error;
/// that panic becomes [`StartError::NoDisplay`] and its message is not printed, so the user reads a sentence
/// instead. Any other panic is reported and goes on as before.
fn build(builder: tauri::Builder<tauri::Wry>) -> Result<tauri::App, StartError> {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_no_display(info.payload()) {
            report(info);
        }
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.build(tauri::generate_context!()))) {
        Ok(app) => app.map_err(StartError::Window),
        Err(payload) if is_no_display(payload.as_ref()) => Err(StartError::NoDisplay),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Whether a panic is the window library's "Failed to initialize gtk backend!", which it raises when GTK finds no
/// display.
fn is_no_display(payload: &(dyn std::any::Any + Send)) -> bool {
    let message =
        payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied());
    message.is_some_and(|message| message.starts_with("Failed to initialize gtk backend"))
}
