//! What the web UI receives: names, codes and sentences, never a secret or an `otpauth://` link. The two
//! exceptions, [`Revealed`] and [`QrView`], are only produced when the user asks to see the secret.

use serde::Serialize;
use twofold::account::Account;
use twofold::migration::Progress;
use twofold::otp::Otp;
use twofold::otp::{Codes, Kind};
use twofold::scan::{NotAuthenticator, Point};
use twofold::settings::{Settings, Theme};
use twofold::vault::{AddOutcome, TrashedSummary, VaultStatus};
use zeroize::Zeroizing;

use crate::backups::BackupView;
use crate::error::AppError;

/// What the UI shows for one account.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub id: String,
    pub issuer: String,
    pub name: String,
    pub kind: Kind,
    pub code: String,
    pub next_code: String,
    pub seconds_left: Option<u32>,
    pub period: Option<u32>,
    pub favorite: bool,
}

impl AccountView {
    pub fn new(id: String, issuer: String, name: String, otp: &Otp, codes: Codes, favorite: bool) -> Self {
        AccountView {
            id,
            issuer,
            name,
            kind: otp.kind(),
            code: codes.current.grouped(),
            next_code: codes.next.grouped(),
            seconds_left: codes.seconds_left,
            period: otp.period().map(|p| p.seconds()),
            favorite,
        }
    }
}

/// What a copy from the quick-copy palette did.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct QuickCopyView {
    /// The next code was copied, the current one being about to expire.
    pub next: bool,
    /// Seconds until the clipboard is cleared; `None`: never.
    pub clear_after: Option<u32>,
}

/// What the UI shows for an account in the trash ("Recently deleted" in the settings).
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TrashView {
    pub id: String,
    pub issuer: String,
    pub name: String,
    /// When it was deleted or replaced, in seconds since 1970.
    pub deleted_at: u64,
    /// Whether a new QR code for the same account replaced it, rather than a delete.
    pub replaced: bool,
}

impl From<TrashedSummary> for TrashView {
    fn from(trashed: TrashedSummary) -> Self {
        let TrashedSummary { account, deleted_at, replaced } = trashed;
        TrashView { id: account.id.to_string(), issuer: account.issuer, name: account.name, deleted_at, replaced }
    }
}

/// Which screen start-up leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// No vault yet: the welcome screen creates one.
    Welcome,
    /// The keychain did not open the vault: the lock screen says why.
    Locked,
    /// The vault is open: the accounts.
    Ready,
}

/// Where start-up left the app.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartupView {
    pub stage: Stage,
    /// Why it is locked: `{kind, message}`.
    pub problem: Option<AppError>,
    /// Whether a recovery password can unlock it.
    pub password_available: bool,
    /// Set when a damaged vault file was replaced by its previous version, or the file was put back to an older one.
    pub recovery: Option<String>,
    /// After a password unlock: what became of the keychain link (a new key stored, or why that failed).
    pub keychain_notice: Option<String>,
    /// The user's preferences (theme, clipboard delay).
    pub settings: SettingsView,
    /// Whether the UI should report timings (set by `TWOFOLD_TRACE` for the measurement script).
    pub trace: bool,
    /// When `ready`: every account with its codes, so the first screen needs no second round trip.
    pub accounts: Option<Vec<AccountView>>,
}

/// What became of one account the user confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Added to the list.
    Added,
    /// Its secret was already paired: nothing changed.
    Duplicate,
    /// Same issuer and name as an account there, another secret: nothing changed, the user chooses.
    Conflict,
    /// It took the place of the account with its name, which went to the trash.
    Replaced,
}

/// The result of adding an account.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddView {
    pub outcome: Outcome,
    /// The account added, or the one already there.
    pub id: String,
    /// The account replaced, for undo.
    pub replaced: Option<String>,
    /// Issuer and name, for the toast.
    pub label: String,
}

