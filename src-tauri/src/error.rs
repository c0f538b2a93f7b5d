//! The one error type the web UI receives, serialised as `{kind, message}` so the UI can branch on `kind`.

use serde::ser::SerializeStruct;
use twofold::scan::SourceError;
use twofold::vault::VaultError;

/// Everything a command can report to the UI. Messages are whole sentences and never contain a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The keychain failed to open a vault that has no recovery password.
    #[error("{}", .0.message_without_recovery_password())]
    KeychainOnly(twofold::vault::KeychainError),
    /// The keychain failed to keep the key of a vault being created without a recovery password.
    #[error("{}", .0.message_when_creating())]
    KeychainAtCreation(twofold::vault::KeychainError),
    /// A link could not be read.
    #[error(transparent)]
    Uri(#[from] twofold::uri::UriError),
    /// A Google export link could not be read.
    #[error(transparent)]
    Migration(#[from] twofold::migration::MigrationError),
    /// Another authenticator's export could not be read.
    #[error(transparent)]
    Import(#[from] twofold::import::ImportError),
    /// The recovery password was not given, or not right, for a secret to leave.
    #[error(transparent)]
    Gate(#[from] twofold::gate::GateError),
    /// An export could not be made.
    #[error(transparent)]
    Export(#[from] twofold::export::ExportError),
    /// A backup could not be made or checked.
    #[error(transparent)]
    Backup(#[from] twofold::backup::BackupError),
    /// Backups were asked for with no folder chosen.
    #[error("No backup folder is chosen. Choose one in the settings' Backups section.")]
    NoBackupFolder,
    /// An export asked to write over a file.
    #[error("{} already exists. Choose another name: an export never writes over a file.", .0.display())]
    FileExists(std::path::PathBuf),
    /// A path that does not say which folder.
    #[error("Give the whole path of the file, starting from the top folder (such as {}).", example_path())]
    NotAbsolute(std::path::PathBuf),
    /// A file could not be written.
    #[error("{0} Check that the folder is writable and the disk has space, then try again.")]
    Disk(#[from] twofold::fs::DiskError),
    /// A password came for an export when none was waiting for one.
    #[error("No encrypted export is waiting for its password. Choose the file again.")]
    NoLockedExport,
    /// The vault refused or failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The clipboard failed.
    #[error(transparent)]
    Clipboard(#[from] twofold::clipboard::ClipboardError),
    /// A camera, picture, screen or clipboard picture could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A hand-typed account is not usable.
    #[error(transparent)]
    Manual(#[from] twofold::manual::ManualError),
    /// Preferences could not be saved.
    #[error(transparent)]
    Settings(#[from] twofold::settings::SettingsError),
    /// The tray icon could not be shown.
    #[error(transparent)]
    Tray(#[from] TrayError),
    /// A browser's host manifest could not be written or removed, or the browser is unknown.
    #[error("{0} Try again, or use Repair.")]
    BrowserSetup(String),
    /// The quick-copy shortcut could not be set.
    #[error(transparent)]
    Shortcut(#[from] ShortcutError),
    /// Confirming with no account chosen.
    #[error("No account was chosen. Tick the accounts to add, or close this dialog.")]
    NothingToAdd,
    /// The vault is not unlocked yet.
    #[error("Twofold is locked. Unlock it first.")]
    Locked,
    /// Locked by the user, or after a time without use: the recovery password opens it again.
    #[error("Twofold is locked. Type your recovery password to unlock it.")]
    LockedByUser,
    /// Locking needs the recovery password that unlocks again.
    #[error("Locking needs a recovery password, which is what unlocks Twofold again. Set one in the settings first.")]
    LockNeedsPassword,
    /// The user answered "Cancel" to Twofold's own question.
    #[error("Nothing was deleted: you chose Cancel.")]
    Cancelled,
    /// A background task stopped unexpectedly.
    #[error("Twofold hit an internal problem and could not finish. Try again; if it keeps happening, restart Twofold.")]
    Internal,
}

impl AppError {
    /// A stable name for the UI to branch on.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::KeychainOnly(_) | AppError::KeychainAtCreation(_) => "keychain",
            AppError::Uri(_) => "invalidLink",
            AppError::Migration(_) => "invalidExport",
            AppError::Import(e) => match e {
                twofold::import::ImportError::WrongPassword(_) => "wrongPassword",
                twofold::import::ImportError::NeedsPassword(_) => "needsPassword",
                _ => "import",
            },
            AppError::Gate(e) => match e {
                twofold::gate::GateError::PasswordRequired => "needsRecoveryPassword",
                twofold::gate::GateError::WrongPassword => "wrongPassword",
                twofold::gate::GateError::Wait(_) => "wait",
                _ => "vault",
            },
            AppError::Export(e) => match e {
                twofold::export::ExportError::NeedsRecoveryPassword => "needsRecoveryPassword",
                twofold::export::ExportError::Vault(VaultError::WrongPassword) => "wrongPassword",
                _ => "export",
            },
            AppError::Backup(e) => match e {
                twofold::backup::BackupError::NoRecoveryPassword => "needsRecoveryPassword",
                twofold::backup::BackupError::FolderMissing(_) => "folderMissing",
                _ => "backup",
            },
            AppError::NoBackupFolder => "folderMissing",
            AppError::Cancelled => "cancelled",
            AppError::LockedByUser => "locked",
            AppError::LockNeedsPassword => "needsRecoveryPassword",
            AppError::FileExists(_) => "fileExists",
            AppError::Disk(_) => "io",
            AppError::NotAbsolute(_) => "invalidPath",
            AppError::NoLockedExport => "noLockedExport",
            AppError::Vault(e) => match e {
                VaultError::Keychain(_) | VaultError::KeychainMismatch | VaultError::NoKeychainSlot => "keychain",
                VaultError::WrongPassword => "wrongPassword",
                VaultError::EmptyPassword => "emptyPassword",
                VaultError::InUse => "inUse",
                VaultError::Damaged { .. } => "damaged",
                VaultError::TooNew(_) => "tooNew",
                VaultError::Io { .. } => "io",
                VaultError::UnknownAccount => "unknownAccount",
                VaultError::UnknownPairing => "unknownPairing",
                VaultError::EmptyName => "emptyName",
                VaultError::Website(_) => "website",
                _ => "vault",
            },
            AppError::Clipboard(_) => "clipboard",
            AppError::Source(e) => match e {
                SourceError::NoCamera => "noCamera",
                SourceError::CameraBusy => "cameraBusy",
                SourceError::CameraPermission => "cameraPermission",
                SourceError::CameraUnplugged => "cameraUnplugged",
                SourceError::Camera(_) | SourceError::ReplayEmpty(_) => "camera",
                SourceError::Image { .. } | SourceError::ImageTooLarge { .. } | SourceError::ImageTooSmall { .. } => {
                    "image"
                }
                SourceError::ClipboardEmpty => "clipboardEmpty",
                SourceError::ScreenUnsupported => "screenUnsupported",
                SourceError::Screen(_) => "screen",
                _ => "source",
            },
            AppError::Manual(_) => "invalidEntry",
            AppError::Settings(_) => "settings",
            AppError::Tray(_) => "tray",
            AppError::Shortcut(_) => "shortcut",
            AppError::BrowserSetup(_) => "browserSetup",
            AppError::NothingToAdd => "nothingToAdd",
            AppError::Locked => "locked",
            AppError::Internal => "internal",
        }
    }
}

/// A whole path on this system, for the sentence about a path that is not one.
fn example_path() -> &'static str {
    if cfg!(windows) { r"C:\Users\you\Documents\twofold-export.twofold" } else { "/home/you/twofold-export.twofold" }
}

impl serde::Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("AppError", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_reach_the_ui_as_kind_and_message() {
        let error = AppError::from(twofold::uri::parse("https://example.com").unwrap_err());
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "invalidLink");
        assert!(json["message"].as_str().unwrap().contains("not an authenticator link"));
        let locked = AppError::from(VaultError::Keychain(twofold::vault::KeychainError::Locked));
        assert_eq!(serde_json::to_value(&locked).unwrap()["kind"], "keychain");
    }
}

/// Why the tray icon could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum TrayError {
    /// Linux only: no AppIndicator library to draw the icon with.
    #[cfg(target_os = "linux")]
    #[error(
        "The tray icon needs the AppIndicator library, which is not installed. On Debian or Ubuntu install libayatana-appindicator3-1, then turn this setting on again."
    )]
    NoIndicatorLibrary,
    /// The desktop refused the icon or its menu.
    #[error(
        "The tray icon could not be shown ({0}). Twofold works without it; turn the setting off and on to try again."
    )]
    Failed(String),
}

/// Why the quick-copy palette's keyboard shortcut could not be set. Each sentence ends with the way that always
/// works: a shortcut of the desktop's own that runs `twofold --palette`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ShortcutError {
    /// Not a combination the shortcut library knows.
    #[error(
        "“{0}” is not a shortcut Twofold can set. Press one or more of Ctrl, Alt or Super with one other key, such as Ctrl+Shift+Space."
    )]
    Invalid(String),
    /// Shift alone, or no modifier: every program would lose that key.
    #[error("{0} would take that key from every program. Add Ctrl, Alt or Super to it, such as Ctrl+Shift+Space.")]
    NeedsModifier(String),
    /// Another program holds it.
    #[error(
        "{0} is already used by another program. Choose another combination, or set a shortcut in your desktop's keyboard settings that runs: twofold --palette"
    )]
    Taken(String),
    /// The desktop lets no program set one (Wayland, without a portal for it).
    #[cfg_attr(not(target_os = "linux"), expect(dead_code, reason = "only a Wayland desktop says so"))]
    #[error(
        "This desktop does not let programs set their own shortcuts. Set one in your desktop's keyboard settings that runs: twofold --palette"
    )]
    Unavailable,
    /// The desktop asked the user, who said no (or closed its dialog).
    #[cfg_attr(not(target_os = "linux"), expect(dead_code, reason = "only a Wayland desktop's portal asks"))]
    #[error(
        "The desktop did not set the shortcut. Try again from here, or set one in your desktop's keyboard settings that runs: twofold --palette"
    )]
    Declined,
    /// The desktop refused it for another reason.
    #[error(
        "The shortcut could not be set ({0}). Set one in your desktop's keyboard settings that runs: twofold --palette"
    )]
    Failed(String),
}
