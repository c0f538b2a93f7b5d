//! Answering a request on an open vault. The running app answers over its socket with the vault it holds, and
//! the command line, when no app runs, answers its own request with the vault it opened: the same code either way.

use crate::account::{Entry, display_name};
use crate::find;
use crate::gate::PasswordGate;
use crate::vault::{AccountSummary, AddOutcome, OnNameConflict, Vault, VaultError};

use super::protocol::{AccountInfo, Answer, ErrorKind, NewEntry, Request};

/// What answering needs besides the vault: the clipboard, the record of codes used lately, and the gate that
/// checks the recovery password before an export.
pub trait Host {
    /// The recovery password's gate, with its waits after wrong tries.
    fn gate(&self) -> &PasswordGate;
    /// Puts `code` on the clipboard; the seconds until it is cleared (`None`: never).
    fn copy(&mut self, code: &str) -> Result<Option<u32>, CopyFailed>;
    /// When the code of account `id` was last used, in seconds since 1970.
    fn last_used(&self, id: &str) -> Option<u64>;
    /// Notes that the code of account `id` was used at `now`.
    fn used(&mut self, id: &str, now: u64);
}

/// The clipboard could not be used; the sentence says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CopyFailed(pub String);

/// Answers `request` on `vault` at the time `now` (seconds since 1970).
pub fn answer(request: Request, vault: &mut Vault, host: &mut dyn Host, now: u64) -> Answer {
    match request {
        Request::List => {
            let accounts = vault.accounts().iter().filter_map(|s| info(vault, s, now)).collect();
            Answer::Accounts { accounts }
        }
        Request::Code { query, next, first, copy } => code(vault, host, now, &query, next, first, copy),
        Request::Add { entries, keep_both } => add(vault, entries, keep_both),
        Request::Export { format, path, password, recovery } => {
            if let Err(refused) = host.gate().check(vault, recovery.as_deref().map(String::as_str)) {
                return error(ErrorKind::Password, refused.to_string());
            }
            if !path.is_absolute() {
                return error(
                    ErrorKind::Failed,
                    format!("{} is not a full path. Give the export's full path.", path.display()),
                );
            }
            match crate::export::write_to(vault, format, password.as_deref().map(String::as_str), &path) {
                Ok(message) => Answer::Done { message },
                Err(problem) => error(ErrorKind::Failed, problem.to_string()),
            }
        }
        Request::Backup { verify, folder, keep } => {
            let done = if verify {
                crate::backup::verify(vault, &folder).map(|verified| verified.to_string())
            } else {
                crate::backup::back_up(vault, &folder, keep, now).map(|made| {
                    let count = vault.entries().len();
                    let accounts = if count == 1 { "1 account".to_owned() } else { format!("{count} accounts") };
                    format!("Backup written to {} ({accounts}).", made.path.display())
                })
            };
            match done {
                Ok(message) => Answer::Done { message },
                Err(problem) => error(ErrorKind::Failed, problem.to_string()),
            }
        }
        // The running app answers the browser itself, outside the vault's lock: it may wait for the user.
        Request::Browser { .. } => Answer::Browser {
            message: crate::browser::messages::ToExtension::Error {
                kind: crate::browser::messages::BrowserErrorKind::NotRunning,
                message: "Twofold is not running. Start it, then try again.".into(),
            },
        },
    }
}

/// An account with its codes at `now`; `None` if it has gone.
fn info(vault: &Vault, summary: &AccountSummary, now: u64) -> Option<AccountInfo> {
    let codes = vault.codes_at(&summary.id, now).ok()?;
    Some(AccountInfo {
        id: summary.id.to_string(),
        issuer: summary.issuer.clone(),
        name: summary.name.clone(),
        kind: summary.otp.kind(),
        code: codes.current.as_str().to_owned(),
        next_code: codes.next.as_str().to_owned(),
        seconds_left: codes.seconds_left,
        favorite: summary.favorite,
    })
}

fn code(vault: &Vault, host: &mut dyn Host, now: u64, query: &str, next: bool, first: bool, copy: bool) -> Answer {
    let summaries = vault.accounts();
    let found = find::rank_accounts(query, &summaries, |id| host.last_used(id));
    let chosen = match (find::single(&found), found.first()) {
        (Some(index), _) => index,
        (None, Some(best)) if first => best.index,
        (None, Some(_)) => {
            let accounts = found.iter().filter_map(|f| info(vault, &summaries[f.index], now)).collect();
            return Answer::Ambiguous { accounts };
        }
        (None, None) => {
            return error(
                ErrorKind::NotFound,
                format!("No account matches “{query}”. List your accounts with: twofold list"),
            );
        }
    };
    let Some(account) = info(vault, &summaries[chosen], now) else {
        return error(ErrorKind::Vault, VaultError::UnknownAccount.to_string());
    };
    let code = if next { account.next_code.clone() } else { account.code.clone() };
    let clear_after = match copy.then(|| host.copy(&code)).transpose() {
        Ok(clear_after) => clear_after.flatten(),
        Err(failed) => return error(ErrorKind::Clipboard, failed.0),
    };
    host.used(&account.id, now);
    Answer::Code { account, code, next, clear_after }
}

