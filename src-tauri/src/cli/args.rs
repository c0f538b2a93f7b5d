//! The command line's arguments, as clap reads them. Only clap and the standard library here: the build script
//! includes this file too, to write the shell completions and the man pages that the packages install.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// What the command line can be asked to do.
#[derive(Parser)]
#[command(
    name = "twofold",
    version,
    about = "Twofold, a desktop authenticator. Without a command, the app starts.",
    long_about = "Twofold, a desktop authenticator. Without a command, the app starts. `twofold --palette` opens the quick-copy palette (of the running app, or of one it starts): bind it to a key in your desktop's keyboard settings. The commands below ask the running app, which holds the vault, or open the vault themselves when no app runs."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Lists the accounts with their codes.
    List(ListArgs),
    /// Prints the code of the account a few letters of its name find (`twofold code github`).
    Code(CodeArgs),
    /// Adds an account from its link, a picture of its QR code, or the QR code on the screen.
    Add(AddArgs),
    /// Adds the accounts of another authenticator's export, or of a Twofold backup, to the vault.
    Import(ImportArgs),
    /// Writes every account to a file that Twofold elsewhere, or another authenticator, can import.
    Export(ExportArgs),
    /// Makes or checks a backup in the backup folder chosen in the app's settings.
    Backup(BackupArgs),
    /// Serves a code copied by `code --copy` until it is cleared (started by the command line itself).
    #[command(name = "hold-clipboard", hide = true)]
    HoldClipboard {
        #[arg(long)]
        clear_after: Option<u32>,
    },
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub action: BackupAction,
    /// The folder to use instead of the one chosen in the settings.
    #[arg(long, value_name = "DIR", global = true)]
    pub folder: Option<PathBuf>,
    #[command(flatten)]
    pub vault: VaultArgs,
}

#[derive(Clone, Copy, Subcommand)]
pub enum BackupAction {
    /// Writes a backup now (the oldest beyond the number to keep are deleted).
    Now,
    /// Reads the newest backup and compares it with the vault.
    Verify,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The export file; or the pictures of every QR code of a Google Authenticator export, one code a picture.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// A file holding the export's password, when it is encrypted.
    #[arg(long, value_name = "FILE", conflicts_with = "password_stdin")]
    pub password_file: Option<PathBuf>,
    /// Read the export's password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Only read the file and say what it holds; the vault is not opened or changed.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as JSON: the accounts with their codes, never a secret.
    #[arg(long)]
    pub json: bool,
    /// The time of the codes printed, in seconds since 1970 (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
    /// Add an account named like one already in the vault beside it, instead of leaving it out.
    #[arg(long)]
    pub keep_both: bool,
    #[command(flatten)]
    pub vault: VaultArgs,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The kind of file to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// A file holding the password of the file written (an Aegis file needs one; a Twofold backup without one
    /// opens with the recovery password).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    #[command(flatten)]
    pub vault: VaultArgs,
}

#[derive(Args)]
pub struct VaultArgs {
    /// A file holding the vault's recovery password, used where the keychain cannot open the vault, and asked for
    /// before an export when one is set.
    #[arg(long, value_name = "FILE")]
    pub vault_password_file: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// A Twofold backup, encrypted: opens in Twofold on any system.
    Twofold,
    /// An Aegis vault file, encrypted: most authenticators import it.
    Aegis,
    /// An Aegis vault file, not encrypted.
    AegisPlain,
    /// A list of otpauth:// links, not encrypted.
    Otpauth,
}

#[derive(Args)]
pub struct ListArgs {
    /// Print the accounts as JSON: names and codes, never a secret.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub vault: VaultArgs,
}

#[derive(Args)]
pub struct CodeArgs {
    /// A few letters of the service or account name, as the quick-copy palette takes them.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// The next code rather than the current one.
    #[arg(long)]
    pub next: bool,
    /// Also put the code on the clipboard, cleared as the app's settings say.
    #[arg(long)]
    pub copy: bool,
    /// With several accounts found, take the best one instead of listing them.
    #[arg(long)]
    pub first: bool,
    /// Print the account and its code as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub vault: VaultArgs,
}

#[derive(Args)]
#[group(id = "source", required = true, args = ["links", "image", "screen"])]
pub struct AddArgs {
    /// `otpauth://` or `otpauth-migration://` links.
    pub links: Vec<String>,
    /// A picture of the QR code; several for the codes of one Google Authenticator export.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "links")]
    pub image: Vec<PathBuf>,
    /// Read the QR code shown on the screen.
    #[arg(long, conflicts_with_all = ["links", "image"])]
    pub screen: bool,
    /// Add an account named like one already in the vault beside it, instead of leaving it out.
    #[arg(long)]
    pub keep_both: bool,
    #[command(flatten)]
    pub vault: VaultArgs,
}
