//! The recovery password asked before a secret leaves Twofold (revealing a key, showing an account's QR code,
//! exporting) and before the password is changed. It is checked here, in Rust, so that a page that skipped its own confirmation still gets nothing; and
//! after a few wrong tries each answer waits longer, so that guessing is slow.
//!
//! A vault with no recovery password has nothing to check: the gate then lets the request through, and the page's
//! own confirmation is the only one.
//!
//! ```
//! use std::time::Duration;
//! use twofold::gate::wait_after;
//!
//! assert_eq!(wait_after(2), Duration::ZERO);
//! assert_eq!(wait_after(3), Duration::from_secs(2));
//! assert_eq!(wait_after(4), Duration::from_secs(4));
//! assert_eq!(wait_after(40), Duration::from_secs(300));
//! ```

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sync::lock;
use crate::vault::{Vault, VaultError, VaultStatus};

/// Wrong tries allowed before answers start to wait.
const FREE_TRIES: u32 = 2;

/// The longest wait between tries.
const LONGEST_WAIT: Duration = Duration::from_secs(300);

/// Why the gate stayed shut. Every message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GateError {
    /// A recovery password is set and none was given.
    #[error(
        "Type your recovery password first: Twofold asks for it before it shows or exports a secret key, or changes the password."
    )]
    PasswordRequired,
    /// The password given is not the recovery password.
    #[error("That is not your recovery password. Check Caps Lock and the keyboard layout, then try again.")]
    WrongPassword,
    /// Too many wrong tries: the next one is accepted after a wait.
    #[error(
        "Too many wrong passwords. Wait {} before trying again.",
        seconds(*.0)
    )]
    Wait(u64),
    /// The vault could not check the password.
    #[error(transparent)]
    Vault(VaultError),
}

fn seconds(n: u64) -> String {
    if n == 1 { "1 second".to_owned() } else { format!("{n} seconds") }
}

/// How long the gate stays shut after `failures` wrong tries in a row: nothing for the first two, then 2 s, doubling
/// up to five minutes.
pub fn wait_after(failures: u32) -> Duration {
    if failures <= FREE_TRIES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_TRIES - 1).min(16);
    (Duration::from_secs(2) * 2u32.pow(doublings)).min(LONGEST_WAIT)
}

/// Wrong tries so far, and when the next one is accepted.
#[derive(Debug, Default)]
struct Tries {
    failures: u32,
    shut_until: Option<Instant>,
}

/// The gate: one per running app, so that the wrong tries of every request count together. A check holds the gate
/// while the password is derived, so that tries are taken one at a time.
#[derive(Debug, Default)]
pub struct PasswordGate {
    tries: Mutex<Tries>,
}

impl PasswordGate {
    /// A gate with no wrong tries yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lets the request through when `vault` has no recovery password, or when `password` is it.
    pub fn check(&self, vault: &Vault, password: Option<&str>) -> Result<(), GateError> {
        if !matches!(vault.status_now(), VaultStatus::Present { password: true, .. }) {
            return Ok(());
        }
        let mut tries = lock(&self.tries);
        let now = Instant::now();
        if let Some(until) = tries.shut_until.filter(|until| *until > now) {
            return Err(GateError::Wait((until - now).as_secs_f64().ceil() as u64));
        }
        let password = password.filter(|p| !p.is_empty()).ok_or(GateError::PasswordRequired)?;
        match vault.check_password(password) {
            Ok(()) => {
                *tries = Tries::default();
                Ok(())
            }
            Err(VaultError::WrongPassword) => {
                tries.failures += 1;
                let wait = wait_after(tries.failures);
                tries.shut_until = (!wait.is_zero()).then(|| now + wait);
                Err(GateError::WrongPassword)
            }
            Err(other) => Err(GateError::Vault(other)),
        }
    }
}

/// Wrong recovery passwords at unlocking, kept in a small file beside the vault, so that quitting and starting
/// again does not reset the wait: the same schedule as the gate's ([`wait_after`]), in wall-clock time, never more
/// than the longest wait (five minutes) ahead: a clock set back cannot lock the user out.
#[derive(Debug)]
pub struct UnlockTries {
    path: std::path::PathBuf,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct UnlockRecord {
    failures: u32,
    /// Unix seconds before which no try is taken.
    until: u64,
}

impl UnlockTries {
    /// The tries recorded in the file at `path` (none if it is missing or unreadable).
    pub fn new(path: std::path::PathBuf) -> Self {
        UnlockTries { path }
    }

