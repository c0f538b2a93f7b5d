//! Automatic backups while the app runs: a few seconds after a change (so a burst of edits makes one backup), and
//! at least once a day, into the folder chosen in the settings ([`twofold::backup`] writes and prunes them). One
//! background thread waits for either; it sleeps when there is nothing to do. A failure stays shown in the app
//! until a backup succeeds, and is tried again after [`RETRY`].

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use twofold::backup::{self, BackupError, Verified};
use twofold::otp::unix_now;
use twofold::settings;
use twofold::sync::lock;

use crate::error::AppError;
use crate::open_vault::OpenVault;

/// How long after a change the backup is made: later changes within it are in the same backup.
const SETTLE: Duration = Duration::from_secs(3);

/// How long after a failure the backup is tried again (a change tries at once).
const RETRY: Duration = Duration::from_secs(10 * 60);

/// What the settings and the warning in the list show of the backups.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BackupView {
    /// Whether backups are on.
    pub enabled: bool,
    /// The folder chosen, on or off.
    pub folder: Option<String>,
    /// How many are kept.
    pub keep: u32,
    /// When the newest backup in the folder was made (Unix seconds).
    pub last_at: Option<u64>,
    /// Why the last attempt failed, until one succeeds.
    pub failure: Option<String>,
    /// Grows with every change of the above: the page keeps the newest view when a reply to a command and a
    /// report of the thread arrive out of order.
    pub revision: u64,
}

/// The backups' state, shared by the commands and the background thread.
pub struct Backups {
    vault: Arc<OpenVault>,
    inner: Mutex<Inner>,
    wake: Condvar,
}

type Watcher = Box<dyn Fn(BackupView) + Send>;

struct Inner {
    settings: settings::Backups,
    /// The vault generation the newest backup holds; `None` until known.
    saved_generation: Option<u64>,
    /// Whether the folder's newest backup has been compared with the vault since the settings or the vault
    /// changed.
    checked: bool,
    /// When a change not yet backed up was first seen.
    changed_at: Option<Instant>,
    last_at: Option<u64>,
    failure: Option<(String, Instant)>,
    watcher: Option<Watcher>,
    /// Set by a wake-up, cleared by the thread when it looks.
    woken: bool,
    revision: u64,
}

impl Backups {
    /// Backups of `vault` as `settings` say; the thread starts with [`Self::start`].
    pub fn new(vault: Arc<OpenVault>, settings: settings::Backups) -> Self {
        let inner = Inner {
            settings,
            saved_generation: None,
            checked: false,
            changed_at: None,
            last_at: None,
            failure: None,
            watcher: None,
            woken: false,
            revision: 0,
        };
        Backups { vault, inner: Mutex::new(inner), wake: Condvar::new() }
    }

    /// Starts the background thread, and has the vault tell it of every change.
    pub fn start(self: &Arc<Self>) {
        let backups = Arc::clone(self);
        self.vault.watch(move || backups.vault_changed());
        let backups = Arc::clone(self);
        let spawned = std::thread::Builder::new().name("backups".into()).spawn(move || backups.run());
        if spawned.is_err() {
            self.failed("Twofold could not start its backup task. Restart Twofold.".to_owned());
        }
    }

    /// What the settings show.
    pub fn view(&self) -> BackupView {
        view_of(&lock(&self.inner))
    }

    /// From now on, `watcher` receives the view whenever it changes (a backup made, or one that failed).
    pub fn watch(&self, watcher: impl Fn(BackupView) + Send + 'static) {
        lock(&self.inner).watcher = Some(Box::new(watcher));
    }

    /// New settings: checked again at once, and a first backup made when they turn backups on.
    pub fn configure(&self, settings: settings::Backups) {
        let mut inner = lock(&self.inner);
        if inner.settings != settings {
            inner.settings = settings;
            inner.checked = false;
            inner.failure = None;
            inner.last_at = None;
            inner.revision += 1;
        }
        self.notify(inner);
    }

    /// Makes a backup now, whatever the schedule, into the folder chosen.
    pub fn back_up_now(&self) -> Result<BackupView, AppError> {
        let (folder, keep) = {
            let inner = lock(&self.inner);
            (inner.settings.folder.clone(), inner.settings.keep)
        };
        let folder = folder.ok_or(AppError::NoBackupFolder)?;
        self.back_up(&folder, keep)?;
        Ok(self.view())
    }

