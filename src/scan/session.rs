//! A scan session: frames captured on one thread, decoded on another, until something can be paired.
//!
//! The capture thread keeps only the newest frame, so a busy decoder drops frames instead of falling behind the
//! camera. A live scene that has not changed (a camera held still) is decoded only until every decoding opinion has
//! had it, or until a code is read in it. The session stops at the first result that can be paired (one account, or every code of an export),
//! reports source faults as events instead of panicking, and releases the source (the camera) when it ends or is
//! cancelled; dropping the session cancels it and waits for both threads.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::change::ChangeGate;
use super::classify::{NotAuthenticator, Pairing, PairingStep};
use super::decode::{Decoder, LIVE_EXTRAS};
use super::detection::Point;
use super::frame::GrayFrame;
use super::source::{FrameSource, SourceError};
use crate::migration::{Imported, Progress};

/// What a session reports, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanEvent {
    /// A code was read in a frame of this size, with these corners: draw the outline.
    Seen {
        /// The code's corners in frame coordinates.
        corners: Vec<Point>,
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
    },
    /// Part of an export is in ("2 of 3 codes scanned.").
    Progress(Progress),
    /// A code that cannot be paired; scanning goes on. Reported once per distinct code.
    Rejected(NotAuthenticator),
    /// Ready to pair these accounts (and the sentences naming any an export held that could not be read); the
    /// session has ended.
    Done(Imported),
    /// The source ended without any pairable code (a still image); the session has ended.
    NothingFound,
    /// The source failed; the session has ended.
    Failed(SourceError),
}

/// The capture thread's hand-over to the decoder: the newest frame, and how the source ended.
#[derive(Default)]
struct Slot {
    frame: Option<GrayFrame>,
    ended: Option<Option<SourceError>>,
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    changed: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn slot(&self) -> MutexGuard<'_, Slot> {
        crate::sync::lock(&self.slot)
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.changed.notify_all();
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// A running scan. Drop it (or call [`ScanSession::cancel`]) to stop and release the source.
pub struct ScanSession {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for ScanSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanSession").field("stopped", &self.shared.stopped()).finish()
    }
}

impl ScanSession {
    /// Starts scanning `source`; `events` is called on the decoding thread. A `still` source (one picture) gets
    /// every decoding attempt at once; a live one gets a few per frame.
    pub fn start(source: Box<dyn FrameSource>, still: bool, events: impl FnMut(ScanEvent) + Send + 'static) -> Self {
        Self::start_with_preview(source, still, Arc::default(), events, |_| {})
    }

    /// Like [`ScanSession::start`], with two more parts:
    /// - what it reads goes into `pairing`, which may already hold codes of an export (read by an earlier session,
    ///   or from a picture): the session goes on from there, and the codes it reads stay there when it stops, for
    ///   the next one;
    /// - `preview` sees every captured frame on the capture thread, before the decoder does (for a live view; keep
    ///   it quick, it paces the capture).
    pub fn start_with_preview(
        source: Box<dyn FrameSource>,
        still: bool,
        pairing: Arc<Mutex<Pairing>>,
        events: impl FnMut(ScanEvent) + Send + 'static,
        preview: impl FnMut(&GrayFrame) + Send + 'static,
    ) -> Self {
        let shared = Arc::new(Shared::default());
        let capture = {
            let shared = shared.clone();
            std::thread::Builder::new().name("twofold-capture".into()).spawn(move || capture(source, &shared, preview))
        };
        let decode = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("twofold-decode".into())
                .spawn(move || decode(&shared, still, &pairing, events))
        };
        let threads = [capture, decode].into_iter().filter_map(Result::ok).collect();
        ScanSession { shared, threads }
    }

    /// Stops scanning and waits until the source is released.
    pub fn cancel(mut self) {
        self.finish();
    }

    /// True once the session has ended by itself or was cancelled.
    pub fn is_finished(&self) -> bool {
        self.threads.iter().all(JoinHandle::is_finished)
    }

    fn finish(&mut self) {
        self.shared.stop();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for ScanSession {
    fn drop(&mut self) {
        self.finish();
    }
}

fn capture(mut source: Box<dyn FrameSource>, shared: &Shared, mut preview: impl FnMut(&GrayFrame)) {
    let ending = loop {
        if shared.stopped() {
            break None;
        }
        match source.next_frame() {
            Ok(Some(frame)) => {
                preview(&frame);
                shared.slot().frame = Some(frame);
                shared.changed.notify_all();
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    drop(source);
    shared.slot().ended = Some(ending);
    shared.changed.notify_all();
}

/// How often the outline of a code still in view is sent again while its unchanged scene is not decoded.
const SEEN_AGAIN: Duration = Duration::from_millis(400);

fn decode(shared: &Shared, still: bool, pairing: &Mutex<Pairing>, mut events: impl FnMut(ScanEvent)) {
    let pairing = || crate::sync::lock(pairing);
    let mut decoder = Decoder::new();
    // A live scene that has not changed is decoded once per opinion; its outline, if a code was read, is shown again
    // now and then while it stays in view.
    let mut gate = ChangeGate::new(1 + LIVE_EXTRAS.len());
    let mut last_seen: Option<(ScanEvent, Instant)> = None;
    let mut rejected = HashSet::new();
    // Codes gathered before this session are not announced again.
    let mut last_progress = pairing().progress();
    loop {
        let frame = {
            let mut slot = shared.slot();
            while slot.frame.is_none() && slot.ended.is_none() && !shared.stopped() {
                slot = crate::sync::wait(&shared.changed, slot);
            }
            if shared.stopped() {
                return;
            }
            match slot.frame.take() {
                Some(frame) => frame,
                None => {
                    let ending = slot.ended.take().flatten();
                    drop(slot);
                    events(ending.map_or(ScanEvent::NothingFound, ScanEvent::Failed));
                    return;
                }
            }
        };
        if !still && !gate.worth_decoding(&frame) {
            if let Some((seen, at)) = &mut last_seen
                && at.elapsed() >= SEEN_AGAIN
            {
                *at = Instant::now();
                events(seen.clone());
            }
            continue;
        }
        let found = if still { decoder.decode(&frame) } else { decoder.decode_frame(&frame) };
        let Some(found) = found else {
            last_seen = None;
            continue;
        };
        gate.note_read();
        let seen = ScanEvent::Seen { corners: found.corners.clone(), width: frame.width(), height: frame.height() };
        last_seen = Some((seen.clone(), Instant::now()));
        events(seen);
        let step = pairing().add(&found.text);
        match step {
            PairingStep::Ready(imported) => {
                shared.stop();
                events(ScanEvent::Done(imported));
                return;
            }
            PairingStep::NeedMore(progress) => {
                if last_progress != Some(progress) {
                    last_progress = Some(progress);
                    events(ScanEvent::Progress(progress));
                }
            }
            PairingStep::Rejected(why) => {
                // Remembered by its digest: the text of a code may hold a secret.
                if rejected.insert(<sha2::Sha256 as sha2::Digest>::digest(found.text.as_bytes())) {
                    events(ScanEvent::Rejected(why));
                }
            }
        }
    }
}