fn add(vault: &mut Vault, entries: Vec<NewEntry>, keep_both: bool) -> Answer {
    let mut read = Vec::with_capacity(entries.len());
    for entry in entries {
        match crate::uri::parse(&entry.link) {
            Ok(account) => {
                read.push(Entry { account, favorite: entry.favorite, groups: entry.groups, note: entry.note })
            }
            Err(problem) => return error(ErrorKind::Invalid, problem.to_string()),
        }
    }
    let labels: Vec<String> = read.iter().map(|e| display_name(&e.account.issuer, &e.account.name)).collect();
    let policy = if keep_both { OnNameConflict::KeepBoth } else { OnNameConflict::Ask };
    let outcomes = match vault.add_entries(read, policy) {
        Ok(outcomes) => outcomes,
        Err(problem) => return error(ErrorKind::Vault, problem.to_string()),
    };
    let (mut added, mut duplicates, mut conflicts) = (Vec::new(), Vec::new(), Vec::new());
    for (outcome, label) in outcomes.into_iter().zip(labels) {
        match outcome {
            AddOutcome::Added(_) | AddOutcome::Replaced { .. } => added.push(label),
            AddOutcome::Duplicate(_) => duplicates.push(label),
            AddOutcome::NameConflict(_) => conflicts.push(label),
        }
    }
    Answer::Added { added, duplicates, conflicts }
}

