//! The main window: shown at start-up where it was left, and brought back to the front with the keyboard (a second
//! launch, the tray).

use tauri::Manager;

use crate::placement::Placement;

/// The window's label in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

/// Brings the window back to the front with the keyboard: a second launch, or the tray icon. It runs on the UI
/// thread, so that a close arriving meanwhile cannot be undone halfway.
pub fn bring_to_front<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
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
pub(crate) fn raise<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
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
pub fn show(app: &tauri::App) -> tauri::Result<()> {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return Ok(());
    };
    // A size or place that cannot be restored is not worth a hidden window: it opens at the default instead.
    let _ = app.state::<Placement>().restore(&window.as_ref().window());
    raise(&window)
}

/// Asks for a folder with the system's picker, over the main window; `None` when the user cancels. Blocks: call it
/// off the UI thread.
pub fn choose_folder<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> Option<String> {
    use tauri_plugin_dialog::DialogExt;
    let mut picker = app.dialog().file().set_title("Choose the folder for backups");
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        picker = picker.set_parent(&window);
    }
    picker.blocking_pick_folder().and_then(|p| p.into_path().ok()).map(|p| p.display().to_string())
}

/// Asks where to save a file, offering `name` in the documents folder, with the system's picker; `None` when the
/// user cancels. Blocks: call it off the UI thread.
pub fn choose_save_file<R: tauri::Runtime>(app: &tauri::AppHandle<R>, name: &str) -> Option<String> {
    use tauri_plugin_dialog::DialogExt;
    let mut picker = app.dialog().file().set_title("Export to").set_file_name(name);
    if let Some(folder) = twofold::paths::export_folder() {
        picker = picker.set_directory(folder);
    }
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        picker = picker.set_parent(&window);
    }
    picker.blocking_save_file().and_then(|p| p.into_path().ok()).map(|p| p.display().to_string())
}

/// Asks `question` in the system's own dialog over the main window, titled and answered with `yes`, or "Cancel";
/// whether the user chose `yes`. The page cannot answer it, so a compromised page cannot confirm for the user. Blocks: call it off
/// the UI thread.
pub fn confirm<R: tauri::Runtime>(app: &tauri::AppHandle<R>, question: &str, yes: &str) -> bool {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let mut dialog = app
        .dialog()
        .message(question)
        .title(yes)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(yes.to_owned(), "Cancel".to_owned()));
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        dialog = dialog.parent(&window);
    }
    dialog.blocking_show()
}