impl AddView {
    pub fn new(outcome: AddOutcome, label: String) -> Self {
        let (outcome, id, replaced) = match outcome {
            AddOutcome::Added(id) => (Outcome::Added, id.to_string(), None),
            AddOutcome::Duplicate(id) => (Outcome::Duplicate, id.to_string(), None),
            AddOutcome::NameConflict(id) => (Outcome::Conflict, id.to_string(), None),
            AddOutcome::Replaced { new, old } => (Outcome::Replaced, new.to_string(), Some(old.to_string())),
        };
        AddView { outcome, id, replaced, label }
    }
}

/// How a scanned account compares with the accounts already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PendingStatus {
    /// Nothing like it yet.
    New,
    /// This secret is already paired.
    Duplicate,
    /// Same issuer and name, another secret: re-pairing.
    Conflict,
}

/// A scanned account waiting for the user's confirmation.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PendingView {
    /// Its place in the pending list.
    pub id: String,
    pub issuer: String,
    pub name: String,
    pub kind: Kind,
    pub code: String,
    pub seconds_left: Option<u32>,
    pub period: Option<u32>,
    pub status: PendingStatus,
}

impl PendingView {
    pub fn new(id: String, account: &Account, codes: Codes, preview: &AddOutcome) -> Self {
        PendingView {
            id,
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            kind: account.otp.kind(),
            code: codes.current.grouped(),
            seconds_left: codes.seconds_left,
            period: account.otp.period().map(|p| p.seconds()),
            status: match preview {
                AddOutcome::Duplicate(_) => PendingStatus::Duplicate,
                AddOutcome::NameConflict(_) => PendingStatus::Conflict,
                AddOutcome::Added(_) | AddOutcome::Replaced { .. } => PendingStatus::New,
            },
        }
    }
}

/// A corner of a detected code, in frame pixels.
#[derive(Debug, Serialize, PartialEq)]
pub struct CornerView {
    pub x: f32,
    pub y: f32,
}

/// What a scan reports to the UI: during a camera scan as channel messages, for a still scan as the result.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ScanView {
    /// A code is in view at these corners of a `width`×`height` frame: draw the outline.
    Seen { corners: Vec<CornerView>, width: u32, height: u32 },
    /// Part of an export is in.
    Progress { message: String, scanned: u32, total: u32 },
    /// A code that cannot be paired, with the sentence saying why.
    Rejected { message: String },
    /// Accounts to confirm, and one sentence per account of an export that could not be read.
    Found { pending: Vec<PendingView>, left_out: Vec<String> },
    /// An encrypted export of another app (`format`), waiting for its password.
    NeedsPassword { format: String, message: String },
    /// A picture without any readable QR code.
    NothingFound { message: String },
    /// The source failed (no camera, busy, unplugged…); scanning has stopped.
    Failed { error: AppError },
}

impl ScanView {
    pub fn seen(corners: &[Point], width: u32, height: u32) -> Self {
        ScanView::Seen { corners: corners.iter().map(|p| CornerView { x: p.x, y: p.y }).collect(), width, height }
    }

    pub fn found(pending: Vec<PendingView>, left_out: Vec<String>) -> Self {
        ScanView::Found { pending, left_out }
    }

    pub fn needs_password(format: twofold::import::Format) -> Self {
        let message = twofold::import::ImportError::NeedsPassword(format).to_string();
        ScanView::NeedsPassword { format: format.name().to_owned(), message }
    }

    pub fn progress(progress: Progress) -> Self {
        ScanView::Progress { message: progress.to_string(), scanned: progress.scanned, total: progress.total }
    }

    pub fn rejected(why: &NotAuthenticator) -> Self {
        ScanView::Rejected { message: why.to_string() }
    }

    pub fn nothing_found() -> Self {
        ScanView::NothingFound {
            message: "No QR code was found in this picture. Make sure the whole code is visible and sharp, or try \
                      another tab."
                .into(),
        }
    }
}

/// What a file dropped on the window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Dropped {
    /// A picture, read for QR codes.
    Picture,
    /// Another authenticator's export, or a Twofold backup.
    Export,
}

