//! The command line: the same program as the app answers `twofold list`, `twofold code QUERY`, `twofold add`,
//! `twofold import`, `twofold export` and `twofold backup`, for the user's shell and for scripts. The commands that
//! read or add accounts ask the running app, which holds the vault, through its socket (`codes.rs`); with no app
//! running, they open the vault where the app does ([`twofold::paths`]), through the keychain, or with the recovery
//! password read from a file. Nothing here touches Tauri or a window: it only calls the core, and prints what
//! happened, in sentences, or as JSON for scripts. Exit status 0 on success, 1 with a sentence on standard error
//! otherwise, 2 for a command line it cannot read or a query that matches several accounts.
#![allow(clippy::print_stdout, reason = "the command line's answers go to standard output")]

use std::io::Write;

pub mod args;
mod ask;
mod codes;
mod error;
mod hold;
mod report;
mod vault;

use clap::Parser;

use args::{BackupAction, BackupArgs, Cli, Command, ExportArgs, ExportFormat, ImportArgs};
use error::CliError;
use report::{Added, print_added};
use serde::Serialize;
use twofold::account::display_name;
use twofold::export;
use twofold::import::{self, Format, ImportError};
use twofold::otp::{Kind, Otp, unix_now};
use vault::{password, read_error, read_file};

/// Whether `args` ask for the command line rather than the app: a command, or help or the version.
pub fn is_command(args: &[std::ffi::OsString]) -> bool {
    let first = args.get(1).and_then(|a| a.to_str()).unwrap_or("");
    matches!(
        first,
        "list"
            | "code"
            | "add"
            | "import"
            | "export"
            | "backup"
            | hold::HOLD
            | "help"
            | "--help"
            | "-h"
            | "--version"
            | "-V"
    )
}

/// Runs the command in `args` and returns the process's exit status.
pub fn run(args: Vec<std::ffi::OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { 2 } else { 0 };
        }
    };
    let done = match cli.command {
        Command::List(args) => codes::list(&args),
        Command::Code(args) => codes::code(&args),
        Command::Add(args) => codes::add(&args),
        Command::Import(args) => import(&args).map(|()| 0),
        Command::Export(args) => export(&args).map(|()| 0),
        Command::Backup(args) => backup(&args).map(|()| 0),
        Command::HoldClipboard { clear_after } => return hold::hold(clear_after),
    };
    match done {
        Ok(status) => status,
        Err(error) => {
            eprintln!("twofold: {error}");
            1
        }
    }
}

/// One account as `--json` prints it: never the secret.
#[derive(Serialize)]
struct AccountJson {
    issuer: String,
    name: String,
    kind: Kind,
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
    code: String,
}

#[derive(Serialize)]
struct SkippedJson {
    name: String,
    reason: String,
}

#[derive(Serialize)]
struct ImportJson {
    format: Format,
    entries: Vec<AccountJson>,
    skipped: Vec<SkippedJson>,
    /// What the vault made of the entries; absent for a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    added: Option<Added>,
}

fn import(args: &ImportArgs) -> Result<(), CliError> {
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        files.push((path.display().to_string(), read_file(path)?));
    }
    let read = match files.as_slice() {
        [(_, bytes)] if !import::pictures::is_picture(bytes) => {
            let given = password(args.password_file.as_deref(), args.password_stdin)?;
            import::read(bytes, given.as_deref().map(String::as_str)).map_err(|error| match error {
                ImportError::NeedsPassword(format) => CliError::NeedsPassword(format),
                other => CliError::Import(other),
            })?
        }
        _ if files.iter().all(|(_, bytes)| import::pictures::is_picture(bytes)) => {
            import::pictures::read_pictures(&files)?
        }
        _ => return Err(CliError::SeveralFiles),
    };
    let at = args.at.unwrap_or_else(unix_now);
    let mut report = ImportJson {
        format: read.format,
        entries: read.entries.iter().map(|e| account_json(&e.account, at)).collect(),
        skipped: read
            .skipped
            .iter()
            .map(|s| SkippedJson { name: s.name.clone(), reason: s.reason.to_string() })
            .collect(),
        added: None,
    };
    if !args.dry_run {
        let entries = read.entries.iter().map(ask::new_entry).collect();
        let request = twofold::ipc::Request::Add { entries, keep_both: args.keep_both };
        match ask::ask(request, &args.vault, true)? {
            twofold::ipc::Answer::Added { added, duplicates, conflicts } => {
                report.added = Some(Added { added, duplicates, conflicts });
            }
            twofold::ipc::Answer::Error { message, .. } => return Err(CliError::App(message)),
            _ => return Err(CliError::App("Twofold answered something else than was asked.".to_owned())),
        }
    }
    if args.json {
        let json =
            serde_json::to_string_pretty(&report).unwrap_or_else(|e| panic!("the report always serialises: {e}"));
        println!("{json}");
    } else {
        print_import(&report, &read.skipped);
    }
    Ok(())
}

