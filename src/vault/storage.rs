//! The files of one vault: the vault itself, its previous generation, the lock that keeps a second process out,
//! and the record of the newest generation seen here (`vault.json.seen`), which tells a file put back to an older
//! generation.
//!
//! A save goes through [`crate::fs::replace`], which keeps the current file as the previous generation before the
//! new one takes its place: whatever instant a crash hits, `vault.json` is the old or the new state and
//! `vault.json.prev` is a complete earlier one.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::error::VaultError;
use crate::fs::{self as durable, DiskError, Keep};

/// Creates the vault's folder, private to the user on Unix (0700), or makes an existing one private: other local
/// users may not even list it. Elsewhere the folder inherits the user profile's own protection.
fn private_folder(dir: &Path) -> Result<(), DiskError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir).map_err(|e| DiskError::new("create the folder", dir, e))?;
        let mode = fs::metadata(dir).map_err(|e| DiskError::new("look at", dir, e))?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(mode & 0o700))
                .map_err(|e| DiskError::new("make private the folder", dir, e))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    builder.create(dir).map_err(|e| DiskError::new("create the folder", dir, e))
}

/// How long a busy lock is retried before the vault is reported in use.
const LOCK_PATIENCE: Duration = Duration::from_millis(1500);

/// The paths that make up one vault.
#[derive(Debug, Clone)]
pub(crate) struct Files {
    pub current: PathBuf,
    pub previous: PathBuf,
    lock: PathBuf,
    seen: PathBuf,
}

/// The newest generation this computer saved or opened, kept beside the vault so that a vault file put back to an
/// older generation is noticed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Seen {
    pub vault_id: String,
    pub generation: u64,
}

impl Files {
    pub fn new(path: &Path) -> Self {
        Files {
            current: path.to_path_buf(),
            previous: durable::with_suffix(path, ".prev"),
            lock: durable::with_suffix(path, ".lock"),
            seen: durable::with_suffix(path, ".seen"),
        }
    }

    /// Whether the vault or its previous generation is on disk.
    pub fn any_exists(&self) -> Result<bool, VaultError> {
        let exists = |path: &Path| path.try_exists().map_err(|e| DiskError::new("look for", path, e));
        Ok(exists(&self.current)? || exists(&self.previous)?)
    }

    /// Takes the exclusive lock, creating the folder if needed. Held until the returned file is dropped. On Unix the
    /// folder is made private to the user (0700) and the lock file too (0600); the vault's own files are written
    /// 0600 by [`crate::fs`].
    pub fn lock(&self) -> Result<File, VaultError> {
        let dir = durable::folder_of(&self.current);
        private_folder(dir)?;
        let mut options = File::options();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&self.lock).map_err(|e| DiskError::new("open the lock file", &self.lock, e))?;
        // A lock can be held for an instant by a process this one is spawning (between fork and exec the child
        // shares the lock's file description), so a busy lock is retried briefly before it means "in use".
        let deadline = Instant::now() + LOCK_PATIENCE;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(VaultError::InUse),
                Err(fs::TryLockError::Error(e)) => return Err(DiskError::new("lock", &self.lock, e).into()),
            }
        }
    }

    /// Reads a file; `None` if it does not exist.
    pub fn read(path: &Path) -> Result<Option<Vec<u8>>, VaultError> {
        Ok(durable::read_optional(path)?)
    }

    /// Replaces the vault atomically, keeping the old file as the previous generation.
    pub fn write(&self, bytes: &[u8]) -> Result<(), VaultError> {
        Ok(durable::replace(&self.current, bytes, Keep::PreviousAs(&self.previous))?)
    }

    /// Writes the first generation of a new vault, never over a file already there.
    pub fn create(&self, bytes: &[u8]) -> Result<(), VaultError> {
        durable::create_new(&self.current, bytes).map_err(|e| match e.already_exists() {
            true => VaultError::AlreadyExists(self.current.clone()),
            false => e.into(),
        })
    }

    /// The newest generation seen of vault `vault_id`; `None` when none is recorded, or the record is another
    /// vault's or cannot be read (it only ever adds a warning, so it never stops the vault from opening).
    pub fn seen(&self, vault_id: &str) -> Option<u64> {
        let bytes = durable::read_optional(&self.seen).ok()??;
        let seen: Seen = serde_json::from_slice(&bytes).ok()?;
        (seen.vault_id == vault_id).then_some(seen.generation)
    }

    /// Records `generation` as the newest seen of vault `vault_id`.
    pub fn record_seen(&self, vault_id: &str, generation: u64) -> Result<(), DiskError> {
        durable::replace_json(&self.seen, &Seen { vault_id: vault_id.into(), generation }, Keep::Nothing)
    }

    /// Moves a damaged vault file aside (never deletes it) and returns where it went.
    pub fn set_aside(&self, unix_time: u64) -> Result<PathBuf, VaultError> {
        Ok(durable::set_aside(&self.current, &format!(".damaged-{unix_time}"))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_keeps_the_previous_generation() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::new(&dir.path().join("vault.json"));
        files.write(b"one").unwrap();
        assert_eq!(Files::read(&files.previous).unwrap(), None);
        files.write(b"two").unwrap();
        files.write(b"three").unwrap();
        assert_eq!(Files::read(&files.current).unwrap().unwrap(), b"three");
        assert_eq!(Files::read(&files.previous).unwrap().unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn a_damaged_file_set_aside_never_replaces_one_set_aside_before() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::new(&dir.path().join("vault.json"));
        files.write(b"first damage").unwrap();
        let first = files.set_aside(0).unwrap();
        files.write(b"second damage").unwrap();
        let second = files.set_aside(0).unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read(&first).unwrap(), b"first damage");
        assert_eq!(fs::read(&second).unwrap(), b"second damage");
        assert!(second.to_string_lossy().ends_with("vault.json.damaged-0-2"), "{}", second.display());
    }

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::new(&dir.path().join("vault.json"));
        let first = files.lock().unwrap();
        assert!(matches!(files.lock(), Err(VaultError::InUse)));
        drop(first);
        files.lock().unwrap();
    }

    #[test]
    fn the_first_generation_is_never_written_over_a_file_already_there() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::new(&dir.path().join("vault.json"));
        fs::write(&files.current, b"copied in by hand").unwrap();
        assert!(matches!(files.create(b"new vault"), Err(VaultError::AlreadyExists(_))));
        assert_eq!(fs::read(&files.current).unwrap(), b"copied in by hand");
    }
}
