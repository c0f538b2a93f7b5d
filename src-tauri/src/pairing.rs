//! Pairing: scans from the camera, the screen, a picture or a pasted link, exports of other authenticators, and the
//! accounts they found waiting for the user's confirmation. Secrets stay here; the UI gets [`PendingView`]s with
//! names and live codes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use twofold::account::{Entry, display_name};
use twofold::import::ImportError;
use twofold::manual::ManualEntry;
use twofold::migration::Imported;
use twofold::otp::{Kind, unix_now};
use twofold::scan::{
    Decoder, FrameSource, GrayFrame, Pairing, PairingStep, ReplaySource, ScanEvent, ScanSession, load_image_bytes,
    preview_jpeg,
};
use twofold::sync::lock;
use twofold::vault::{AddOutcome, OnNameConflict};
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::open_vault::OpenVault;
use crate::views::{AddView, CameraView, Dropped, DroppedView, PendingView, ScanView};

/// The narrowest and widest camera preview sent to the UI, in pixels: the page asks for the width it shows.
const PREVIEW_WIDTHS: std::ops::RangeInclusive<u32> = 160..=1280;
/// JPEG quality of the preview: enough to aim, small enough for 30 frames a second.
const PREVIEW_QUALITY: u8 = 70;

/// The manual form as the UI sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualForm {
    pub(crate) issuer: String,
    pub(crate) name: String,
    pub(crate) secret: Zeroizing<String>,
    pub(crate) kind: Kind,
    pub(crate) algorithm: Option<String>,
    /// The numbers as typed: the core reads them and says what is wrong with one.
    pub(crate) digits: Option<String>,
    pub(crate) period: Option<String>,
    pub(crate) counter: Option<String>,
}

impl From<ManualForm> for ManualEntry {
    fn from(form: ManualForm) -> Self {
        ManualEntry {
            issuer: form.issuer,
            name: form.name,
            secret: form.secret,
            kind: form.kind,
            algorithm: form.algorithm,
            digits: form.digits,
            period: form.period,
            counter: form.counter,
        }
    }
}

/// Scans in progress and their results.
pub struct Pairings {
    /// Where confirmed accounts go, and what a pending one is compared with.
    vault: Arc<OpenVault>,
    /// A folder replayed as the camera (`TWOFOLD_REPLAY_CAMERA`), for tests and demonstrations.
    replay_camera: Option<(PathBuf, u32)>,
    /// Accounts found and not yet confirmed or discarded.
    pending: Mutex<Card>,
    /// Codes of an export read so far, from the camera, pictures and pasted links alike, until the export is
    /// complete or the add dialog closes. A camera stopped and started again (the window hidden and shown, another
    /// camera picked) goes on from there.
    gathered: Arc<Mutex<Pairing>>,
    /// The running camera scan.
    camera: Mutex<Option<ScanSession>>,
    /// Held while a camera opens: a second start waits, then stops the first, instead of opening the same device at
    /// the same time (which the driver would refuse as "in use").
    camera_opening: Mutex<()>,
    /// Counts the stops, changed only with `camera` locked: a camera that finishes opening after a stop sees the
    /// count moved on and is closed instead of kept.
    camera_stops: AtomicU64,
    /// Where the results of files dropped on the window go (the UI's channel), once the UI asked for them.
    drops: Mutex<Option<DropListener>>,
    /// An encrypted export waiting for its password.
    locked_export: Mutex<Option<Zeroizing<Vec<u8>>>>,
}

type DropListener = Box<dyn Fn(DroppedView) + Send>;

/// The accounts on the confirmation card, each under a pending id that no earlier card used.
#[derive(Default)]
struct Card {
    accounts: Vec<(String, Entry)>,
    next_id: u64,
}

impl Card {
    /// Puts a new card in the old one's place.
    fn replace(&mut self, accounts: Vec<Entry>) {
        self.accounts = accounts
            .into_iter()
            .map(|account| {
                self.next_id += 1;
                (self.next_id.to_string(), account)
            })
            .collect();
    }

    /// The ids of the whole card, and the accounts among them the user chose.
    fn choose(&self, ids: &[String]) -> (Vec<String>, Vec<Entry>) {
        let card = self.accounts.iter().map(|(id, _)| id.clone()).collect();
        let chosen = self.accounts.iter().filter(|(id, _)| ids.contains(id)).map(|(_, a)| a.clone()).collect();
        (card, chosen)
    }

