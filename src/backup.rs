//! Automatic backups: the vault as a Twofold backup file in a folder the user chose, so that a dead laptop loses
//! nothing.
//!
//! Each backup is a new file named after the moment it was made, in UTC
//! (`twofold-backup-2026-12-07-051210.twofold`), written atomically and never over another file; the oldest are
//! deleted beyond the number to keep. A backup holds the vault's accounts sealed as they are, with the recovery
//! password's slot only ([`Vault::export_backup`]), so it opens on any computer with that password and without
//! this one's keychain; with no recovery password set there is nothing to back up with, and [`back_up`] says so.
//! Only files named as backups are ever deleted.
//!
//! ```
//! use twofold::backup;
//!
//! let name = backup::file_name(1_796_620_330);
//! assert_eq!(name, "twofold-backup-2026-12-07-051210.twofold");
//! assert_eq!(backup::made_at(&name), Some(1_796_620_330));
//! ```

use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

use crate::fs::DiskError;
use crate::vault::{BackupCheck, Vault, VaultError};

/// How many backups are kept unless the user picks another number.
pub const DEFAULT_KEEP: u32 = 10;

/// A backup is due when the newest is older than this, even if nothing changed: at least one a day.
pub const DAILY_SECONDS: u64 = 24 * 60 * 60;

const PREFIX: &str = "twofold-backup-";
const EXTENSION: &str = ".twofold";
const STAMP: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]-[hour][minute][second]");

/// Why a backup could not be made, listed or checked. Every message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// Backups are encrypted with the recovery password, and none is set.
    #[error(
        "Backups are encrypted with your recovery password, so that they open on another computer, and none is set. Set a recovery password in the settings first."
    )]
    NoRecoveryPassword,
    /// The chosen folder is not there (an unplugged disk, a sync folder that moved).
    #[error(
        "The backup folder {} is not there. Connect the disk it is on, or choose another folder in the settings.",
        .0.display()
    )]
    FolderMissing(PathBuf),
    /// Writing or deleting a file failed.
    #[error("The backup failed: {0} Check that the folder is writable and the disk has space.")]
    Disk(#[from] DiskError),
    /// There is no backup to check.
    #[error("No backup is in {} yet. Make one with \"Back up now\".", .0.display())]
    NoBackups(PathBuf),
    /// The newest backup is damaged.
    #[error(
        "The newest backup, {}, cannot be read ({reason}). Make a new backup now, and check the disk or sync service that holds the folder.",
        path.display()
    )]
    Damaged {
        /// The backup file.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The newest backup is another vault's.
    #[error(
        "The newest backup, {}, belongs to another Twofold vault (another computer's, or an earlier one). Choose a folder of this vault's own, or make a backup now.",
        .0.display()
    )]
    OtherVault(PathBuf),
    /// The newest backup was made before the recovery password changed.
    #[error(
        "The newest backup, {}, was made before the recovery password changed, so it opens with the password of then and not the current one. Make a backup now (\"Back up now\")."
        , .0.display()
    )]
    EarlierPassword(PathBuf),
    /// The vault could not make the backup.
    #[error(transparent)]
    Vault(VaultError),
}

/// One backup file in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    /// Where it is.
    pub path: PathBuf,
    /// When it was made, in seconds since 1970 (read from its name).
    pub made_at: u64,
}

/// What checking the newest backup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The backup checked.
    pub file: BackupFile,
    /// How many accounts it holds.
    pub accounts: usize,
    /// Whether it holds the vault's accounts exactly as they are now.
    pub same_accounts: bool,
    /// Whether the current recovery password opens it (else the password set when it was made does).
    pub current_password: bool,
}

impl std::fmt::Display for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.file.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let accounts = if self.accounts == 1 { "1 account".to_owned() } else { format!("{} accounts", self.accounts) };
        write!(f, "The newest backup, {name}, opens and holds {accounts}")?;
        f.write_str(if self.same_accounts {
            ", the same as Twofold now."
        } else {
            "; Twofold has changed since it was made, and the next backup will hold the changes."
        })?;
        if !self.current_password {
            f.write_str(" It opens with the recovery password that was set when it was made, not the current one.")?;
        }
        Ok(())
    }
}

/// The name of a backup made at `unix_time`.
pub fn file_name(unix_time: u64) -> String {
    let when = i64::try_from(unix_time).ok().and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    let stamp = when.and_then(|w| w.format(STAMP).ok()).unwrap_or_else(|| unix_time.to_string());
    format!("{PREFIX}{stamp}{EXTENSION}")
}

/// When the backup named `name` was made; `None` for a file not named as a backup. A name with `-2`… after the
/// time (two backups in one second) counts as made at that time.
pub fn made_at(name: &str) -> Option<u64> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(EXTENSION)?;
    let stamp = stamp.get(..17)?;
    let when = time::PrimitiveDateTime::parse(stamp, STAMP).ok()?;
    u64::try_from(when.assume_utc().unix_timestamp()).ok()
}