    /// Reads the newest backup and compares it with the vault.
    pub fn verify(&self) -> Result<Verified, AppError> {
        let folder = lock(&self.inner).settings.folder.clone().ok_or(AppError::NoBackupFolder)?;
        self.vault.with(|vault| Ok(backup::verify(vault, &folder)?))
    }

    fn vault_changed(&self) {
        let mut inner = lock(&self.inner);
        // After a failure, a change is a reason to try again at once.
        if inner.failure.is_some() {
            inner.changed_at = Some(Instant::now());
        } else {
            inner.changed_at.get_or_insert_with(Instant::now);
        }
        self.notify(inner);
    }

    fn notify(&self, mut inner: MutexGuard<'_, Inner>) {
        inner.woken = true;
        drop(inner);
        self.wake.notify_all();
    }

    fn failed(&self, message: String) {
        let mut inner = lock(&self.inner);
        inner.failure = Some((message, Instant::now()));
        tell(&mut inner);
    }

    /// Writes a backup and records the outcome.
    fn back_up(&self, folder: &std::path::Path, keep: u32) -> Result<(), AppError> {
        let made = self.vault.with(|vault| Ok((backup::back_up(vault, folder, keep, unix_now()), vault.generation())));
        let mut inner = lock(&self.inner);
        match made {
            Ok((Ok(file), generation)) => {
                inner.saved_generation = Some(generation);
                inner.changed_at = None;
                inner.last_at = Some(file.made_at);
                inner.failure = None;
                inner.checked = true;
                tell(&mut inner);
                Ok(())
            }
            Ok((Err(error), _)) => {
                inner.failure = Some((error.to_string(), Instant::now()));
                tell(&mut inner);
                Err(error.into())
            }
            Err(error) => Err(error),
        }
    }

    /// The thread: waits for a change, the daily time or new settings, and backs up when one is due.
    fn run(&self) {
        loop {
            let wait = self.step();
            let mut inner = lock(&self.inner);
            // A wake-up that came while `step` ran is not lost: it left `woken` set.
            if !inner.woken {
                inner = match wait {
                    Some(wait) => self.wake.wait_timeout(inner, wait).map_or_else(|e| e.into_inner().0, |r| r.0),
                    None => self.wake.wait(inner).unwrap_or_else(std::sync::PoisonError::into_inner),
                };
            }
            inner.woken = false;
        }
    }

    /// Does what is due now, and says how long to wait before looking again (`None`: until woken).
    fn step(&self) -> Option<Duration> {
        let (folder, keep, checked) = {
            let inner = lock(&self.inner);
            let folder = inner.settings.active_folder().map(PathBuf::from)?;
            (folder, inner.settings.keep, inner.checked)
        };
        let generation = self.vault.get().as_ref().map(twofold::vault::Vault::generation)?;
        if !checked {
            self.check(&folder, generation);
        }
        let now = Instant::now();
        let due_in = {
            let mut inner = lock(&self.inner);
            let changed = inner.saved_generation != Some(generation);
            if !changed {
                inner.changed_at = None;
            }
            let after_change = changed.then(|| SETTLE.saturating_sub(now - *inner.changed_at.get_or_insert(now)));
            let daily = match inner.last_at {
                Some(last) if !backup::is_due(Some(last), unix_now()) => {
                    Duration::from_secs((last + backup::DAILY_SECONDS).saturating_sub(unix_now()))
                }
                _ => Duration::ZERO,
            };
            let due = after_change.map_or(daily, |c| c.min(daily));
            // After a failure, the next try waits for the retry time, unless a change came since.
            let retry = inner.failure.as_ref().and_then(|(_, failed_at)| {
                let changed_since = inner.changed_at.is_some_and(|c| c > *failed_at);
                (!changed_since).then(|| RETRY.saturating_sub(now - *failed_at))
            });
            retry.map_or(due, |r| due.max(r))
        };
        if !due_in.is_zero() {
            return Some(due_in);
        }
        match self.back_up(&folder, keep) {
            // Look again: the next backup is due in a day, or after the next change.
            Ok(()) => Some(Duration::ZERO),
            // A failure waits for its retry; a vault locked meanwhile, for its opening.
            Err(_) => Some(SETTLE),
        }
    }