fn account_json(account: &twofold::account::Account, at: u64) -> AccountJson {
    let otp = account.otp;
    AccountJson {
        issuer: account.issuer.clone(),
        name: account.name.clone(),
        kind: otp.kind(),
        algorithm: otp.algorithm().as_str(),
        digits: otp.digits(),
        period: otp.period().map(|p| p.seconds()),
        counter: match otp {
            Otp::Hotp { counter, .. } => Some(counter),
            _ => None,
        },
        code: account.codes_at(at).current.as_str().to_owned(),
    }
}

fn print_import(report: &ImportJson, skipped: &[import::Skipped]) {
    let count = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    let format = report.format;
    println!("The {format} file holds {}.", count(report.entries.len() + skipped.len(), "account", "accounts"));
    match &report.added {
        None => {
            for entry in &report.entries {
                println!("  {}", display_name(&entry.issuer, &entry.name));
            }
            println!("Nothing was added (a dry run).");
        }
        Some(added) => print_added(added),
    }
    for skipped in skipped {
        println!("{skipped}");
    }
}

fn export(args: &ExportArgs) -> Result<(), CliError> {
    // As in the app: where a recovery password is set, an export asks for it.
    let recovery = password(args.vault.vault_password_file.as_deref(), false)?;
    let own = password(args.password_file.as_deref(), false)?;
    let format = match args.format {
        ExportFormat::Twofold => export::Format::Twofold,
        ExportFormat::Aegis => export::Format::Aegis,
        ExportFormat::AegisPlain => export::Format::AegisPlain,
        ExportFormat::Otpauth => export::Format::Otpauth,
    };
    let path = std::path::absolute(&args.output).map_err(|e| read_error(&args.output, &e))?;
    let given_recovery = recovery.is_some();
    let request = twofold::ipc::Request::Export { format, path, password: own, recovery };
    match ask::ask(request, &args.vault, false)? {
        twofold::ipc::Answer::Done { message } => {
            if format.is_plain() {
                eprintln!("Warning: {}", export::PLAIN_WARNING);
            }
            println!("{message}");
        }
        twofold::ipc::Answer::Error { kind: twofold::ipc::ErrorKind::Password, .. } if !given_recovery => {
            return Err(CliError::ExportNeedsRecoveryPassword);
        }
        other => return Err(ask::unexpected(other)),
    }
    let _ = std::io::stdout().flush();
    Ok(())
}

fn backup(args: &BackupArgs) -> Result<(), CliError> {
    let dir = twofold::paths::data_dir().ok_or(CliError::NoDataDir)?;
    let settings = twofold::settings::Settings::load(&twofold::paths::settings(&dir));
    let folder = match &args.folder {
        Some(folder) => folder.clone(),
        None => settings.backups.folder.ok_or(CliError::NoBackupFolder)?,
    };
    let folder = std::path::absolute(&folder).map_err(|e| read_error(&folder, &e))?;
    let verify = matches!(args.action, BackupAction::Verify);
    let request = twofold::ipc::Request::Backup { verify, folder, keep: settings.backups.keep };
    match ask::ask(request, &args.vault, false)? {
        twofold::ipc::Answer::Done { message } => println!("{message}"),
        other => return Err(ask::unexpected(other)),
    }
    let _ = std::io::stdout().flush();
    Ok(())
}
