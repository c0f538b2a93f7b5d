//! The user's preferences: how long a copied code stays on the clipboard, the colour theme, whether closing the
//! window keeps Twofold in the system tray, and where automatic backups go.
//!
//! Stored as a small JSON file beside the vault and replaced atomically. Preferences hold nothing secret; a file
//! that cannot be read gives the defaults and is kept aside rather than overwritten.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fs::{self, DiskError, Keep};

/// How long a copied code stays on the clipboard unless the user picks otherwise.
pub const DEFAULT_CLEAR_SECONDS: u32 = 30;

/// The shortcut that opens the quick-copy palette from any program unless the user picks another: ⌘⇧Space on
/// macOS, Ctrl+Shift+Space elsewhere.
pub const DEFAULT_QUICK_COPY_SHORTCUT: &str =
    if cfg!(target_os = "macos") { "Cmd+Shift+Space" } else { "Ctrl+Shift+Space" };

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Follow the operating system's light or dark mode.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Seconds before a copied code is cleared from the clipboard; `None` keeps it.
    pub clipboard_clear_seconds: Option<u32>,
    /// The colour theme.
    pub theme: Theme,
    /// Whether Twofold shows a tray icon and keeps running there when its window is closed. Off unless chosen.
    pub keep_in_tray: bool,
    /// Automatic backups. Off unless chosen.
    pub backups: Backups,
    /// The app lock. Off unless chosen.
    pub lock: AppLock,
    /// The keyboard shortcut that opens the quick-copy palette from any program (`Ctrl+Shift+Space`); `None`: none.
    pub quick_copy_shortcut: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_seconds: Some(DEFAULT_CLEAR_SECONDS),
            theme: Theme::System,
            keep_in_tray: false,
            backups: Backups::default(),
            lock: AppLock::default(),
            quick_copy_shortcut: Some(DEFAULT_QUICK_COPY_SHORTCUT.to_owned()),
        }
    }
}

/// The app lock: whether opening Twofold needs the recovery password, and when an open Twofold locks itself.
/// Locking needs a recovery password, which unlocks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AppLock {
    /// The keychain holds no key that opens the vault alone: every start asks for the recovery password.
    pub require_password: bool,
    /// Locks after this many seconds without use, and when the computer sleeps or its screen locks; `None` never.
    pub after_idle_seconds: Option<u32>,
}

impl AppLock {
    /// The idle time offered when the lock is first turned on: five minutes.
    pub const DEFAULT_IDLE_SECONDS: u32 = 300;
}

/// Automatic backups ([`crate::backup`]): on or off, into which folder, and how many to keep. The folder is kept
/// when backups are turned off, so that turning them on again needs no new choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Backups {
    /// Whether backups are made.
    pub enabled: bool,
    /// The folder they go into.
    pub folder: Option<PathBuf>,
    /// How many are kept; older ones are deleted.
    pub keep: u32,
}

impl Default for Backups {
    fn default() -> Self {
        Backups { enabled: false, folder: None, keep: crate::backup::DEFAULT_KEEP }
    }
}

impl Backups {
    /// The folder backups go into, when they are on.
    pub fn active_folder(&self) -> Option<&Path> {
        self.folder.as_deref().filter(|_| self.enabled)
    }
}

/// Why preferences could not be saved.
#[derive(Debug, thiserror::Error)]
#[error(
    "Your preferences could not be saved to {} ({}). Check that the folder is writable, then try again.",
    .0.path.display(),
    .0.reason
)]
pub struct SettingsError(#[from] DiskError);

impl Settings {
    /// Reads the preferences; the defaults if the file is missing. A file that cannot be read or parsed is
    /// renamed to `<name>.unreadable` (or `.unreadable-2`…) so a later save does not destroy it, and the defaults
    /// are used.
    pub fn load(path: &Path) -> Settings {
        match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(settings) => return settings,
                Err(_) => set_aside(path),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => set_aside(path),
        }
        Settings::default()
    }

    /// Writes the preferences atomically (a temporary file, synced, then renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        Ok(fs::replace_json(path, self, Keep::Nothing)?)
    }
}

/// Moves an unreadable preferences file out of the way of the next save. Preferences are not worth failing the
/// start for: a file that can be neither read nor moved is replaced by the next save.
fn set_aside(path: &Path) {
    let _ = fs::set_aside(path, ".unreadable");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_preferences_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        let chosen = Settings {
            clipboard_clear_seconds: None,
            theme: Theme::Dark,
            keep_in_tray: true,
            backups: Backups { enabled: true, folder: Some(dir.path().join("backups")), keep: 3 },
            lock: AppLock { require_password: true, after_idle_seconds: Some(60) },
            quick_copy_shortcut: None,
        };
        chosen.save(&path).unwrap();
        assert_eq!(Settings::load(&path), chosen);
        let other = Settings { quick_copy_shortcut: Some("Alt+K".into()), ..chosen };
        other.save(&path).unwrap();
        assert_eq!(Settings::load(&path), other);
    }

    #[test]
    fn an_unreadable_file_gives_defaults_and_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
        assert_eq!(std::fs::read(dir.path().join("settings.json.unreadable")).unwrap(), b"{not json");
        // A second unreadable file does not replace the first one set aside.
        std::fs::write(&path, b"[also not]").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
        assert_eq!(std::fs::read(dir.path().join("settings.json.unreadable")).unwrap(), b"{not json");
        assert_eq!(std::fs::read(dir.path().join("settings.json.unreadable-2")).unwrap(), b"[also not]");
    }

    #[test]
    fn older_files_without_a_field_take_its_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, br#"{"theme":"light"}"#).unwrap();
        let settings = Settings::load(&path);
        assert_eq!(settings.theme, Theme::Light);
        assert_eq!(settings.clipboard_clear_seconds, Some(DEFAULT_CLEAR_SECONDS));
        assert_eq!(settings.quick_copy_shortcut.as_deref(), Some(DEFAULT_QUICK_COPY_SHORTCUT));
        assert!(!settings.keep_in_tray, "the tray is off unless chosen");
        assert_eq!(settings.backups, Backups::default(), "backups are off unless chosen");
    }
}