    /// Drops the card that held `card`'s ids, once confirmed. A newer card that took its place meanwhile (a file
    /// dropped on the window while the vault was saving) stays.
    fn settle(&mut self, card: &[String]) {
        self.accounts.retain(|(id, _)| !card.contains(id));
    }
}

impl Pairings {
    /// Nothing pending yet; confirmed accounts go to `vault`. With `replay_camera` set, that folder is the camera.
    pub fn new(vault: Arc<OpenVault>, replay_camera: Option<(PathBuf, u32)>) -> Self {
        Pairings {
            vault,
            replay_camera,
            pending: Mutex::default(),
            gathered: Arc::default(),
            camera: Mutex::default(),
            camera_opening: Mutex::default(),
            camera_stops: AtomicU64::new(0),
            drops: Mutex::default(),
            locked_export: Mutex::default(),
        }
    }

    /// Stops the camera scan, if any, and waits until the camera is released. Returns the stop's number, which a
    /// scan starting right after it keeps as its ticket (see [`Pairings::start_camera`]).
    fn stop_scan(&self) -> u64 {
        let (session, stop) = {
            let mut camera = lock(&self.camera);
            (camera.take(), self.camera_stops.fetch_add(1, Ordering::SeqCst) + 1)
        };
        if let Some(session) = session {
            session.cancel();
        }
        stop
    }

    /// The cameras to pick from. With a replay folder set, that folder is the only camera.
    pub fn cameras(&self) -> Result<Vec<CameraView>, AppError> {
        if let Some((folder, fps)) = &self.replay_camera {
            let name = format!("Replay of {} at {fps} fps", folder.display());
            return Ok(vec![CameraView { index: 0, name }]);
        }
        Ok(twofold::scan::list_cameras()?.into_iter().map(|c| CameraView { index: c.index, name: c.name }).collect())
    }

    /// Starts the camera scan; `events` get what it sees, `preview` a JPEG of every frame, `preview_width` pixels
    /// wide (the width the page shows it at; kept within 160 to 1,280). Returns how much of an export was read
    /// before (by an earlier camera, or from a picture), which this scan goes on from.
    pub fn start_camera(
        self: &Arc<Self>,
        index: u32,
        preview_width: u32,
        mut events: impl FnMut(ScanView) + Send + 'static,
        mut preview: impl FnMut(Vec<u8>) + Send + 'static,
    ) -> Result<Option<ScanView>, AppError> {
        let preview_width = preview_width.clamp(*PREVIEW_WIDTHS.start(), *PREVIEW_WIDTHS.end());
        let _opening = lock(&self.camera_opening);
        let ticket = self.stop_scan();
        let source: Box<dyn FrameSource> = match &self.replay_camera {
            Some((folder, fps)) => Box::new(ReplaySource::open(folder, *fps)?),
            None => Box::new(twofold::scan::CameraSource::open(index)?),
        };
        let gathered = lock(&self.gathered).progress().map(ScanView::progress);
        let pairings = Arc::clone(self);
        let session = ScanSession::start_with_preview(
            source,
            false,
            Arc::clone(&self.gathered),
            move |event| {
                let view = match event {
                    ScanEvent::Seen { corners, width, height } => ScanView::seen(&corners, width, height),
                    ScanEvent::Progress(progress) => ScanView::progress(progress),
                    ScanEvent::Rejected(why) => ScanView::rejected(&why),
                    ScanEvent::Done(imported) => pairings.found_scan(imported),
                    ScanEvent::NothingFound => ScanView::nothing_found(),
                    ScanEvent::Failed(error) => ScanView::Failed { error: error.into() },
                };
                events(view);
            },
            move |frame: &GrayFrame| preview(preview_jpeg(frame, preview_width, PREVIEW_QUALITY)),
        );
        let mut camera = lock(&self.camera);
        if self.camera_stops.load(Ordering::SeqCst) == ticket {
            *camera = Some(session);
        } else {
            // Stopped while the camera was opening (the dialog closed, or another camera was picked): a camera
            // nobody looks at must not stay on.
            drop(camera);
            session.cancel();
        }
        Ok(gathered)
    }

    /// Stops the camera scan, if any, and waits until the camera is released.
    pub fn stop_camera(&self) {
        self.stop_scan();
    }

