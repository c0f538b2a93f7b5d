//! Every frame source, for real: image files, a replayed folder standing in for a webcam, the X11 clipboard and
//! screen under Xvfb, and the webcam itself (which, on a machine without one, must say so without panicking).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use image::{GrayImage, Luma};
use twofold::migration::{self, EncodeOptions};
use twofold::scan::{Pairing, PairingStep, ReplaySource, ScanEvent, ScanSession, SourceError, StillSource};
use twofold::{Account, Otp, Secret};

const KALTURA: &str =
    "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events";
const CHILD: &str = "TWOFOLD_SCAN_SOURCE_CHILD";

fn render(text: &str) -> GrayImage {
    common::render_qr(text, 60)
}

/// Runs a session to its end and returns its events.
fn events_of(source: Box<dyn twofold::scan::FrameSource>, still: bool) -> Vec<ScanEvent> {
    let (tx, rx) = mpsc::channel();
    let session = ScanSession::start(source, still, move |e| {
        let _ = tx.send(e);
    });
    let mut events = Vec::new();
    while let Ok(event) = rx.recv_timeout(Duration::from_secs(60)) {
        let last = matches!(event, ScanEvent::Done(_) | ScanEvent::NothingFound | ScanEvent::Failed(_));
        events.push(event);
        if last {
            break;
        }
    }
    session.cancel();
    events
}

/// `count` Google accounts, and their export in codes of `per_code` accounts each.
fn google_export(count: u8, per_code: usize, batch_id: i32) -> (Vec<Account>, Vec<zeroize::Zeroizing<String>>) {
    let accounts: Vec<Account> = (1..=count)
        .map(|i| Account::new("Google", &format!("u{i}"), Secret::from_bytes(vec![i; 10]).unwrap(), Otp::default()))
        .collect();
    let links = migration::encode(&accounts, EncodeOptions { accounts_per_code: per_code, batch_id }).unwrap();
    (accounts, links)
}

/// Replays `folder` as a camera whose session adds to `pairing`, until an event `last` accepts; returns the events.
fn replay_until(folder: &Path, pairing: &Arc<Mutex<Pairing>>, last: impl Fn(&ScanEvent) -> bool) -> Vec<ScanEvent> {
    let (tx, rx) = mpsc::channel();
    let source = Box::new(ReplaySource::open(folder, 30).unwrap());
    let session =
        ScanSession::start_with_preview(source, false, Arc::clone(pairing), move |e| drop(tx.send(e)), |_| {});
    let mut events = Vec::new();
    while let Ok(event) = rx.recv_timeout(Duration::from_secs(60)) {
        let done = last(&event);
        events.push(event);
        if done {
            break;
        }
    }
    session.cancel();
    events
}

fn done_accounts(events: &[ScanEvent]) -> Vec<Account> {
    match events.last() {
        Some(ScanEvent::Done(imported)) => imported.accounts.clone(),
        other => panic!("the scan should end with accounts, not {other:?} (events: {events:?})"),
    }
}

#[test]
fn png_and_jpeg_files_pair_the_account() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["code.png", "code.jpg"] {
        let path = dir.path().join(name);
        render(KALTURA).save(&path).unwrap();
        let events = events_of(Box::new(StillSource::open(&path).unwrap()), true);
        assert!(matches!(events[0], ScanEvent::Seen { .. }), "{events:?}");
        assert_eq!(done_accounts(&events)[0].issuer, "Kaltura Events", "{name}");
    }
}

#[test]
fn a_picture_without_a_code_and_a_file_that_is_no_picture_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.png");
    GrayImage::from_pixel(200, 100, Luma([200])).save(&blank).unwrap();
    assert_eq!(events_of(Box::new(StillSource::open(&blank).unwrap()), true), vec![ScanEvent::NothingFound]);
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not a picture").unwrap();
    let error = StillSource::open(&text).unwrap_err();
    assert!(matches!(error, SourceError::Image { .. }), "{error:?}");
    assert!(error.to_string().starts_with("notes.png could not be read as an image"), "{error}");
}

