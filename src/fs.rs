//! Durable files: the one way Twofold writes a file.
//!
//! [`replace`] writes the new content to a temporary file in the same folder, syncs it, optionally keeps the
//! current file as a previous generation, renames the temporary file over the current one and syncs the folder.
//! [`create_new`] does the same but never replaces a file that is already there. Whatever instant a crash or a
//! power cut hits, the path holds the old content or the new one, complete, never a mix.
//!
//! ```
//! use twofold::fs::{self, Keep};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("settings.json");
//! fs::replace(&path, b"{}", Keep::Nothing)?;
//! assert!(fs::create_new(&path, b"other").is_err_and(|e| e.already_exists()));
//! assert_eq!(fs::read_optional(&path)?.as_deref(), Some(&b"{}"[..]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A file operation that failed: what was being done, to which path, and the system's reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Twofold could not {action} {}: {reason}.", path.display())]
pub struct DiskError {
    /// What was being done, as a verb phrase: "write", "create a temporary file in".
    pub action: &'static str,
    /// The file or folder.
    pub path: PathBuf,
    /// The system's description.
    pub reason: String,
    kind: io::ErrorKind,
}

impl DiskError {
    /// Describes `error`, met while doing `action` to `path`.
    pub fn new(action: &'static str, path: &Path, error: io::Error) -> Self {
        DiskError { action, path: path.to_path_buf(), reason: error.to_string(), kind: error.kind() }
    }

    /// Whether [`create_new`] found a file already there.
    pub fn already_exists(&self) -> bool {
        self.kind == io::ErrorKind::AlreadyExists
    }

    fn at(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> DiskError + use<> {
        let path = path.to_path_buf();
        move |error| DiskError::new(action, &path, error)
    }
}

/// What [`replace`] does with the file it replaces.
#[derive(Debug, Clone, Copy)]
pub enum Keep<'a> {
    /// Nothing: it is gone once the new file is in place.
    Nothing,
    /// Keeps it under this path (same folder) as the previous generation, itself replaced atomically.
    PreviousAs(&'a Path),
}

/// Replaces the file at `path` with `bytes`, atomically and durably; creates the folder if needed.
pub fn replace(path: &Path, bytes: &[u8], keep: Keep<'_>) -> Result<(), DiskError> {
    let staged = stage(path, bytes)?;
    if let Keep::PreviousAs(previous) = keep
        && path.try_exists().map_err(DiskError::at("look for", path))?
    {
        keep_as_previous(path, previous)?;
    }
    staged.persist(path).map_err(|e| DiskError::new("replace", path, e.error))?;
    sync_folder(folder_of(path))
}

/// Replaces the file at `path` with `value` as pretty JSON, as [`replace`] does.
pub fn replace_json(path: &Path, value: &impl serde::Serialize, keep: Keep<'_>) -> Result<(), DiskError> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| DiskError::new("write", path, io::Error::other(e)))?;
    replace(path, &json, keep)
}

/// Writes `bytes` to a new file at `path`, atomically and durably, and never over an existing file: if one is
/// there, nothing changes and the error says [`DiskError::already_exists`].
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), DiskError> {
    let staged = stage(path, bytes)?;
    staged.persist_noclobber(path).map_err(|e| DiskError::new("create", path, e.error))?;
    sync_folder(folder_of(path))
}

/// Reads a whole file; `None` if it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, DiskError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(DiskError::new("read", path, e)),
    }
}

/// Moves a file out of the way under `<name><suffix>` (or `<suffix>-2`, `-3`… if taken; see [`free_name`]),
/// never deleting it, and returns where it went.
pub fn set_aside(path: &Path, suffix: &str) -> Result<PathBuf, DiskError> {
    let aside = free_name(path, suffix);
    fs::rename(path, &aside).map_err(DiskError::at("move the file to", &aside))?;
    sync_folder(folder_of(path))?;
    Ok(aside)
}

