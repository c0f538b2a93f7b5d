//! The global keyboard shortcut that opens the quick-copy palette from any program (Ctrl+Shift+Space unless the
//! user picks another, in the settings). Registered through Tauri's global-shortcut plugin, from Rust only: the
//! page is granted none of its commands. On X11, Windows and macOS the plugin grabs the keys for the whole
//! desktop. A Wayland session lets no program grab keys (an X11 grab only sees keys typed into X11 programs), so
//! there the settings say so and show the command to bind in the desktop's own keyboard settings,
//! `twofold --palette`, which works everywhere.

use tauri::{AppHandle, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Modifiers, Shortcut, ShortcutState};

pub use crate::error::ShortcutError;

/// Makes `wanted` (as the settings hold it: `Ctrl+Shift+Space`) the shortcut that opens the palette, in place of
/// any set before; `None` sets none.
pub fn apply<R: Runtime>(app: &AppHandle<R>, wanted: Option<&str>) -> Result<(), ShortcutError> {
    let parsed = wanted.map(parse).transpose()?;
    let shortcuts = app.global_shortcut();
    shortcuts.unregister_all().map_err(|e| ShortcutError::Failed(e.to_string()))?;
    let (Some(shortcut), Some(shown)) = (parsed, wanted) else { return Ok(()) };
    if !can_grab_keys() {
        return Err(ShortcutError::Unavailable);
    }
    shortcuts
        .on_shortcut(shortcut, |app, _, event| {
            if event.state == ShortcutState::Pressed {
                crate::palette::open(app);
            }
        })
        .map_err(|e| {
            // The plugin hands the library's error on as text only.
            let text = e.to_string();
            if text.starts_with("HotKey already registered") {
                ShortcutError::Taken(shown.to_owned())
            } else {
                ShortcutError::Failed(text)
            }
        })
}

/// Sets `wanted` as [`apply`] does, then runs `save`, the saving of that choice; if either fails, the shortcut set
/// before (`before`) is set again. A shortcut that is not saved is not in effect, and one that cannot be set is
/// not saved.
pub async fn apply_and_save<R: Runtime, T, E: From<ShortcutError>>(
    app: &AppHandle<R>,
    before: Option<&str>,
    wanted: Option<&str>,
    save: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    if let Err(problem) = apply(app, wanted) {
        let _ = apply(app, before);
        return Err(problem.into());
    }
    let saved = save.await;
    if saved.is_err() {
        let _ = apply(app, before);
    }
    saved
}

/// The shortcut in `text`, refused without Ctrl, Alt or Super (Shift alone would take a key from every program).
fn parse(text: &str) -> Result<Shortcut, ShortcutError> {
    let shortcut: Shortcut = text.parse().map_err(|_| ShortcutError::Invalid(text.to_owned()))?;
    if !shortcut.mods.intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER) {
        return Err(ShortcutError::NeedsModifier(text.to_owned()));
    }
    Ok(shortcut)
}

/// Whether this desktop lets a program grab keys: not a Wayland session, unless GTK was asked for X11.
fn can_grab_keys() -> bool {
    !cfg!(target_os = "linux")
        || std::env::var_os("WAYLAND_DISPLAY").is_none()
        || std::env::var("GDK_BACKEND").is_ok_and(|backend| backend.starts_with("x11"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortcut_needs_ctrl_alt_or_super_and_one_known_key() {
        assert!(parse("Ctrl+Shift+Space").is_ok());
        assert!(parse("Cmd+Shift+Space").is_ok());
        assert!(parse("Alt+K").is_ok());
        assert!(parse("Super+F5").is_ok());
        assert!(matches!(parse("Shift+K"), Err(ShortcutError::NeedsModifier(s)) if s == "Shift+K"));
        assert!(matches!(parse("K"), Err(ShortcutError::NeedsModifier(_))));
        assert!(matches!(parse("Ctrl+Shift"), Err(ShortcutError::Invalid(_))));
        assert!(matches!(parse("Ctrl+Banana"), Err(ShortcutError::Invalid(_))));
        assert!(matches!(parse(""), Err(ShortcutError::Invalid(_))));
    }
}