    /// Compares the folder's newest backup with the vault, so that a start with nothing changed writes nothing.
    fn check(&self, folder: &std::path::Path, generation: u64) {
        let newest = backup::newest(folder);
        let same = match &newest {
            Ok(Some(_)) => self.vault.with(|vault| Ok(backup::verify(vault, folder))).ok(),
            _ => None,
        };
        let mut inner = lock(&self.inner);
        inner.checked = true;
        match newest {
            Ok(newest) => inner.last_at = newest.map(|f| f.made_at),
            Err(BackupError::FolderMissing(path)) => {
                inner.failure = Some((BackupError::FolderMissing(path).to_string(), Instant::now()));
            }
            Err(error) => inner.failure = Some((error.to_string(), Instant::now())),
        }
        if let Some(Ok(verified)) = same
            && verified.same_accounts
            && verified.current_password
        {
            inner.saved_generation = Some(generation);
        }
        tell(&mut inner);
    }
}

fn view_of(inner: &Inner) -> BackupView {
    BackupView {
        enabled: inner.settings.enabled,
        folder: inner.settings.folder.as_ref().map(|f| f.display().to_string()),
        keep: inner.settings.keep,
        last_at: inner.last_at,
        failure: inner.failure.as_ref().map(|(message, _)| message.clone()),
        revision: inner.revision,
    }
}

/// Reports the view, which has changed, to the watcher.
fn tell(inner: &mut Inner) {
    inner.revision += 1;
    if let Some(watcher) = &inner.watcher {
        watcher(view_of(inner));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use twofold::account::Entry;
    use twofold::vault::{KdfParams, MemoryKeyStore, OnNameConflict, Vault};

    use super::*;

    fn add(vault: &OpenVault, issuer: &str) {
        let secret = data_encoding::BASE32_NOPAD.encode(issuer.repeat(4).as_bytes());
        let link = format!("otpauth://totp/{issuer}:me?secret={secret}");
        let entry = Entry::new(twofold::uri::parse(&link).unwrap());
        vault.with(|v| Ok(v.add_entries(vec![entry], OnNameConflict::KeepBoth)?)).unwrap();
    }

    fn files(folder: &std::path::Path) -> usize {
        backup::list(folder).unwrap().len()
    }

    /// Waits for the next view the thread reports, for at most a minute.
    fn next(views: &mpsc::Receiver<BackupView>) -> BackupView {
        views.recv_timeout(Duration::from_secs(60)).expect("the backup thread reports")
    }

    #[test]
    fn a_burst_of_changes_makes_one_backup_and_a_failure_stays_shown_until_one_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("backups");
        std::fs::create_dir(&folder).unwrap();
        let keychain = MemoryKeyStore::new();
        let password = Some(("recovery words", KdfParams::INSECURE_FOR_TESTS));
        let vault = Vault::create(&dir.path().join("vault.json"), Some(&keychain), password).unwrap();
        let open = Arc::new(OpenVault::default());
        let settings = settings::Backups { enabled: true, folder: Some(folder.clone()), keep: 10 };
        let backups = Arc::new(Backups::new(Arc::clone(&open), settings));
        let (sender, views) = mpsc::channel();
        backups.watch(move |view| drop(sender.send(view)));
        backups.start();

        // Opening: no backup yet, so one is made at once.
        open.set(vault);
        let first = loop {
            let view = next(&views);
            if view.last_at.is_some() {
                break view;
            }
        };
        assert_eq!(first.failure, None);
        assert_eq!(files(&folder), 1);

        // Three changes in a row: one backup holds them all.
        for issuer in ["One", "Two", "Three"] {
            add(&open, issuer);
        }
        let after = next(&views);
        assert_eq!(after.failure, None);
        assert_eq!(files(&folder), 2, "one backup for the burst");
        let newest = open.with(|v| Ok(backup::verify(v, &folder))).unwrap().unwrap();
        assert!(newest.same_accounts && newest.accounts == 3, "{newest}");

        // The folder goes away (an unplugged disk): the failure is reported and stays.
        std::fs::rename(&folder, dir.path().join("elsewhere")).unwrap();
        add(&open, "Four");
        let failed = next(&views);
        let failure = failed.failure.expect("the failure is shown");
        assert!(failure.contains("is not there"), "{failure}");
        assert_eq!(backups.view().failure.as_deref(), Some(failure.as_str()));

        // Back again: the next change is backed up and the warning goes.
        std::fs::rename(dir.path().join("elsewhere"), &folder).unwrap();
        add(&open, "Five");
        let recovered = loop {
            let view = next(&views);
            if view.failure.is_none() {
                break view;
            }
        };
        assert!(recovered.last_at.is_some());
        assert_eq!(files(&folder), 3);
    }
}