    fn record(&self) -> UnlockRecord {
        std::fs::read(&self.path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    /// `Err(GateError::Wait)` while the wait after the last wrong try runs, at `now` (Unix seconds).
    pub fn check(&self, now: u64) -> Result<(), GateError> {
        let until = self.record().until.min(now + LONGEST_WAIT.as_secs());
        if until > now { Err(GateError::Wait(until - now)) } else { Ok(()) }
    }

    /// Records a wrong password at `now`; says how long the next try waits.
    pub fn failed(&self, now: u64) -> Duration {
        let mut record = self.record();
        record.failures = record.failures.saturating_add(1);
        let wait = wait_after(record.failures);
        record.until = now + wait.as_secs();
        // A record that cannot be written only loses the wait across a restart; the unlock itself is not refused.
        let _ = crate::fs::replace_json(&self.path, &record, crate::fs::Keep::Nothing);
        wait
    }

    /// Forgets the wrong tries, after a right password.
    pub fn succeeded(&self) {
        if self.record().failures > 0 {
            let _ = crate::fs::replace_json(&self.path, &UnlockRecord::default(), crate::fs::Keep::Nothing);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{KdfParams, MemoryKeyStore};

    #[test]
    fn without_a_recovery_password_the_gate_is_open_and_with_one_it_asks_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = MemoryKeyStore::new();
        let mut vault = Vault::create(&dir.path().join("vault.json"), Some(&keychain), None).unwrap();
        let gate = PasswordGate::new();
        assert_eq!(gate.check(&vault, None), Ok(()));
        vault.set_password("recovery words", KdfParams::INSECURE_FOR_TESTS, &keychain).unwrap();
        assert_eq!(gate.check(&vault, None), Err(GateError::PasswordRequired));
        assert_eq!(gate.check(&vault, Some("")), Err(GateError::PasswordRequired));
        assert_eq!(gate.check(&vault, Some("recovery words")), Ok(()));
    }

    #[test]
    fn wrong_tries_make_the_next_one_wait_and_the_right_one_clears_them() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = MemoryKeyStore::new();
        let password = Some(("recovery words", KdfParams::INSECURE_FOR_TESTS));
        let vault = Vault::create(&dir.path().join("vault.json"), Some(&keychain), password).unwrap();
        let gate = PasswordGate::new();
        for _ in 0..3 {
            assert_eq!(gate.check(&vault, Some("guess")), Err(GateError::WrongPassword));
        }
        // Shut now: even the right password waits, so that a guess cannot be told right by the answer.
        let shut = gate.check(&vault, Some("recovery words")).unwrap_err();
        assert!(matches!(shut, GateError::Wait(1 | 2)), "{shut:?}");
        assert!(shut.to_string().starts_with("Too many wrong passwords. Wait"), "{shut}");
        // Once the wait is over, the right password opens it and forgets the wrong tries.
        lock(&gate.tries).shut_until = None;
        assert_eq!(gate.check(&vault, Some("recovery words")), Ok(()));
        assert_eq!(lock(&gate.tries).failures, 0);
    }

    #[test]
    fn wrong_unlocks_wait_longer_each_time_and_the_wait_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unlock-tries.json");
        let now = 1_796_620_330;
        let tries = UnlockTries::new(path.clone());
        assert_eq!(tries.check(now), Ok(()));
        assert_eq!(tries.failed(now), Duration::ZERO);
        assert_eq!(tries.failed(now), Duration::ZERO);
        assert_eq!(tries.failed(now), Duration::from_secs(2));
        // Another start reads the same wait.
        let again = UnlockTries::new(path.clone());
        assert_eq!(again.check(now + 1), Err(GateError::Wait(1)));
        assert_eq!(again.check(now + 2), Ok(()));
        assert_eq!(again.failed(now + 2), Duration::from_secs(4));
        // A clock set far back waits no more than the longest wait.
        assert_eq!(again.check(now - 100_000), Err(GateError::Wait(LONGEST_WAIT.as_secs())));
        again.succeeded();
        assert_eq!(UnlockTries::new(path).check(now), Ok(()));
    }
}
