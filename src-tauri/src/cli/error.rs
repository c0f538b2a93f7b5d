//! Why a command failed: one sentence each, printed on standard error.

use std::path::PathBuf;

use twofold::backup::BackupError;
use twofold::export::ExportError;
use twofold::import::{Format, ImportError};
use twofold::vault::VaultError;

/// Why a command failed, as the sentence printed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(
        "Give one export file at a time. Several files are for the pictures of a Google Authenticator export, one code a picture."
    )]
    SeveralFiles,
    #[error("No backup folder is chosen. Turn on backups in the app's settings, or give the folder with --folder DIR.")]
    NoBackupFolder,
    #[error("{0}")]
    Vault(VaultError),
    #[error(
        "Twofold is running and holds the vault. Quit it (from its window, or its tray icon's menu), then run this command again."
    )]
    InUse,
    #[error("Twofold could not read {}: {reason}. Check the path and that you may read it.", path.display())]
    Read { path: PathBuf, reason: String },
    #[error(transparent)]
    Disk(#[from] twofold::fs::DiskError),
    #[error("This {0} export is encrypted. Give its password with --password-file FILE or --password-stdin.")]
    NeedsPassword(Format),
    #[error(
        "No folder for the vault was found: this user has no home folder. Set TWOFOLD_DATA_DIR to the folder to use."
    )]
    NoDataDir,
    #[error("No vault was found at {}. Start Twofold once, or import accounts, to create one.", .0.display())]
    NoVault(PathBuf),
    #[error("{0} Give the recovery password with --vault-password-file FILE.")]
    NeedsRecoveryPassword(String),
    #[error("An export needs the recovery password, as the app asks for it: give it with --vault-password-file FILE.")]
    ExportNeedsRecoveryPassword,
    #[error(
        "An encrypted Aegis file needs a password: give it with --password-file FILE, or choose --format aegis-plain."
    )]
    AegisNeedsPassword,
    #[error(
        "A Twofold backup opens with the recovery password, and none is set. Set one in the app's settings, or give the backup a password of its own with --password-file FILE."
    )]
    BackupNeedsPassword,
    #[error(transparent)]
    Export(ExportError),
    #[error(transparent)]
    Socket(#[from] twofold::ipc::socket::CallError),
    /// What the running app (or the vault opened here) answered.
    #[error("{0}")]
    App(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Scan(twofold::scan::SourceError),
    #[error(
        "No QR code was found on the screen. Show the service's QR code in full, not covered by another window, then try again."
    )]
    NoCodeOnScreen,
}

impl From<ExportError> for CliError {
    fn from(error: ExportError) -> Self {
        match error {
            ExportError::NeedsRecoveryPassword => CliError::ExportNeedsRecoveryPassword,
            ExportError::AegisNeedsPassword => CliError::AegisNeedsPassword,
            ExportError::BackupNeedsPassword => CliError::BackupNeedsPassword,
            ExportError::Vault(error) => error.into(),
            // A new refusal of the core's reads as its own sentence.
            other => CliError::Export(other),
        }
    }
}

impl From<VaultError> for CliError {
    fn from(error: VaultError) -> Self {
        match error {
            VaultError::InUse => CliError::InUse,
            other => CliError::Vault(other),
        }
    }
}