    /// Sends the results of files dropped on the window to `listener` from now on.
    pub fn watch_drops(&self, listener: impl Fn(DroppedView) + Send + 'static) {
        *lock(&self.drops) = Some(Box::new(listener));
    }

    /// Reads files dropped on the window (screenshots dragged from a file manager), each as a picture, on a
    /// thread of their own, and sends each result to the UI as it is ready. Before the UI listens, drops are
    /// ignored, unread.
    pub fn files_dropped(self: &Arc<Self>, paths: Vec<PathBuf>) {
        if lock(&self.drops).is_none() {
            return;
        }
        let pairings = Arc::clone(self);
        std::thread::spawn(move || {
            for path in paths {
                let view = pairings.read_dropped(&path);
                if let Some(listener) = &*lock(&pairings.drops) {
                    listener(view);
                }
            }
        });
    }

    /// A dropped file: an export of an authenticator if it is one, otherwise a picture.
    fn read_dropped(&self, path: &std::path::Path) -> DroppedView {
        let bytes = match std::fs::metadata(path).map(|m| m.len() <= twofold::import::MAX_BYTES as u64) {
            Ok(true) => std::fs::read(path).ok(),
            _ => None,
        };
        // Read once as an export; a file no importer recognises is read as a picture.
        match bytes.map(|bytes| self.import_file(&bytes)) {
            Some(Err(AppError::Import(ImportError::NotRecognised | ImportError::Empty))) | None => {}
            Some(scan) => {
                let scan = scan.unwrap_or_else(|error| ScanView::Failed { error });
                return DroppedView { kind: Dropped::Export, scan };
            }
        }
        let scan = match twofold::scan::load_image(path) {
            Ok(frame) => self.scan_picture(&frame),
            Err(error) => ScanView::Failed { error: error.into() },
        };
        DroppedView { kind: Dropped::Picture, scan }
    }

    /// Reads a picture file's bytes (chosen, dropped or pasted).
    pub fn scan_image(&self, bytes: &[u8]) -> Result<ScanView, AppError> {
        Ok(self.scan_picture(&load_image_bytes("The picture", bytes)?))
    }

    /// Reads the whole screen, for a QR code shown in a browser beside Twofold.
    pub fn scan_screen(&self) -> Result<ScanView, AppError> {
        Ok(self.scan_picture(&twofold::scan::screen_frame()?))
    }

    /// Reads the picture on the clipboard.
    pub fn scan_clipboard(&self) -> Result<ScanView, AppError> {
        Ok(self.scan_picture(&twofold::scan::clipboard_frame()?))
    }

    /// Reads one picture with every decoding attempt.
    pub fn scan_picture(&self, frame: &GrayFrame) -> ScanView {
        match Decoder::new().decode(frame) {
            Some(found) => self.scan_text(&found.text),
            None => ScanView::nothing_found(),
        }
    }

    /// Reads the text of a QR code or a pasted link: an account, part of an export, or something else.
    pub fn scan_text(&self, text: &str) -> ScanView {
        let step = lock(&self.gathered).add(text.trim());
        match step {
            PairingStep::Ready(imported) => self.found_scan(imported),
            PairingStep::NeedMore(progress) => ScanView::progress(progress),
            PairingStep::Rejected(why) => ScanView::rejected(&why),
        }
    }

    /// Checks a hand-typed account and holds it for confirmation like a scanned one.
    pub fn add_manual(&self, form: ManualForm) -> Result<ScanView, AppError> {
        let account = ManualEntry::from(form).to_account()?;
        Ok(self.found_scan(Imported::from(account)))
    }

