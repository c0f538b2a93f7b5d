//! Files on disk: the vault, its previous generation, and the lock that keeps a second process out.
//!
//! A save writes a temporary file in the same folder, syncs it, keeps the current file as the previous
//! generation (hard link, or copy where links are unsupported, then an atomic rename), renames the temporary file
//! over the current one, and syncs the folder. Whatever instant a crash hits, `vault.json` is the old or the new
//! state and `vault.json.prev` is a complete earlier one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::VaultError;

/// How long a busy lock is retried before the vault is reported in use.
const LOCK_PATIENCE: Duration = Duration::from_millis(1500);

/// The paths that make up one vault.
#[derive(Debug, Clone)]
pub(crate) struct Files {
    pub current: PathBuf,
    pub previous: PathBuf,
    lock: PathBuf,
    dir: PathBuf,
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> VaultError + use<> {
    let path = path.to_path_buf();
    move |source| VaultError::Io { action, path, reason: source.to_string() }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "vault.json".into());
    name.push(suffix);
    path.with_file_name(name)
}

impl Files {
    pub fn new(path: &Path) -> Self {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Files {
            current: path.to_path_buf(),
            previous: with_suffix(path, ".prev"),
            lock: with_suffix(path, ".lock"),
            dir,
        }
    }

    /// Takes the exclusive lock, creating the folder if needed. Held until the returned file is dropped.
    pub fn lock(&self) -> Result<File, VaultError> {
        fs::create_dir_all(&self.dir).map_err(io_error("create the folder", &self.dir))?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock)
            .map_err(io_error("open the lock file", &self.lock))?;
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
                Err(fs::TryLockError::Error(e)) => return Err(io_error("lock", &self.lock)(e)),
            }
        }
    }

    /// Reads a file; `None` if it does not exist.
    pub fn read(path: &Path) -> Result<Option<Vec<u8>>, VaultError> {
        match fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read", path)(e)),
        }
    }

    /// Replaces the vault atomically, keeping the old file as the previous generation.
    pub fn write(&self, bytes: &[u8]) -> Result<(), VaultError> {
        let mut tmp = tempfile::Builder::new()
            .prefix(".twofold-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(io_error("create a temporary file in", &self.dir))?;
        tmp.write_all(bytes).map_err(io_error("write", tmp.path()))?;
        tmp.as_file().sync_all().map_err(io_error("sync", tmp.path()))?;
        if self.current.exists() {
            self.keep_as_previous()?;
        }
        tmp.persist(&self.current).map_err(|e| io_error("replace", &self.current)(e.error))?;
        sync_dir(&self.dir)
    }

    /// Points `previous` at the current file's content, atomically.
    fn keep_as_previous(&self) -> Result<(), VaultError> {
        let staged = with_suffix(&self.previous, ".tmp");
        match fs::remove_file(&staged) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("remove", &staged)(e)),
        }
        if fs::hard_link(&self.current, &staged).is_err() {
            fs::copy(&self.current, &staged).map_err(io_error("copy the vault to", &staged))?;
            File::open(&staged).and_then(|f| f.sync_all()).map_err(io_error("sync", &staged))?;
        }
        fs::rename(&staged, &self.previous).map_err(io_error("keep the previous version as", &self.previous))
    }

    /// Moves a damaged vault file aside (never deletes it) and returns where it went.
    pub fn set_aside(&self, unix_time: u64) -> Result<PathBuf, VaultError> {
        let aside = free_name(&self.current, &format!(".damaged-{unix_time}"));
        fs::rename(&self.current, &aside).map_err(io_error("move the damaged vault to", &aside))?;
        sync_dir(&self.dir)?;
        Ok(aside)
    }
}

/// `path` with `suffix` added, or with `-2`, `-3`… after it if that name is taken: a file set aside never
/// replaces one set aside before (two in the same second, or a clock that reads 1970).
pub(crate) fn free_name(path: &Path, suffix: &str) -> PathBuf {
    let mut name = with_suffix(path, suffix);
    let mut n = 1u32;
    while name.exists() {
        n += 1;
        name = with_suffix(path, &format!("{suffix}-{n}"));
    }
    name
}

/// Makes a rename in `dir` survive a power cut: on Unix the folder itself is synced. Windows and others commit a
/// rename with the file system's own journal; folders cannot be opened to sync there.
pub(crate) fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    return File::open(dir).and_then(|d| d.sync_all());
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

fn sync_dir(dir: &Path) -> Result<(), VaultError> {
    sync_folder(dir).map_err(io_error("sync the folder", dir))
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
}
