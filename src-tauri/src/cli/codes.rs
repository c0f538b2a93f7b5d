//! `twofold list`, `twofold code QUERY` and `twofold add`: each a request to whoever holds the vault (`ask.rs`),
//! and what it answered, printed.

use twofold::ipc::{AccountInfo, Answer, Request};

use super::args::{AddArgs, CodeArgs, ListArgs};
use super::ask::{ask, new_entry, unexpected};
use super::error::CliError;
use super::report::{Added, print_added};

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
            files.push((path.display().to_string(), super::vault::read_file(path)?));
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
    print_added(&Added { added, duplicates, conflicts });
    Ok(0)
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