/// `path` with `suffix` added to its name, or with `-2`, `-3`… after it if that name is taken: a file set aside
/// never replaces one set aside before (two in the same second, or a clock that reads 1970). A name that cannot
/// be looked up counts as free: the move that follows then says what is wrong with the folder.
pub fn free_name(path: &Path, suffix: &str) -> PathBuf {
    let mut name = with_suffix(path, suffix);
    let mut n = 1u32;
    while name.try_exists().unwrap_or(false) {
        n += 1;
        name = with_suffix(path, &format!("{suffix}-{n}"));
    }
    name
}

/// `path` with `suffix` added to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map_or_else(OsString::new, ToOwned::to_owned);
    name.push(suffix);
    path.with_file_name(name)
}

/// The folder that holds `path` (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to a synced temporary file beside `path`, creating the folder if needed.
fn stage(path: &Path, bytes: &[u8]) -> Result<NamedTempFile, DiskError> {
    let dir = folder_of(path);
    fs::create_dir_all(dir).map_err(DiskError::at("create the folder", dir))?;
    let mut staged = tempfile::Builder::new()
        .prefix(".twofold-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(DiskError::at("create a temporary file in", dir))?;
    staged.write_all(bytes).map_err(DiskError::at("write", staged.path()))?;
    staged.as_file().sync_all().map_err(DiskError::at("sync", staged.path()))?;
    Ok(staged)
}

/// Points `previous` at the content of `current`, atomically: a hard link (or a synced copy where links are not
/// supported) under a staging name, renamed over `previous`.
fn keep_as_previous(current: &Path, previous: &Path) -> Result<(), DiskError> {
    let staged = with_suffix(previous, ".tmp");
    match fs::remove_file(&staged) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(DiskError::new("remove", &staged, e)),
    }
    if fs::hard_link(current, &staged).is_err() {
        fs::copy(current, &staged).map_err(DiskError::at("copy the file to", &staged))?;
        File::open(&staged).and_then(|f| f.sync_all()).map_err(DiskError::at("sync", &staged))?;
    }
    fs::rename(&staged, previous).map_err(DiskError::at("keep the previous version as", previous))
}

/// Makes a rename in `dir` survive a power cut: on Unix the folder itself is synced. Windows and others commit a
/// rename with the file system's own journal; folders cannot be opened to sync there.
pub fn sync_folder(dir: &Path) -> Result<(), DiskError> {
    #[cfg(unix)]
    return File::open(dir).and_then(|d| d.sync_all()).map_err(DiskError::at("sync the folder", dir));
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_replace_creates_the_folder_and_keeps_nothing_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new folder").join("settings.json");
        replace(&path, b"a", Keep::Nothing).unwrap();
        replace(&path, b"b", Keep::Nothing).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"b");
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn create_new_never_replaces_a_file_already_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.json");
        create_new(&path, b"first").unwrap();
        let refused = create_new(&path, b"second").unwrap_err();
        assert!(refused.already_exists(), "{refused}");
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    }

    #[test]
    fn a_replace_keeps_the_previous_generation_as_a_second_name_for_the_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let (current, previous) = (dir.path().join("vault.json"), dir.path().join("vault.json.prev"));
        replace(&current, b"one", Keep::PreviousAs(&previous)).unwrap();
        assert_eq!(read_optional(&previous).unwrap(), None, "nothing to keep before the first save");
        replace(&current, b"two", Keep::PreviousAs(&previous)).unwrap();
        assert_eq!(fs::read(&previous).unwrap(), b"one");
        assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    }

    #[test]
    fn a_file_set_aside_keeps_its_content_under_a_free_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"{not json").unwrap();
        fs::write(dir.path().join("settings.json.unreadable"), b"earlier").unwrap();
        let aside = set_aside(&path, ".unreadable").unwrap();
        assert!(aside.to_string_lossy().ends_with("settings.json.unreadable-2"), "{}", aside.display());
        assert_eq!(fs::read(&aside).unwrap(), b"{not json");
        assert!(!path.exists());
    }

    #[test]
    fn a_failure_names_the_action_and_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("a file");
        fs::write(&blocker, b"").unwrap();
        let error = replace(&blocker.join("settings.json"), b"{}", Keep::Nothing).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("Twofold could not create the folder "), "{message}");
        assert!(message.contains("a file"), "{message}");
    }
}
