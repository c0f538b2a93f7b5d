//! Kills a process with SIGKILL at random moments while it saves, 200 times: the vault always opens and holds the
//! state before or after the interrupted save, never fewer accounts.
//!
//! The test binary re-runs itself as the saving child (see `child_saves_until_killed`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use twofold::vault::{KdfParams, OnNameConflict, Unlock, Vault};
use twofold::{Account, Otp, Secret};

const CHILD_VAULT: &str = "TWOFOLD_CRASH_TEST_VAULT";
const PASSWORD: &str = "crash test";
const TRIALS: usize = 200;

fn account(n: u64) -> Account {
    let mut key = n.to_be_bytes().to_vec();
    key.extend_from_slice(b"-crash-test-key");
    Account::new("Crash", &format!("user{n}"), Secret::from_bytes(key).unwrap(), Otp::default())
}

fn open(path: &Path) -> Vault {
    Vault::open(path, Unlock::Password(PASSWORD)).unwrap_or_else(|e| panic!("the vault must always open: {e}"))
}

/// The child: when started by the crash test, adds accounts one save at a time and reports each finished save.
#[test]
fn child_saves_until_killed() {
    if !common::run_as_child(CHILD_VAULT) {
        return;
    }
    let path = std::env::var_os(CHILD_VAULT).unwrap_or_default();
    let mut vault = open(Path::new(&path));
    let mut count = vault.accounts().len() as u64;
    println!("ready {count}");
    loop {
        vault.add(account(count), OnNameConflict::KeepBoth).unwrap();
        count += 1;
        println!("saved {count}");
    }
}

/// A small deterministic generator for kill delays (reproducible runs).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn a_kill_at_any_moment_of_a_save_never_loses_a_saved_account() {
    if std::env::var_os(CHILD_VAULT).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    drop(Vault::create(&path, None, Some((PASSWORD, KdfParams::INSECURE_FOR_TESTS))).unwrap());
    let mut rng = XorShift(0x5eed_2f01);
    let mut known = 0u64;
    let mut interrupted_mid_save = 0;

    for trial in 0..TRIALS {
        let mut child = common::child_test("child_saves_until_killed")
            .env(CHILD_VAULT, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // libtest may print "test child_saves_until_killed ... " on the same line before the child's first words.
        let start: u64 = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.split_once("ready ").and_then(|(_, n)| n.trim().parse().ok()))
            .expect("the child reports that it opened the vault");
        assert!(start >= known, "trial {trial}: the child opened {start} accounts, {known} were saved before");
        std::thread::sleep(Duration::from_micros(rng.next() % 40_000));
        child.kill().unwrap();
        child.wait().unwrap();
        let reported = lines
            .map_while(Result::ok)
            .filter_map(|l| l.strip_prefix("saved ").and_then(|n| n.parse::<u64>().ok()))
            .max()
            .unwrap_or(start);

        let vault = open(&path);
        let count = vault.accounts().len() as u64;
        assert!(
            count == reported || count == reported + 1,
            "trial {trial}: {count} accounts on disk, but the last finished save had {reported}"
        );
        if count == reported + 1 {
            interrupted_mid_save += 1;
        }
        let names: Vec<String> = vault.accounts().into_iter().map(|a| a.name).collect();
        let expected: Vec<String> = (0..count).map(|n| format!("user{n}")).collect();
        assert_eq!(names, expected, "trial {trial}: every account is intact and in order");
        known = count;
    }
    eprintln!(
        "{TRIALS} kills; {known} accounts saved; {interrupted_mid_save} kills landed after a rename but before its report"
    );
}
