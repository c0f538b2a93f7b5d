//! Twofold's desktop shell: a Tauri window around the `twofold` core. Commands here only translate between the
//! web UI and the core; the core does the work.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app_lock;
mod backups;
mod browser_host;
mod browser_link;
mod browser_setup;
mod cli;
mod commands;
mod contract;
mod error;
mod exports;
mod focus;
mod harden;
#[cfg(unix)]
mod instance_socket;
#[cfg(test)]
mod leak_tests;
#[cfg(target_os = "linux")]
mod linux_webview;
#[cfg(target_os = "linux")]
mod lookup_order;
mod navigation;
mod open_vault;
mod pairing;
mod palette;
mod placement;
#[cfg(target_os = "linux")]
mod session_watch;
mod shortcut;
mod state;
mod tray;
mod views;
mod window;
mod window_place;

use std::sync::Arc;

use tauri::Manager;

fn main() {
    let started = std::time::Instant::now();
    // First of all, before any secret is in memory: a crash must not write one to a core file.
    harden::no_core_dumps();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(caller) = browser_host::caller(&args) {
        std::process::exit(browser_host::run(&caller));
    }
    if cli::is_command(&args) {
        #[cfg(windows)]
        attach_console();
        std::process::exit(cli::run(args));
    }
    #[cfg(target_os = "linux")]
    linux_webview::prepare_environment();
    let builder = tauri::Builder::default();
    // First among plugins: a second launch focuses the running window instead of opening the vault twice. On
    // macOS a socket of the user's own does it (`instance_socket.rs`), in `setup` below.
    #[cfg(not(target_os = "macos"))]
    let builder = builder.plugin(tauri_plugin_single_instance::init(|app, args, _cwd| second_launch(app, &args)));
    let builder = builder
        // The system's file and folder pickers, opened from Rust only: the page is granted none of the plugin's
        // commands.
        .plugin(tauri_plugin_dialog::init())
        // The palette's shortcut, set from Rust only: the page is granted none of the plugin's commands.
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        .plugin(navigation::guard())
        .setup(move |app| {
            #[cfg(target_os = "macos")]
            {
                let handle = app.handle().clone();
                let socket = instance_socket::path_in(&std::env::temp_dir());
                let args: Vec<String> = std::env::args().collect();
                if !instance_socket::claim(&socket, &args, move |args| second_launch(&handle, &args))? {
                    std::process::exit(0);
                }
            }
            // The same folder the command line finds (`TWOFOLD_DATA_DIR` overrides it).
            let dir = match twofold::paths::data_dir() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            // Where the window was left; `show_window` puts it back.
            app.manage(placement::Placement::load(dir.join("window.json")));
            let replay_camera = twofold::scan::ReplaySource::from_env();
            let state = Arc::new(state::AppState::new(dir, started, replay_camera));
            // The command line and the browser connector ask the app that holds the vault, through a socket only
            // this user can open.
            if let Some(endpoint) = twofold::ipc::socket::Endpoint::for_user() {
                let answering = Arc::clone(&state);
                if let Err(problem) = twofold::ipc::socket::serve(endpoint, move |request| answering.answer(request)) {
                    eprintln!(
                        "Twofold cannot answer the command line ({problem}); its commands will say it is running."
                    );
                }
            }
            // Before the vault opens, so that the opening is the backups' first look.
            state.backups.start();
            // Open the vault (a keychain round trip) while the webview loads, so the codes are ready when the
            // page asks for them.
            let early = Arc::clone(&state);
            std::thread::spawn(move || early.open_early());
            // The app lock's clock; locking tells the page, which drops its codes.
            let idle = Arc::clone(&state);
            state.idle.start(move || idle.lock_when_idle());
            #[cfg(target_os = "linux")]
            {
                let away = Arc::clone(&state);
                session_watch::watch(move || away.lock_when_away());
            }
            let keep_in_tray = state.keeps_in_tray();
            app.manage(Arc::clone(&state));
            let themed = Arc::clone(&state);
            app.manage(palette::Palette::new(move || themed.theme()));
            #[cfg(target_os = "linux")]
            app.manage(shortcut::PortalShortcut::default());
            // A browser's pairing or question brings the window forward.
            let front = app.handle().clone();
            state.browser.on_attention(move || window::bring_to_front(&front));
            window::show(app)?;
            // Asked for at start: opened at once. Otherwise built hidden once the window's page had its turn, so
            // that it opens at once later.
            if palette::is_asked(&std::env::args().collect::<Vec<_>>()) {
                palette::open(app.handle());
            }
            let handle = app.handle().clone();
            let later = Arc::clone(&state);
            // The shortcut is set off the UI thread (the plugin waits for its turn there, and a desktop's portal
            // may ask the user first).
            tauri::async_runtime::spawn(async move {
                match shortcut::apply(&handle, later.quick_copy_shortcut().as_deref()).await {
                    Ok(by_desktop) => later.shortcut_set(by_desktop),
                    Err(problem) => {
                        eprintln!("{problem}");
                        later.shortcut_unavailable(&problem);
                    }
                }
            });
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(2));
                palette::prepare(&handle);
            });
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
            if window.label() == palette::PALETTE_WINDOW {
                return palette::window_event(window, event);
            }
            window.state::<placement::Placement>().follow(window, event);
            match event {
                tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) => {
                    window.state::<Arc<state::AppState>>().pairings.files_dropped(paths.clone());
                }
                // With the tray icon shown, closing the window keeps Twofold running there.
                tauri::WindowEvent::CloseRequested { api, .. } if tray::is_shown(window.app_handle()) => {
                    api.prevent_close();
                    let _ = window.hide();
                }
                // Otherwise closing it quits, though the palette's window, hidden, is still there.
                tauri::WindowEvent::Destroyed => window.app_handle().exit(0),
                _ => {}
            }
        })
        .invoke_handler(commands::handler());
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

/// A second launch of Twofold: it asks for the palette (`twofold --palette`), or for the window.
fn second_launch<R: tauri::Runtime>(app: &tauri::AppHandle<R>, args: &[String]) {
    if palette::is_asked(args) {
        palette::open(app);
    } else {
        window::bring_to_front(app);
    }
}

/// Connects the command line to the console it was started from: the program is a windowed one on Windows, which
/// gets no console of its own.
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: AttachConsole takes a process id (here the constant for the parent) and only connects this process
    // to that process's console; it fails harmlessly when there is none.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
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
