//! Accounts out of Twofold, in formats other apps read: an Aegis vault file (encrypted or plain), the format most
//! authenticators import; and a list of `otpauth://` links, one a line, which nearly all of them import. A
//! Twofold backup, readable by Twofold on any system, is [`crate::vault::Vault::export_backup`]; Google
//! Authenticator's export QR codes are [`crate::migration::encode`].
//!
//! ```
//! use twofold::account::Entry;
//!
//! let account = twofold::uri::parse("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")?;
//! let list = twofold::export::otpauth_list(&[Entry::new(account)]);
//! assert!(list.starts_with("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"));
//! # Ok::<(), twofold::uri::UriError>(())
//! ```

pub mod aegis;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::account::Entry;
use crate::vault::{KdfParams, Vault, VaultError, VaultStatus};

/// What a plain export lays open, for the warning shown before one is written.
pub const PLAIN_WARNING: &str = "A plain file holds every secret key unencrypted: anyone who reads it, or a copy a backup or sync service keeps, can make all your codes. Keep it only as long as the move takes, then delete it.";

/// The accounts as `otpauth://` links, one a line, each with every parameter written out.
pub fn otpauth_list(entries: &[Entry]) -> Zeroizing<String> {
    let mut list = Zeroizing::new(String::new());
    for entry in entries {
        list.push_str(&crate::uri::format(&entry.account));
        list.push('\n');
    }
    list
}

/// The kinds of file an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    /// A Twofold backup, encrypted: opens in Twofold on any system.
    Twofold,
    /// An Aegis vault file, encrypted with its own password.
    Aegis,
    /// An Aegis vault file, not encrypted.
    AegisPlain,
    /// A list of `otpauth://` links, not encrypted.
    Otpauth,
}

impl Format {
    /// Whether the file lays every secret open ([`PLAIN_WARNING`]).
    pub fn is_plain(self) -> bool {
        matches!(self, Format::AegisPlain | Format::Otpauth)
    }

    /// What the file is, for "written as …" sentences.
    pub fn description(self) -> &'static str {
        match self {
            Format::Twofold => "a Twofold backup",
            Format::Aegis => "an encrypted Aegis file",
            Format::AegisPlain => "a plain Aegis file",
            Format::Otpauth => "a plain list of authenticator links",
        }
    }

    /// The usual file name for an export made on `date` (`2026-12-07`).
    pub fn file_name(self, date: &str) -> String {
        match self {
            Format::Twofold => format!("twofold-export-{date}.twofold"),
            Format::Aegis => format!("aegis-export-{date}.json"),
            Format::AegisPlain => format!("aegis-export-plain-{date}.json"),
            Format::Otpauth => format!("otpauth-links-{date}.txt"),
        }
    }
}

/// Why an export could not be made. Every message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A recovery password is set and was not given.
    #[error("Type your recovery password to export: an export holds every secret key.")]
    NeedsRecoveryPassword,
    /// An encrypted Aegis file without a password.
    #[error("An encrypted Aegis file needs a password of its own. Type one, or choose the plain Aegis file.")]
    AegisNeedsPassword,
    /// A Twofold backup with neither a recovery password nor a password of its own.
    #[error(
        "A Twofold backup opens with your recovery password, and none is set. Set one in the settings, or give the backup a password of its own."
    )]
    BackupNeedsPassword,
    /// The vault refused (a wrong recovery password among others).
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The file chosen is there already.
    #[error("{} already exists. Choose another name, or delete it first: an export never writes over a file.", .0.display())]
    Exists(std::path::PathBuf),
    /// The file could not be written.
    #[error(transparent)]
    Disk(crate::fs::DiskError),
}

/// Checks the recovery password before an export, where one is set: every export holds every secret key, so it
/// asks what unlocking asks.
pub fn check_recovery(vault: &Vault, recovery: Option<&str>) -> Result<(), ExportError> {
    if let VaultStatus::Present { password: true, .. } = vault.status_now() {
        vault.check_password(recovery.ok_or(ExportError::NeedsRecoveryPassword)?)?;
    }
    Ok(())
}

/// Writes the vault's accounts to a new file at `path` as [`to_bytes`] makes them, never over a file; returns the
/// sentence that says how many went where. The caller checks the recovery password first ([`check_recovery`]).
pub fn write_to(
    vault: &Vault,
    format: Format,
    password: Option<&str>,
    path: &std::path::Path,
) -> Result<String, ExportError> {
    let bytes = to_bytes(vault, format, password)?;
    crate::fs::create_new(path, &bytes).map_err(|error| match error.already_exists() {
        true => ExportError::Exists(path.to_path_buf()),
        false => ExportError::Disk(error),
    })?;
    let count = vault.entries().len();
    let accounts = if count == 1 { "1 account".to_owned() } else { format!("{count} accounts") };
    Ok(format!("{accounts} written to {} as {}.", path.display(), format.description()))
}

/// The vault's accounts as a file of `format`. `password` is the file's own password: needed for an encrypted
/// Aegis file; for a Twofold backup it adds a slot of its own, which without one opens with the recovery
/// password. The caller checks the recovery password first ([`check_recovery`]).
pub fn to_bytes(vault: &Vault, format: Format, password: Option<&str>) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let password = password.filter(|p| !p.is_empty());
    let entries = vault.entries();
    Ok(match format {
        Format::Twofold => {
            let own = password.map(|p| (p, KdfParams::default()));
            Zeroizing::new(vault.export_backup(own).map_err(|error| match error {
                VaultError::NoPasswordSlot => ExportError::BackupNeedsPassword,
                other => other.into(),
            })?)
        }
        Format::Aegis => Zeroizing::new(aegis::encrypted(&entries, password.ok_or(ExportError::AegisNeedsPassword)?)),
        Format::AegisPlain => aegis::plain(&entries),
        Format::Otpauth => Zeroizing::new(otpauth_list(&entries).as_bytes().to_vec()),
    })
}
