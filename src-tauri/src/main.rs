//! Twofold's desktop shell: a Tauri window around the `twofold` core. Commands here only translate between the
//! web UI and the core; the core does the work.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::sample_code])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!(
            "Twofold could not start its window: {error}. On Linux, check that a display is available (DISPLAY or WAYLAND_DISPLAY) and that WebKitGTK 4.1 is installed."
        );
        std::process::exit(1);
    }
}