    /// Reads another authenticator's export, or a Twofold backup: its accounts wait on the card, as a scan's do. An
    /// encrypted one waits for [`Pairings::unlock_export`].
    pub fn import_file(&self, bytes: &[u8]) -> Result<ScanView, AppError> {
        match twofold::import::read(bytes, None) {
            Ok(import) => {
                *lock(&self.locked_export) = None;
                Ok(self.found_export(import))
            }
            Err(ImportError::NeedsPassword(format)) => {
                *lock(&self.locked_export) = Some(Zeroizing::new(bytes.to_vec()));
                Ok(ScanView::needs_password(format))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Opens the encrypted export waiting for its password. A wrong password leaves it waiting for another try.
    pub fn unlock_export(&self, password: &str) -> Result<ScanView, AppError> {
        let bytes = lock(&self.locked_export).clone().ok_or(AppError::NoLockedExport)?;
        let import = twofold::import::read(&bytes, Some(password))?;
        *lock(&self.locked_export) = None;
        Ok(self.found_export(import))
    }

    /// Holds what a scan found for confirmation and describes it, with the sentences naming any account left out.
    fn found_scan(&self, imported: Imported) -> ScanView {
        let left_out = imported.left_out.iter().map(ToString::to_string).collect();
        ScanView::found(self.hold(imported.accounts.into_iter().map(Entry::new).collect()), left_out)
    }

    /// Holds what an export holds for confirmation, as [`Pairings::found_scan`] does.
    fn found_export(&self, import: twofold::import::Import) -> ScanView {
        let left_out = import.skipped.iter().map(ToString::to_string).collect();
        ScanView::found(self.hold(import.entries), left_out)
    }

    /// Replaces the pending accounts with `accounts` and describes them for the confirmation card.
    fn hold(&self, accounts: Vec<Entry>) -> Vec<PendingView> {
        // A half-read export stays (a single account was read meanwhile); a complete one has emptied itself.
        lock(&self.pending).replace(accounts);
        self.pending()
    }

    /// The pending accounts with their codes now.
    pub fn pending(&self) -> Vec<PendingView> {
        let vault = self.vault.get();
        let now = unix_now();
        lock(&self.pending)
            .accounts
            .iter()
            .map(|(id, entry)| {
                let account = &entry.account;
                let preview = vault.as_ref().map_or(AddOutcome::Added("".into()), |v| v.preview_add(account));
                PendingView::new(id.clone(), account, account.codes_at(now), &preview)
            })
            .collect()
    }

    /// Adds the chosen pending accounts; the rest of their card is dropped, but not a newer card found meanwhile.
    pub fn confirm(&self, ids: &[String], on_conflict: OnNameConflict) -> Result<Vec<AddView>, AppError> {
        let (card, chosen) = lock(&self.pending).choose(ids);
        if chosen.is_empty() {
            return Err(AppError::NothingToAdd);
        }
        let added = self.add(chosen, on_conflict)?;
        lock(&self.pending).settle(&card);
        Ok(added)
    }

    /// Adds accounts in one save and reports each outcome.
    fn add(&self, entries: Vec<Entry>, on_conflict: OnNameConflict) -> Result<Vec<AddView>, AppError> {
        let labels: Vec<String> = entries.iter().map(|e| display_name(&e.account.issuer, &e.account.name)).collect();
        self.vault.with(|vault| {
            let outcomes = vault.add_entries(entries, on_conflict)?;
            Ok(outcomes.into_iter().zip(labels).map(|(outcome, label)| AddView::new(outcome, label)).collect())
        })
    }

    /// Forgets pending accounts and half-scanned exports, and stops the camera (the add dialog closed).
    pub fn discard(&self) {
        self.stop_scan();
        lock(&self.pending).accounts.clear();
        *lock(&self.locked_export) = None;
        *lock(&self.gathered) = Pairing::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(issuer: &str) -> Entry {
        let secret = twofold::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        Entry::new(twofold::Account::new(issuer, "me", secret, Default::default()))
    }

    fn issuers(card: &Card) -> Vec<&str> {
        card.accounts.iter().map(|(_, e)| e.account.issuer.as_str()).collect()
    }

    #[test]
    fn confirming_a_card_drops_it_but_not_a_newer_card_found_meanwhile() {
        let mut card = Card::default();
        card.replace(vec![account("A"), account("B")]);
        let first_a = card.accounts[0].0.clone();
        let (shown, chosen) = card.choose(std::slice::from_ref(&first_a));
        assert_eq!(chosen.len(), 1, "only the ticked account is added");
        // A file dropped on the window while the vault saves puts its own card in place.
        card.replace(vec![account("C")]);
        card.settle(&shown);
        assert_eq!(issuers(&card), ["C"], "the newer card is still there to confirm");
        assert_ne!(card.accounts[0].0, first_a, "under an id no earlier card used");

        let (shown, _) = card.choose(&[]);
        card.settle(&shown);
        assert!(card.accounts.is_empty(), "a confirmed card with nothing newer leaves nothing pending");
    }
}