/// The backups in `folder`, oldest first.
pub fn list(folder: &Path) -> Result<Vec<BackupFile>, BackupError> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::FolderMissing(folder.to_path_buf()));
        }
        Err(e) => return Err(DiskError::new("read the folder", folder, e).into()),
    };
    let mut files: Vec<(String, BackupFile)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let made_at = made_at(&name)?;
            Some((name, BackupFile { path: entry.path(), made_at }))
        })
        .collect();
    // The names sort as the times do; a `-2` made in the same second sorts after the first.
    files.sort_by(|a, b| a.1.made_at.cmp(&b.1.made_at).then_with(|| a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
    Ok(files.into_iter().map(|(_, file)| file).collect())
}

/// The newest backup in `folder`, if any.
pub fn newest(folder: &Path) -> Result<Option<BackupFile>, BackupError> {
    Ok(list(folder)?.pop())
}

/// Whether a backup is due by the clock alone: none yet, or the newest older than a day (or from the future, a
/// clock that was wrong).
pub fn is_due(newest_made_at: Option<u64>, now: u64) -> bool {
    newest_made_at.is_none_or(|made| now.saturating_sub(made) >= DAILY_SECONDS || made > now + 60)
}

/// Writes a backup of `vault` into `folder` as it was at `now`, then deletes the oldest backups beyond `keep`
/// (at least 1: the one just made is never deleted).
pub fn back_up(vault: &Vault, folder: &Path, keep: u32, now: u64) -> Result<BackupFile, BackupError> {
    let bytes = vault.export_backup(None).map_err(|error| match error {
        VaultError::NoPasswordSlot => BackupError::NoRecoveryPassword,
        other => BackupError::Vault(other),
    })?;
    if !folder.is_dir() {
        return Err(BackupError::FolderMissing(folder.to_path_buf()));
    }
    let name = file_name(now);
    let mut path = folder.join(&name);
    let mut n = 1u32;
    loop {
        match crate::fs::create_new(&path, &bytes) {
            Ok(()) => break,
            Err(e) if e.already_exists() && n < 100 => {
                n += 1;
                let stem = name.trim_end_matches(EXTENSION);
                path = folder.join(format!("{stem}-{n}{EXTENSION}"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    prune(folder, keep)?;
    Ok(BackupFile { path, made_at: now })
}

/// Deletes the oldest backups in `folder` beyond the newest `keep` (at least 1).
pub fn prune(folder: &Path, keep: u32) -> Result<(), BackupError> {
    let files = list(folder)?;
    let keep = usize::try_from(keep.max(1)).unwrap_or(usize::MAX);
    for old in files.iter().take(files.len().saturating_sub(keep)) {
        match std::fs::remove_file(&old.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(DiskError::new("delete the old backup", &old.path, e).into()),
        }
    }
    Ok(())
}

/// Reads the newest backup in `folder` and compares it with `vault`.
pub fn verify(vault: &Vault, folder: &Path) -> Result<Verified, BackupError> {
    let file = newest(folder)?.ok_or_else(|| BackupError::NoBackups(folder.to_path_buf()))?;
    let bytes = std::fs::read(&file.path).map_err(|e| DiskError::new("read", &file.path, e))?;
    match vault.check_backup(&bytes) {
        BackupCheck::Readable { accounts, same_accounts, current_password } => {
            Ok(Verified { file, accounts, same_accounts, current_password })
        }
        BackupCheck::OtherVault => Err(BackupError::OtherVault(file.path)),
        BackupCheck::EarlierKey => Err(BackupError::EarlierPassword(file.path)),
        BackupCheck::Damaged(reason) => Err(BackupError::Damaged { path: file.path, reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_as_their_times_and_read_back() {
        for t in [0, 59, 1_796_620_330, 4_102_444_800] {
            assert_eq!(made_at(&file_name(t)), Some(t), "{}", file_name(t));
        }
        assert!(file_name(1_796_620_330) < file_name(1_796_620_331));
        assert_eq!(made_at("twofold-backup-2026-12-07-051210-2.twofold"), Some(1_796_620_330));
    }

    #[test]
    fn other_files_are_not_backups() {
        for name in
            ["notes.txt", "twofold-backup-.twofold", "twofold-backup-2026-13-07-051210.twofold", "vault.twofold"]
        {
            assert_eq!(made_at(name), None, "{name}");
        }
    }

    #[test]
    fn a_backup_is_due_daily_or_when_the_clock_went_back() {
        let now = 1_796_620_330;
        assert!(is_due(None, now));
        assert!(!is_due(Some(now - 3600), now));
        assert!(is_due(Some(now - DAILY_SECONDS), now));
        assert!(is_due(Some(now + 86_400), now), "a backup dated tomorrow is a clock that was wrong");
    }
}
