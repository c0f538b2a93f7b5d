//! Where Twofold keeps its files, found the same way by the app and the command line: the vault, its preferences
//! and the window's place, in one folder per user.

use std::path::PathBuf;

/// Overrides the folder (tests and demonstrations use a scratch one).
pub const DATA_DIR_ENV: &str = "TWOFOLD_DATA_DIR";

/// The app's identifier, which names its folder (as the installers name the app).
pub const APP_ID: &str = "app.twofold.desktop";

/// The folder of the vault: `$TWOFOLD_DATA_DIR`, or the system's folder for app data (`~/.local/share` on Linux,
/// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows) and in it `app.twofold.desktop`. `None` where
/// the system has no such folder (no home folder).
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|dir| dir.join(APP_ID)),
    }
}

/// The vault file in `dir`.
pub fn vault(dir: &std::path::Path) -> PathBuf {
    dir.join("vault.json")
}

/// The preferences file in `dir`.
pub fn settings(dir: &std::path::Path) -> PathBuf {
    dir.join("settings.json")
}

/// The record of wrong recovery passwords at unlocking in `dir` ([`crate::gate::UnlockTries`]).
pub fn unlock_tries(dir: &std::path::Path) -> PathBuf {
    dir.join("unlock-tries.json")
}

/// The accounts copied lately in `dir` ([`crate::recent::RecentUses`]).
pub fn recent(dir: &std::path::Path) -> PathBuf {
    dir.join("recent.json")
}

/// Where an export is offered to go first: the user's documents folder, else the home folder.
pub fn export_folder() -> Option<PathBuf> {
    dirs::document_dir().or_else(dirs::home_dir)
}