fn error(kind: ErrorKind, message: String) -> Answer {
    Answer::Error { kind, message }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::vault::{MemoryKeyStore, Vault};
    use zeroize::Zeroizing;

    #[derive(Default)]
    struct Recorder {
        copied: Vec<String>,
        used: BTreeMap<String, u64>,
        gate: PasswordGate,
    }

    impl Host for Recorder {
        fn gate(&self) -> &PasswordGate {
            &self.gate
        }
        fn copy(&mut self, code: &str) -> Result<Option<u32>, CopyFailed> {
            self.copied.push(code.to_owned());
            Ok(Some(30))
        }
        fn last_used(&self, id: &str) -> Option<u64> {
            self.used.get(id).copied()
        }
        fn used(&mut self, id: &str, now: u64) {
            self.used.insert(id.to_owned(), now);
        }
    }

    fn link(issuer: &str, name: &str, secret: &str) -> NewEntry {
        NewEntry {
            link: Zeroizing::new(format!("otpauth://totp/{issuer}:{name}?secret={secret}&issuer={issuer}")),
            favorite: false,
            groups: vec![],
            note: None,
        }
    }

    fn vault_with_three(dir: &std::path::Path) -> Vault {
        let mut vault = Vault::create(&dir.join("vault.json"), Some(&MemoryKeyStore::new()), None).unwrap();
        let entries = vec![
            link("GitHub", "alice", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            link("GitHub", "bob", "MFRGGZDFMZTWQ2LK"),
            link("GitLab", "alice", "JBSWY3DPEHPK3PXP"),
        ];
        let mut host = Recorder::default();
        let added = answer(Request::Add { entries, keep_both: false }, &mut vault, &mut host, 0);
        assert_eq!(
            added,
            Answer::Added {
                added: vec!["GitHub (alice)".into(), "GitHub (bob)".into(), "GitLab (alice)".into()],
                duplicates: vec![],
                conflicts: vec![]
            }
        );
        vault
    }

    fn code_request(query: &str) -> Request {
        Request::Code { query: query.into(), next: false, first: false, copy: false }
    }

    #[test]
    fn a_query_that_finds_one_account_answers_its_code_and_notes_the_use() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = vault_with_three(dir.path());
        let mut host = Recorder::default();
        // RFC 6238's time 59 for the 20-byte SHA-1 secret "12345678901234567890": 287082.
        let Answer::Code { account, code, next, clear_after } =
            answer(code_request("github alice"), &mut vault, &mut host, 59)
        else {
            panic!("one account")
        };
        assert_eq!((account.name.as_str(), code.as_str(), next, clear_after), ("alice", "287082", false, None));
        assert!(host.copied.is_empty(), "nothing copied unless asked");
        assert_eq!(host.used.get(&account.id), Some(&59));

        let copy = Request::Code { query: "lab".into(), next: true, first: false, copy: true };
        let Answer::Code { code, next, clear_after, .. } = answer(copy, &mut vault, &mut host, 59) else { panic!() };
        assert!(next);
        assert_eq!((host.copied.as_slice(), clear_after), ([code].as_slice(), Some(30)));
    }

    #[test]
    fn several_equally_good_matches_are_listed_unless_the_first_is_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = vault_with_three(dir.path());
        let mut host = Recorder::default();
        let Answer::Ambiguous { accounts } = answer(code_request("github"), &mut vault, &mut host, 0) else {
            panic!("two GitHub accounts")
        };
        assert_eq!(accounts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["alice", "bob"]);
        let first = Request::Code { query: "github".into(), next: false, first: true, copy: false };
        let Answer::Code { account, .. } = answer(first, &mut vault, &mut host, 0) else { panic!() };
        assert_eq!(account.name, "alice");
        // Once bob's code was used, bob is the first.
        host.used.insert(accounts[1].id.clone(), 10);
        let first = Request::Code { query: "github".into(), next: false, first: true, copy: false };
        let Answer::Code { account, .. } = answer(first, &mut vault, &mut host, 20) else { panic!() };
        assert_eq!(account.name, "bob");
    }

    #[test]
    fn no_match_and_a_bad_link_are_sentences() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = vault_with_three(dir.path());
        let mut host = Recorder::default();
        let Answer::Error { kind, message } = answer(code_request("dropbox"), &mut vault, &mut host, 0) else {
            panic!()
        };
        assert_eq!(kind, ErrorKind::NotFound);
        assert!(message.contains("No account matches “dropbox”"), "{message}");
        let bad = NewEntry { link: Zeroizing::new("https://example.com".into()), ..link("A", "b", "JBSWY3DP") };
        let Answer::Error { kind, .. } =
            answer(Request::Add { entries: vec![bad], keep_both: false }, &mut vault, &mut host, 0)
        else {
            panic!()
        };
        assert_eq!(kind, ErrorKind::Invalid);
        assert_eq!(vault.accounts().len(), 3, "nothing was added");
    }

    #[test]
    fn adding_again_reports_duplicates_and_name_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = vault_with_three(dir.path());
        let mut host = Recorder::default();
        let entries =
            vec![link("GitHub", "alice", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), link("GitLab", "alice", "MFRGGZDF")];
        let answered = answer(Request::Add { entries, keep_both: false }, &mut vault, &mut host, 0);
        assert_eq!(
            answered,
            Answer::Added {
                added: vec![],
                duplicates: vec!["GitHub (alice)".into()],
                conflicts: vec!["GitLab (alice)".into()]
            }
        );
        let Answer::Accounts { accounts } = answer(Request::List, &mut vault, &mut host, 0) else { panic!() };
        assert_eq!(accounts.len(), 3);
    }

    #[test]
    fn an_export_is_written_by_whoever_answers_never_over_a_file_and_asks_for_the_recovery_password() {
        let dir = tempfile::tempdir().unwrap();
        let password = Some(("battery staple", crate::vault::KdfParams::INSECURE_FOR_TESTS));
        let mut vault = Vault::create(&dir.path().join("vault.json"), Some(&MemoryKeyStore::new()), password).unwrap();
        let mut host = Recorder::default();
        let entries = vec![link("GitLab", "alice", "JBSWY3DPEHPK3PXP")];
        answer(Request::Add { entries, keep_both: false }, &mut vault, &mut host, 0);
        let path = dir.path().join("links.txt");
        let export = |recovery: Option<&str>| Request::Export {
            format: crate::export::Format::Otpauth,
            path: path.clone(),
            password: None,
            recovery: recovery.map(|r| Zeroizing::new(r.to_owned())),
        };
        let Answer::Error { kind, .. } = answer(export(None), &mut vault, &mut host, 0) else { panic!() };
        assert_eq!(kind, ErrorKind::Password);
        assert!(!path.exists());
        let done = answer(export(Some("battery staple")), &mut vault, &mut host, 0);
        assert_eq!(
            done,
            Answer::Done {
                message: format!("1 account written to {} as a plain list of authenticator links.", path.display())
            }
        );
        assert!(std::fs::read_to_string(&path).unwrap().contains("secret=JBSWY3DPEHPK3PXP"));
        let Answer::Error { kind, message } = answer(export(Some("battery staple")), &mut vault, &mut host, 0) else {
            panic!()
        };
        assert_eq!(kind, ErrorKind::Failed);
        assert!(message.contains("already exists"), "{message}");

        let folder = dir.path().join("backups");
        std::fs::create_dir(&folder).unwrap();
        let backup = |verify| Request::Backup { verify, folder: folder.clone(), keep: 5 };
        let Answer::Done { message } = answer(backup(false), &mut vault, &mut host, 1_700_000_000) else { panic!() };
        assert!(message.starts_with("Backup written to") && message.ends_with("(1 account)."), "{message}");
        let Answer::Done { message } = answer(backup(true), &mut vault, &mut host, 0) else { panic!() };
        assert!(!message.is_empty());
    }
}
