//! The global keyboard shortcut that opens the quick-copy palette from any program (Ctrl+Shift+Space unless the
//! user picks another, in the settings). Registered through Tauri's global-shortcut plugin, from Rust only: the
//! page is granted none of its commands. On X11, Windows and macOS the plugin grabs the keys for the whole
//! desktop. A Wayland session lets no program grab keys (an X11 grab only sees keys typed into X11 programs): there
//! the shortcut is asked of the desktop portal (`portal.rs`), and where the desktop offers none the settings say so.
//! The settings always show the command to bind in the desktop's own keyboard settings instead,
//! `twofold --palette`, which works everywhere.

#[cfg(target_os = "linux")]
mod portal;

use tauri::{AppHandle, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Modifiers, Shortcut, ShortcutState};

pub use crate::error::ShortcutError;
#[cfg(target_os = "linux")]
pub use portal::PortalShortcut;

/// Makes `wanted` (as the settings hold it: `Ctrl+Shift+Space`) the shortcut that opens the palette, in place of
/// any set before; `None` sets none. Returns the keys as the desktop describes them, when the desktop chose them
/// (through the portal).
pub async fn apply<R: Runtime>(app: &AppHandle<R>, wanted: Option<&str>) -> Result<Option<String>, ShortcutError> {
    let parsed = wanted.map(parse).transpose()?;
    #[cfg(target_os = "linux")]
    if in_wayland_session() {
        return portal::bind(app, parsed).await;
    }
    grab(app, parsed.zip(wanted)).map(|()| None)
}

/// Sets the shortcut through the global-shortcut plugin, which grabs the keys from the whole desktop.
fn grab<R: Runtime>(app: &AppHandle<R>, wanted: Option<(Shortcut, &str)>) -> Result<(), ShortcutError> {
    let shortcuts = app.global_shortcut();
    shortcuts.unregister_all().map_err(|e| ShortcutError::Failed(e.to_string()))?;
    let Some((shortcut, shown)) = wanted else { return Ok(()) };
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

/// Sets `wanted` as [`apply`] does, then runs `save`, the saving of that choice, given the keys as the desktop
/// describes them; if either fails, the shortcut set before (`before`) is set again. A shortcut that is not saved
/// is not in effect, and one that cannot be set is not saved.
pub async fn apply_and_save<R: Runtime, T, E: From<ShortcutError>, F>(
    app: &AppHandle<R>,
    before: Option<&str>,
    wanted: Option<&str>,
    save: impl FnOnce(Option<String>) -> F,
) -> Result<T, E>
where
    F: std::future::Future<Output = Result<T, E>>,
{
    let described = match apply(app, wanted).await {
        Ok(described) => described,
        Err(problem) => {
            let _ = apply(app, before).await;
            return Err(problem.into());
        }
    };
    let saved = save(described).await;
    if saved.is_err() {
        let _ = apply(app, before).await;
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

/// Whether this is a Wayland session, where only the desktop can set a shortcut for the whole desktop (even for a
/// window shown through XWayland, whose grab would see only the keys typed into X11 programs).
#[cfg(target_os = "linux")]
fn in_wayland_session() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some_and(|display| !display.is_empty())
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