#[test]
fn a_replayed_folder_stands_in_for_a_webcam_and_collects_a_three_part_export() {
    let (accounts, links) = google_export(5, 2, 9);
    let dir = tempfile::tempdir().unwrap();
    GrayImage::from_pixel(400, 300, Luma([128])).save(dir.path().join("0-empty.png")).unwrap();
    for (i, link) in links.iter().enumerate() {
        render(link).save(dir.path().join(format!("{}-part.png", i + 1))).unwrap();
    }
    let source = ReplaySource::open(dir.path(), 30).unwrap();
    let events = events_of(Box::new(source), false);
    let progress: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ScanEvent::Progress(p) => Some(p.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(progress, ["1 of 3 codes scanned.", "2 of 3 codes scanned."]);
    assert_eq!(done_accounts(&events), accounts);
}

#[test]
fn an_export_half_read_from_a_link_and_a_camera_is_completed_by_the_next_camera() {
    let (accounts, links) = google_export(3, 1, 11);
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    render(&links[1]).save(first.path().join("part-2.png")).unwrap();
    render(&links[2]).save(second.path().join("part-3.png")).unwrap();
    // The first code comes as a pasted link.
    let pairing = Arc::new(Mutex::new(Pairing::new()));
    let step = pairing.lock().unwrap().add(&links[0]);
    assert_eq!(step, PairingStep::NeedMore(migration::Progress { scanned: 1, total: 3 }));

    // A camera sees the second, and is stopped (the window was hidden, another camera picked).
    let two_of_three = ScanEvent::Progress(migration::Progress { scanned: 2, total: 3 });
    replay_until(first.path(), &pairing, |event| *event == two_of_three);
    assert_eq!(pairing.lock().unwrap().progress(), Some(migration::Progress { scanned: 2, total: 3 }));

    // The next camera only ever sees the third code: the export is complete, with no progress told twice.
    let events = replay_until(second.path(), &pairing, |event| matches!(event, ScanEvent::Done(_)));
    assert!(!events.iter().any(|e| matches!(e, ScanEvent::Progress(_))), "{events:?}");
    assert_eq!(done_accounts(&events), accounts);
    assert_eq!(pairing.lock().unwrap().progress(), None, "a finished export starts the next one afresh");
}

#[test]
fn the_replay_camera_is_chosen_by_an_environment_variable() {
    // Parsing only: the variable itself is read by the app at start-up.
    assert!(ReplaySource::open(Path::new("/nonexistent"), 10).is_err());
    assert!(matches!(ReplaySource::open(Path::new("/"), 10), Err(SourceError::ReplayEmpty(_))));
}

#[test]
fn without_a_camera_opening_one_says_no_camera_was_found() {
    let cameras = twofold::scan::list_cameras().expect("listing cameras never fails for lack of one");
    if !cameras.is_empty() {
        eprintln!("NOTE: this machine has {} camera(s); the no-camera message is not checked here.", cameras.len());
        return;
    }
    let error = twofold::scan::CameraSource::open(0).unwrap_err();
    assert_eq!(error, SourceError::NoCamera);
    assert!(error.to_string().starts_with("No camera was found."), "{error}");
}

/// The child: reads the clipboard or the screen of the display it was given and prints what it decoded.
#[test]
fn child_reads_a_source_of_its_display() {
    if !common::run_as_child(CHILD) {
        return;
    }
    let which = std::env::var(CHILD).expect("the source to read, in Unicode");
    let frame = match which.as_str() {
        "clipboard" => twofold::scan::clipboard_frame(),
        _ => twofold::scan::screen_frame(),
    };
    match frame {
        Ok(frame) => match twofold::scan::Decoder::new().decode(&frame) {
            Some(found) => println!("\nread: {}", found.text.as_str()),
            None => println!("\nread nothing in {}x{}", frame.width(), frame.height()),
        },
        Err(e) => println!("\nerror: {e:?}"),
    }
}

fn read_in_child(which: &str, display: &str) -> String {
    let out = common::child_test("child_reads_a_source_of_its_display")
        .env(CHILD, which)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .stderr(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_picture_on_the_x11_clipboard_is_read() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let Some(x) = common::Xvfb::start_with("xclip") else { return };
    assert!(read_in_child("clipboard", &x.display).contains("error: ClipboardEmpty"), "an empty clipboard says so");
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("code.png");
    render(KALTURA).save(&png).unwrap();
    // xclip keeps serving the clipboard in the background until the display goes away.
    let status = Command::new("xclip")
        .args(["-selection", "clipboard", "-t", "image/png", "-i"])
        .arg(&png)
        .env("DISPLAY", &x.display)
        .status()
        .unwrap();
    assert!(status.success());
    let out = read_in_child("clipboard", &x.display);
    assert!(out.contains(&format!("read: {KALTURA}")), "{out}");
}

#[test]
fn a_code_shown_on_the_x11_screen_is_read() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let Some(x) = common::Xvfb::start_with("display") else { return };
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("code.png");
    render(KALTURA).save(&png).unwrap();
    // Show the code in a window, as a browser showing the set-up page would.
    let mut viewer = Command::new("display")
        .args(["-geometry", "+200+150"])
        .arg(&png)
        .env("DISPLAY", &x.display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(250));
        out = read_in_child("screen", &x.display);
        if out.contains("read: ") {
            break;
        }
    }
    let _ = viewer.kill();
    let _ = viewer.wait();
    assert!(out.contains(&format!("read: {KALTURA}")), "{out}");
}
