//! `twofold list`, `twofold code QUERY` and `twofold add`, and the way every command that touches the accounts
//! reaches them: asked of the running app through its socket ([`twofold::ipc`]), which holds the vault; or, when
//! none runs, answered here with the vault opened as the app opens it. The answers are the same either way.

use std::time::{Duration, Instant};

use twofold::gate::PasswordGate;
use twofold::ipc::socket::{self, CallError, Endpoint};
use twofold::ipc::{AccountInfo, Answer, CopyFailed, ErrorKind, Host, NewEntry, Request};
use twofold::otp::unix_now;
use twofold::recent::RecentUses;

use super::args::{AddArgs, CodeArgs, ListArgs, VaultArgs};
use super::{CliError, open_vault};

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

/// The exit status of a command that found several accounts where it needed one.
const AMBIGUOUS: i32 = 2;

pub fn list(args: &ListArgs) -> Result<i32, CliError> {
    let accounts = match ask(Request::List, &args.vault, false)? {
        Answer::Accounts { accounts } => accounts,
        other => return Err(unexpected(other)),
    };
    if args.json {
        print_json(&accounts);
    } else if accounts.is_empty() {
        println!("No accounts yet. Add one with: twofold add otpauth://…");
    } else {
        for account in &accounts {
            println!("{}", row(account));
        }
    }
    Ok(0)
}

pub fn code(args: &CodeArgs) -> Result<i32, CliError> {
    let query = args.query.join(" ");
    let request = Request::Code { query: query.clone(), next: args.next, first: args.first, copy: args.copy };
    match ask(request, &args.vault, false)? {
        answer @ Answer::Code { .. } if args.json => print_json(&answer),
        Answer::Code { account, code, clear_after, .. } => {
            println!("{code}");
            if args.copy {
                let name = twofold::account::display_name(&account.issuer, &account.name);
                match clear_after {
                    Some(seconds) => eprintln!("Copied the code of {name}; the clipboard clears in {seconds} s."),
                    None => eprintln!("Copied the code of {name}."),
                }
            }
        }
        Answer::Ambiguous { accounts } => {
            if args.json {
                print_json(&Answer::Ambiguous { accounts });
            } else {
                eprintln!("“{query}” matches several accounts. Type more of the one you mean, or add --first:");
                for account in &accounts {
                    eprintln!("{}", row(account));
                }
            }
            return Ok(AMBIGUOUS);
        }
        other => return Err(unexpected(other)),
    }
    Ok(0)
}

pub fn add(args: &AddArgs) -> Result<i32, CliError> {
    let read = if args.screen {
        let frame = twofold::scan::screen_frame().map_err(CliError::Scan)?;
        let found = twofold::scan::Decoder::new().decode(&frame).ok_or(CliError::NoCodeOnScreen)?;
        twofold::import::read(found.text.as_bytes(), None)?
    } else if !args.image.is_empty() {
        let mut files = Vec::with_capacity(args.image.len());
        for path in &args.image {
            files.push((path.display().to_string(), super::read_file(path)?));
        }
        twofold::import::pictures::read_pictures(&files)?
    } else {
        twofold::import::read(args.links.join("\n").as_bytes(), None)?
    };
    for skipped in &read.skipped {
        eprintln!("{skipped}");
    }
    let entries = read.entries.iter().map(new_entry).collect();
    let answer = ask(Request::Add { entries, keep_both: args.keep_both }, &args.vault, true)?;
    let Answer::Added { added, duplicates, conflicts } = answer else { return Err(unexpected(answer)) };
    super::print_added(&super::Added { added, duplicates, conflicts });
    Ok(0)
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

/// An account as `list` prints it: the code in two groups, the seconds left, the name.
fn row(account: &AccountInfo) -> String {
    let code = twofold::otp::grouped(&account.code);
    let left = account.seconds_left.map_or_else(|| "    ".to_owned(), |s| format!("{s:>2} s"));
    format!("{code:<9}  {left}  {}", twofold::account::display_name(&account.issuer, &account.name))
}

fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("twofold: {e}"),
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