/// What a file dropped on the window holds.
#[derive(Debug, Serialize)]
pub struct DroppedView {
    /// Whether it was read as a picture or as an export.
    pub kind: Dropped,
    /// What reading it found, as for a chosen file (a file that is neither names itself in the error).
    pub scan: ScanView,
}

/// A camera in the picker.
#[derive(Debug, Serialize)]
pub struct CameraView {
    pub index: u32,
    pub name: String,
}

/// The preferences and what the settings page shows beside them.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Seconds before a copied code is cleared; `null` for never.
    pub clipboard_clear_seconds: Option<u32>,
    /// `system`, `light` or `dark`.
    pub theme: Theme,
    /// Whether closing the window keeps Twofold in the tray.
    pub keep_in_tray: bool,
    /// The app lock.
    pub lock: twofold::settings::AppLock,
    /// Whether a recovery password is set (`null` while locked).
    pub password_set: Option<bool>,
    /// Whether the OS keychain holds the vault key (`null` while locked).
    pub keychain_linked: Option<bool>,
    pub version: &'static str,
    /// Where the vault file is, for backups.
    pub vault_path: String,
    /// The automatic backups.
    pub backups: BackupView,
    /// The folder an export is offered to go to first.
    pub export_folder: Option<String>,
    /// What a plain export lays open, shown before one is written.
    pub plain_warning: &'static str,
    /// The keyboard shortcut that opens the quick-copy palette (`Ctrl+Shift+Space`); `null`: none.
    pub quick_copy_shortcut: Option<String>,
    /// Why that shortcut is not in effect, if it is not.
    pub shortcut_problem: Option<String>,
    /// The keys that open the palette as the desktop describes them, when the desktop chose them (Wayland).
    pub shortcut_by_desktop: Option<String>,
    /// The command that opens the palette, for a shortcut set in the desktop's own keyboard settings.
    pub palette_command: String,
}

impl SettingsView {
    pub fn new(settings: &Settings, status: Option<VaultStatus>, vault_path: String, backups: BackupView) -> Self {
        let (password_set, keychain_linked) = match status {
            Some(VaultStatus::Present { password, keychain }) => (Some(password), Some(keychain)),
            _ => (None, None),
        };
        SettingsView {
            clipboard_clear_seconds: settings.clipboard_clear_seconds,
            theme: settings.theme,
            keep_in_tray: settings.keep_in_tray,
            lock: settings.lock,
            password_set,
            keychain_linked,
            version: env!("CARGO_PKG_VERSION"),
            vault_path,
            backups,
            export_folder: twofold::paths::export_folder().map(|f| f.display().to_string()),
            plain_warning: twofold::export::PLAIN_WARNING,
            quick_copy_shortcut: settings.quick_copy_shortcut.clone(),
            shortcut_problem: None,
            shortcut_by_desktop: None,
            palette_command: palette_command(),
        }
    }
}

/// The command that opens the palette: this program, by its full path (quoted if it has a space), with
/// `--palette`.
fn palette_command() -> String {
    let program = std::env::current_exe().map_or_else(|_| "twofold".to_owned(), |p| p.display().to_string());
    let program = if program.contains(' ') { format!("\"{program}\"") } else { program };
    format!("{program} {}", crate::palette::PALETTE_ARG)
}

/// An account's secret, shown because the user asked for it. No `Debug`: it must not reach a log.
#[derive(Serialize)]
pub struct Revealed {
    /// Base32, in groups of four.
    pub secret: Zeroizing<String>,
}

/// Every account as Google Authenticator export QR codes, shown because the user asked for them. No `Debug`.
#[derive(Serialize)]
pub struct ExportCodesView {
    /// `data:image/svg+xml` URLs, in the order to scan them.
    pub images: Vec<Zeroizing<String>>,
    /// How many accounts they hold.
    pub accounts: usize,
}

/// An account's QR code, shown because the user asked for it. No `Debug`: it must not reach a log.
#[derive(Serialize)]
pub struct QrView {
    /// A `data:image/svg+xml` URL.
    pub image: Zeroizing<String>,
}
