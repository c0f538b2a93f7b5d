//! How every command that touches the accounts reaches them: asked of the running app through its socket
//! ([`twofold::ipc`]), which holds the vault; or, when none runs, answered here with the vault opened as the app
//! opens it. The answers are the same either way.

use std::time::{Duration, Instant};

use twofold::gate::PasswordGate;
use twofold::ipc::socket::{self, CallError, Endpoint};
use twofold::ipc::{Answer, CopyFailed, ErrorKind, Host, NewEntry, Request};
use twofold::otp::unix_now;
use twofold::recent::RecentUses;

use super::args::VaultArgs;
use super::error::CliError;
use super::vault::open_vault;

/// Asks the running app, or, with none, answers here with the vault opened (created first when `create` and there
/// is none). An app that quits while asked leaves the vault free: it is then opened here.
pub fn ask(request: Request, vault: &VaultArgs, create: bool) -> Result<Answer, CliError> {
    let endpoint = Endpoint::for_user();
    if let Some(endpoint) = &endpoint {
        match socket::call(endpoint, &request) {
            Ok(Some(answer)) => return Ok(answer),
            Ok(None) => {}
            Err(CallError::Interrupted) => return answer_when_free(request, vault, create),
            Err(other) => return Err(CliError::Socket(other)),
        }
    }
    answer_here(request, vault, create)
}

fn answer_here(request: Request, vault: &VaultArgs, create: bool) -> Result<Answer, CliError> {
    let mut opened = open_vault(vault, create)?;
    let dir = twofold::paths::data_dir().ok_or(CliError::NoDataDir)?;
    let settings = twofold::settings::Settings::load(&twofold::paths::settings(&dir));
    let recent = RecentUses::load(&twofold::paths::recent(&dir));
    let mut host = LocalHost { recent, clear_after: settings.clipboard_clear_seconds, gate: PasswordGate::default() };
    Ok(twofold::ipc::answer(request, &mut opened, &mut host, unix_now()))
}

/// The app quit while it was asked: for a few seconds, while it lets go of the vault, the vault is tried again.
fn answer_when_free(request: Request, vault: &VaultArgs, create: bool) -> Result<Answer, CliError> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match answer_here(request.clone(), vault, create) {
            Err(CliError::InUse) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            done => return done,
        }
    }
}

/// The clipboard, the record of recent copies and the recovery password's gate, for answers given here.
struct LocalHost {
    recent: RecentUses,
    clear_after: Option<u32>,
    gate: PasswordGate,
}

impl Host for LocalHost {
    fn gate(&self) -> &PasswordGate {
        &self.gate
    }

    fn copy(&mut self, code: &str) -> Result<Option<u32>, CopyFailed> {
        super::hold::copy_in_background(code, self.clear_after)?;
        Ok(self.clear_after)
    }

    fn last_used(&self, id: &str) -> Option<u64> {
        self.recent.last_used(id)
    }

    fn used(&mut self, id: &str, now: u64) {
        if let Err(problem) = self.recent.note(id, now) {
            eprintln!("twofold: {problem}");
        }
    }
}

/// An entry read here, as the request carries it.
pub fn new_entry(entry: &twofold::account::Entry) -> NewEntry {
    NewEntry {
        link: twofold::uri::format(&entry.account),
        favorite: entry.favorite,
        groups: entry.groups.clone(),
        note: entry.note.clone(),
    }
}

/// An answer that is not the one asked for: an error the app reported, or a misunderstanding.
pub fn unexpected(answer: Answer) -> CliError {
    match answer {
        Answer::Error { kind: ErrorKind::NotFound, message } => CliError::NotFound(message),
        Answer::Error { message, .. } => CliError::App(message),
        other => CliError::App(format!("Twofold answered something else than was asked ({other:?}).")),
    }
}
