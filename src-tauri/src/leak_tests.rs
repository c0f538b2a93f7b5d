//! Proof that what the webview receives carries no secret: every flow a user goes through (first run, pairing by
//! link, picture, a file dropped on the window, replayed camera with an export in two codes, and manual entry,
//! re-pairing, renaming, favourites, reordering, HOTP, copying, settings, password, delete and undo, the trash,
//! unlocking again) is driven through the same `AppState` methods the commands call, and each result and camera
//! message is serialised exactly as Tauri sends it (serde_json). No output may contain any account's secret in any
//! encoding, or an `otpauth` link. The two explicit actions, reveal and show QR, must contain it: that also proves
//! the check can see a secret when there is one.
//!
//! Each check is labelled with the command whose method it drives, and the test ends by comparing the commands it
//! drove with [`DRIVEN`]; the contract test compares that list with every command there is.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use data_encoding::{BASE32_NOPAD, BASE64, BASE64URL_NOPAD, HEXLOWER, HEXUPPER};
use serde::Serialize;
use twofold::otp::Kind;
use twofold::settings::{AppLock, Settings, Theme};
use twofold::vault::OnNameConflict;

use crate::pairing::ManualForm;
use crate::state::AppState;
use crate::views::ScanView;

/// The commands whose results this test checks.
pub(crate) const DRIVEN: &[&str] = &[
    "startup",
    "unlock_with_password",
    "create_vault",
    "list_accounts",
    "copy_code",
    "find_accounts",
    "quick_copy",
    "palette_unlock",
    "delete_account",
    "restore_account",
    "list_trash",
    "restore_from_trash",
    "delete_for_good",
    "rename_account",
    "account_websites",
    "set_websites",
    "set_favorite",
    "move_account",
    "next_code",
    "reveal_secret",
    "account_qr",
    "list_cameras",
    "start_camera",
    "stop_camera",
    "watch_drops",
    "scan_image",
    "scan_screen",
    "scan_clipboard",
    "scan_link",
    "import_file",
    "unlock_export",
    "add_manual",
    "pending_accounts",
    "confirm_pending",
    "discard_pending",
    "get_settings",
    "save_settings",
    "set_password",
    "set_app_lock",
    "lock_now",
    "note_use",
    "watch_lock",
    "watch_accounts",
    "browser_requests",
    "decide_pairing",
    "answer_site_question",
    "watch_browser",
    "set_backups",
    "back_up_now",
    "verify_backups",
    "watch_backups",
    "export_file",
    "export_codes",
];

/// The commands this test leaves out, each with the reason it cannot leak.
pub(crate) const NOT_DRIVEN: &[(&str, &str)] = &[
    ("report_timing", "it takes a name and a number from the page and returns nothing"),
    ("set_shortcut", "it takes a shortcut's text and returns the settings view, which `save_settings` checks"),
    ("close_palette", "it takes a yes or no from the page and hides a window"),
    ("watch_palette", "it only ever sends the page the theme of the settings and whether it is shown"),
    (
        "browser_integration",
        "it returns browser names, whether each can start Twofold, and the paired browsers' names and dates; the end-to-end suite drives it",
    ),
    (
        "connect_browser",
        "it writes or removes a host manifest in the user's home and returns the same view; the end-to-end suite drives it",
    ),
    ("repair_browsers", "it rewrites host manifests in the user's home and returns the same view"),
    ("unpair_browser", "it removes a pairing from the vault and returns the same view; the end-to-end suite drives it"),
    ("choose_folder", "it opens the system's folder picker and returns the path the user picked"),
    ("choose_save_file", "it opens the system's save picker and returns the path the user picked"),
];

const LINK: &str = "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events";
const LINK_NEW_SECRET: &str =
    "otpauth://totp/Kaltura%20Events:user@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Kaltura%20Events";
const PICTURE_LINK: &str = "otpauth://totp/Video%20API:dev@example.com?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
const DROPPED_LINK: &str = "otpauth://totp/Events:host@example.com?secret=KNSWG4TFOQQGI4TPOBYGKZDAON2GC3TU";
const MANUAL_SECRET: &str = "ONSWG4TFOQQGWZLZEBTG64RAORSXG5DT";
const HOTP_SECRET: &str = "KRUGS4ZANFZSAYJAORSXG5BAMNXXK3TU";
const IMPORTED_SECRET: &str = "MJSWY3LJNZTSA5DPEB2GQZJANZSXOIDQNBXW4ZI";

/// Every form in which a secret could slip out, and the commands checked so far.
struct Watch {
    forms: Vec<String>,
    driven: RefCell<BTreeSet<&'static str>>,
}

impl Watch {
    fn new(secrets_base32: &[&str]) -> Self {
        let mut forms = vec!["otpauth".to_owned()];
        for secret in secrets_base32 {
            let bytes = BASE32_NOPAD.decode(secret.as_bytes()).unwrap();
            let grouped: Vec<String> = secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into()).collect();
            forms.extend([
                secret.to_string(),
                secret.to_lowercase(),
                grouped.join(" "),
                HEXLOWER.encode(&bytes),
                HEXUPPER.encode(&bytes),
                BASE64.encode(&bytes),
                BASE64URL_NOPAD.encode(&bytes),
                serde_json::to_string(&bytes).unwrap().trim_matches(['[', ']']).to_owned(),
            ]);
        }
        Watch { forms, driven: RefCell::default() }
    }

    fn leaks(&self, json: &str) -> Vec<&str> {
        let squeezed: String = json.chars().filter(|c| !c.is_whitespace()).collect();
        self.forms
            .iter()
            .filter(|form| json.contains(form.as_str()) || squeezed.contains(form.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// Fails with the command's name (never the secret) if `value`, its result, leaks.
    fn clean<T: Serialize>(&self, command: &'static str, value: &T) -> String {
        self.driven.borrow_mut().insert(command);
        let json = serde_json::to_string(value).unwrap();
        let leaks = self.leaks(&json);
        assert!(leaks.is_empty(), "{command}: the UI would receive a secret ({} forms found)", leaks.len());
        json
    }

    /// The result of a command that shows a secret because the user asked, unchecked: the caller checks it holds
    /// the secret.
    fn revealing<T: Serialize>(&self, command: &'static str, value: &T) -> String {
        self.driven.borrow_mut().insert(command);
        serde_json::to_string(value).unwrap()
    }
}

fn png_of(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let image = code.render::<image::Luma<u8>>().min_dimensions(300, 300).build();
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

fn found_ids(view: &ScanView) -> Vec<String> {
    match view {
        ScanView::Found { pending, .. } => pending.iter().map(|p| p.id.clone()).collect(),
        other => panic!("expected accounts to confirm, got {}", serde_json::to_string(other).unwrap()),
    }
}

/// Whether the throwaway keyring of `scripts/with-keyring.sh` is there: the leak test drives the app's state, which
/// stores keys in the OS keychain, and must never touch the developer's own. Without it the test fails in strict
/// mode (the test command, CI) and is skipped, with a note for the closing count, otherwise.
fn private_keyring() -> bool {
    if std::env::var_os("TWOFOLD_TEST_KEYRING").is_some() {
        return true;
    }
    let how = "Run the tests through scripts/with-keyring.sh (the README's test command does).";
    let set = |name| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    assert!(
        !(set("CI") || set("TWOFOLD_STRICT")),
        "A private test keyring is missing, and this run requires it. {how}"
    );
    eprintln!("SKIPPED: a private test keyring is missing. {how}");
    if let Some(log) = std::env::var_os("TWOFOLD_SKIP_LOG") {
        use std::io::Write;
        let line = "skipped\ttwofold::leak_tests\ta private test keyring is missing\n";
        let file = std::fs::OpenOptions::new().create(true).append(true).open(log);
        file.and_then(|mut f| f.write_all(line.as_bytes())).unwrap();
    }
    false
}

#[test]
fn no_flow_sends_a_secret_or_an_otpauth_link_to_the_webview() {
    if !private_keyring() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let frames = dir.path().join("camera");
    std::fs::create_dir(&frames).unwrap();
    // A two-code Google export played by the replay camera.
    let export_secrets = ["GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "MZXW6YTBOI======", "NBSWY3DPO5XXE3DE"];
    let accounts: Vec<twofold::Account> = export_secrets
        .iter()
        .enumerate()
        .map(|(n, s)| twofold::uri::parse(&format!("otpauth://totp/Exported{n}:me@example.com?secret={s}")).unwrap())
        .collect();
    let options = twofold::migration::EncodeOptions { accounts_per_code: 2, batch_id: 11 };
    for (n, link) in twofold::migration::encode(&accounts, options).unwrap().iter().enumerate() {
        std::fs::write(frames.join(format!("part-{n}.png")), png_of(link)).unwrap();
    }

    let mut all: Vec<&str> = vec!["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", MANUAL_SECRET, HOTP_SECRET, IMPORTED_SECRET];
    all.extend(["MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U", "KNSWG4TFOQQGI4TPOBYGKZDAON2GC3TU"]);
    all.extend(["MZXW6YTBOI", "NBSWY3DPO5XXE3DE", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"]);
    let watch = Watch::new(&all);

    let data = dir.path().join("data");
    let state = Arc::new(AppState::new(data.clone(), Instant::now(), Some((frames, 30))));
    let pairings = Arc::clone(&state.pairings);

    watch.clean("startup", &state.startup());
    watch.clean("create_vault", &state.create(Some("correct horse")).unwrap());

    // Pair by link, then re-pair the same account with a new secret, replace, and undo.
    let found = pairings.scan_text(LINK);
    watch.clean("scan_link", &found);
    watch.clean("confirm_pending", &pairings.confirm(&found_ids(&found), OnNameConflict::Ask).unwrap());
    let again = pairings.scan_text(LINK_NEW_SECRET);
    assert!(watch.clean("scan_link", &again).contains("\"status\":\"conflict\""));
    let replaced = pairings.confirm(&found_ids(&again), OnNameConflict::Replace).unwrap();
    let old = replaced[0].replaced.clone().unwrap();
    watch.clean("confirm_pending", &replaced);
    watch.clean("restore_account", &state.restore(&old).unwrap());

    // Links that are refused although they hold a valid secret: the sentence names the problem, not the secret.
    for refused in [
        "otpauth://totp/Odd:me?secret=NBSWY3DPO5XXE3DE&algorithm=MD5",
        "otpauth://totp/Odd:me?secret=NBSWY3DPO5XXE3DE&digits=12",
        "otpauth://yandex/Odd:me?secret=NBSWY3DPO5XXE3DE",
        "otpauth://totp/Odd:me?secret=NBSWY3DPO5XXE3DE&period=0",
        "https://example.com/?secret=NBSWY3DPO5XXE3DE",
    ] {
        watch.clean("scan_link", &pairings.scan_text(refused));
        watch.clean("scan_image", &pairings.scan_image(&png_of(refused)).unwrap());
    }

    // Pair from a picture, and reject a web link.
    let picture = pairings.scan_image(&png_of(PICTURE_LINK)).unwrap();
    watch.clean("scan_image", &picture);
    watch.clean("confirm_pending", &pairings.confirm(&found_ids(&picture), OnNameConflict::Ask).unwrap());
    watch.clean("scan_image", &pairings.scan_image(&png_of("https://example.com/")).unwrap());
    watch.clean("scan_image", &pairings.scan_image(b"not an image").unwrap_err());
    // The screen and the clipboard: whatever they hold here (on a display, or an error without one).
    watch.clean("scan_screen", &pairings.scan_screen());
    watch.clean("scan_clipboard", &pairings.scan_clipboard());
    watch.clean("discard_pending", &pairings.discard());

    // Another authenticator's encrypted export: a password is asked for, a wrong one refused, the right one opens it.
    let link = format!("otpauth://totp/Moved:me@example.com?secret={IMPORTED_SECRET}");
    let entry = twofold::account::Entry::new(twofold::uri::parse(&link).unwrap());
    let export = twofold::export::aegis::encrypted(&[entry], "export password");
    assert!(watch.clean("import_file", &pairings.import_file(&export).unwrap()).contains("needsPassword"));
    watch.clean("unlock_export", &pairings.unlock_export("not it").unwrap_err());
    let moved = pairings.unlock_export("export password").unwrap();
    watch.clean("unlock_export", &moved);
    watch.clean("confirm_pending", &pairings.confirm(&found_ids(&moved), OnNameConflict::Ask).unwrap());
    let plain = twofold::export::aegis::plain(&[]);
    watch.clean("import_file", &pairings.import_file(&plain).unwrap_err());

    // A screenshot dragged onto the window from a file manager.
    let screenshot = dir.path().join("dropped.png");
    std::fs::write(&screenshot, png_of(DROPPED_LINK)).unwrap();
    let (sender, received) = std::sync::mpsc::channel();
    watch.clean(
        "watch_drops",
        &pairings.watch_drops(move |view| drop(sender.send(serde_json::to_value(&view).unwrap()))),
    );
    pairings.files_dropped(vec![screenshot]);
    let dropped = received.recv_timeout(Duration::from_secs(30)).expect("the dropped file is read");
    assert_eq!(dropped["scan"]["type"], "found", "the dropped screenshot holds an account");
    watch.clean("watch_drops", &dropped);

    // Pair with the replay camera: progress, outlines, then the whole export.
    let messages = Arc::new(Mutex::new(Vec::new()));
    let previews = Arc::new(Mutex::new(0usize));
    {
        let (messages, previews) = (messages.clone(), previews.clone());
        watch.clean("list_cameras", &pairings.cameras().unwrap());
        let started = pairings
            .start_camera(
                0,
                640,
                move |view| messages.lock().unwrap().push(view),
                move |jpeg| {
                    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "previews are JPEG pictures");
                    *previews.lock().unwrap() += 1;
                },
            )
            .unwrap();
        watch.clean("start_camera", &started);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let camera_found = loop {
        let found = messages.lock().unwrap().iter().find_map(|m| match m {
            ScanView::Found { pending, .. } => Some(pending.iter().map(|p| p.id.clone()).collect::<Vec<_>>()),
            _ => None,
        });
        if let Some(ids) = found {
            break ids;
        }
        assert!(Instant::now() < deadline, "the replayed export was not read in time");
        std::thread::sleep(Duration::from_millis(50));
    };
    watch.clean("stop_camera", &pairings.stop_camera());
    for message in messages.lock().unwrap().iter() {
        watch.clean("start_camera", message);
    }
    assert!(*previews.lock().unwrap() > 0);
    assert_eq!(camera_found.len(), 3);
    watch.clean("pending_accounts", &pairings.pending());
    watch.clean("confirm_pending", &pairings.confirm(&camera_found, OnNameConflict::Ask).unwrap());

    // Manual entry, time- and counter-based.
    let form = |secret: &str, kind: Kind| ManualForm {
        issuer: "Typed".into(),
        name: format!("{kind:?}"),
        secret: secret.to_owned().into(),
        kind,
        algorithm: Some("SHA1".into()),
        digits: Some("6".into()),
        period: Some("30".into()),
        counter: Some("0".into()),
    };
    let typed = pairings.add_manual(form(MANUAL_SECRET, Kind::Totp)).unwrap();
    watch.clean("add_manual", &typed);
    watch.clean("confirm_pending", &pairings.confirm(&found_ids(&typed), OnNameConflict::Ask).unwrap());
    watch.clean("add_manual", &pairings.add_manual(form("not base32!", Kind::Totp)).unwrap_err());
    let hotp = pairings.add_manual(form(HOTP_SECRET, Kind::Hotp)).unwrap();
    watch.clean("confirm_pending", &pairings.confirm(&found_ids(&hotp), OnNameConflict::Ask).unwrap());

    // Everyday actions.
    let list = state.accounts().unwrap();
    watch.clean("list_accounts", &list);
    assert_eq!(list.len(), 8);
    let hotp_id = list.iter().find(|a| a.kind == Kind::Hotp).unwrap().id.clone();
    let first = list[0].id.clone();
    watch.clean("next_code", &state.next_code(&hotp_id).unwrap());
    watch.clean("rename_account", &state.rename(&first, "Kaltura", "user").unwrap());
    let websites = ["https://kaltura.com/login".to_owned(), "http://127.0.0.1:8080".to_owned()];
    watch.clean("set_websites", &state.set_websites(&first, &websites).unwrap());
    watch.clean("set_websites", &state.set_websites(&first, &["co.uk".to_owned()]).unwrap_err());
    let kept = watch.clean("account_websites", &state.websites(&first).unwrap());
    assert_eq!(kept, r#"["kaltura.com","http://127.0.0.1:8080"]"#);
    state.set_websites(&first, &[]).unwrap();
    watch.clean("set_favorite", &state.set_favorite(&first, true).unwrap());
    watch.clean("move_account", &state.move_account(&first, 3).unwrap());
    watch.clean("copy_code", &state.copy_code(&first));
    watch.clean("find_accounts", &state.find_accounts("kal").unwrap());
    watch.clean("find_accounts", &state.find_accounts("").unwrap());
    watch.clean("quick_copy", &state.quick_copy(&first));
    watch.clean("delete_account", &state.delete(&first).unwrap());
    watch.clean("restore_account", &state.restore(&first).unwrap());
    // The trash: the accounts replaced by re-pairing are there, and one deleted now.
    watch.clean("delete_account", &state.delete(&first).unwrap());
    let trash = state.trash().unwrap();
    watch.clean("list_trash", &trash);
    assert!(trash.len() >= 2 && trash[0].id == first, "{} in the trash, newest first", trash.len());
    watch.clean("restore_from_trash", &state.restore_from_trash(&first).unwrap());
    // Deleting for good asks in the shell's own dialog: a "Cancel" deletes nothing, and the question is clean too.
    let asked = std::cell::RefCell::new(Vec::new());
    let answer = |yes: bool| {
        let asked = &asked;
        move |question: &str| {
            asked.borrow_mut().push(question.to_owned());
            yes
        }
    };
    let one = std::slice::from_ref(&trash[1].id);
    let refused = state.delete_for_good(one, &answer(false)).unwrap_err();
    assert_eq!(refused.kind(), "cancelled");
    assert_eq!(state.trash().unwrap().len(), trash.len() - 1, "a cancelled deletion deletes nothing");
    watch.clean("delete_for_good", &state.delete_for_good(one, &answer(true)).unwrap());
    let rest: Vec<String> = state.trash().unwrap().into_iter().map(|t| t.id).collect();
    watch.clean("delete_for_good", &state.delete_for_good(&rest, &answer(true)).unwrap());
    let asked = asked.into_inner();
    assert!(asked[0].starts_with("Delete ") && asked[0].contains("for good?"), "{}", asked[0]);
    assert!(asked[2].starts_with("Empty Recently deleted?"), "{}", asked[2]);
    for question in &asked {
        watch.clean("delete_for_good", question);
    }
    watch.clean("list_trash", &state.trash().unwrap());
    watch.clean("get_settings", &state.settings_view());
    let settings = Settings { clipboard_clear_seconds: Some(45), theme: Theme::Dark, ..Settings::default() };
    watch.clean("save_settings", &state.save_settings(settings).unwrap());
    // Backups: made, checked and reported.
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let on = twofold::settings::Backups { enabled: true, folder: Some(backups.clone()), keep: 3 };
    // Changing the recovery password needs the current one.
    watch.clean("set_password", &state.set_password("battery staple", None).unwrap_err());
    watch.clean("set_password", &state.set_password("battery staple", Some("wrong")).unwrap_err());
    watch.clean("set_password", &state.set_password("battery staple", Some("correct horse")).unwrap());
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reports);
    watch.clean("watch_backups", &state.backups.watch(move |view| sink.lock().unwrap().push(view)));
    watch.clean("set_backups", &state.set_backups(on).unwrap());
    watch.clean("back_up_now", &state.back_up_now().unwrap());
    watch.clean("verify_backups", &state.verify_backups().unwrap());
    for report in reports.lock().unwrap().iter() {
        watch.clean("watch_backups", report);
    }
    assert!(!reports.lock().unwrap().is_empty(), "a backup made is reported");
    // Exports: refused without the recovery password; with it, the file is written and only a sentence returns.
    let request = |format: &str, name: &str, recovery: Option<&str>| -> crate::exports::ExportRequest {
        serde_json::from_value(serde_json::json!({
            "format": format,
            "path": dir.path().join(name),
            "password": "export password",
            "recovery": recovery,
        }))
        .unwrap()
    };
    watch.clean("export_file", &state.export_file(&request("aegis", "refused.json", None)).unwrap_err());
    watch.clean("export_file", &state.export_file(&request("aegis", "refused.json", Some("not it"))).unwrap_err());
    for (format, name) in
        [("twofold", "out.twofold"), ("aegis", "out.json"), ("aegisPlain", "plain.json"), ("otpauth", "links.txt")]
    {
        watch.clean("export_file", &state.export_file(&request(format, name, Some("battery staple"))).unwrap());
        assert!(dir.path().join(name).exists(), "{name} is written");
    }
    watch.clean(
        "export_file",
        &state.export_file(&request("otpauth", "links.txt", Some("battery staple"))).unwrap_err(),
    );
    let Err(refused) = state.export_codes(None) else { panic!("the codes are shown without the recovery password") };
    watch.clean("export_codes", &refused);
    watch.clean("list_accounts", &state.accounts().unwrap());
    watch.clean("startup", &state.startup());

    // The explicit actions do show the secret, and the check sees it.
    let kaltura = state.accounts().unwrap().into_iter().find(|a| a.issuer == "Kaltura").unwrap();
    // Without the recovery password, or with a wrong one, nothing is shown.
    let Err(refused) = state.reveal_secret(&kaltura.id, None) else { panic!("a key shown without the password") };
    watch.clean("reveal_secret", &refused);
    let Err(refused) = state.account_qr(&kaltura.id, Some("not it")) else { panic!("a QR shown for a wrong password") };
    watch.clean("account_qr", &refused);
    let revealed = watch.revealing("reveal_secret", &state.reveal_secret(&kaltura.id, Some("battery staple")).unwrap());
    assert!(revealed.contains("JBSW Y3DP EHPK 3PXP"));
    assert!(!watch.leaks(&revealed).is_empty());
    let qr = watch.revealing("account_qr", &state.account_qr(&kaltura.id, Some("battery staple")).unwrap());
    assert!(qr.contains("data:image/svg+xml;base64,"));
    let phone = watch.revealing("export_codes", &state.export_codes(Some("battery staple")).unwrap());
    assert!(phone.contains("data:image/svg+xml;base64,"));

    // The browser extension: a pairing confirmed in the window, then a fill on a site that only the account's issuer
    // names, allowed there. Neither what the page is shown nor what goes to the extension carries a secret.
    {
        use twofold::browser::messages::{FromExtension, Signed, ToExtension};
        use twofold::browser::pairing::{Direction, Pairer};
        use twofold::ipc::{Answer, Request};
        let to_extension =
            |message| match state.answer(Request::Browser { extension: "connector@twofold.app".into(), message }) {
                Answer::Browser { message } => message,
                other => panic!("not an answer for the browser: {other:?}"),
            };
        let extension = Pairer::new();
        let public_key = BASE64URL_NOPAD.encode(&extension.public_key());
        let offer = to_extension(FromExtension::Pair { browser: "Firefox".into(), public_key });
        assert!(watch.leaks(&serde_json::to_string(&offer).unwrap()).is_empty(), "the offer carries no secret");
        let ToExtension::PairOffer { offer, public_key, .. } = offer else { panic!("an offer") };
        watch.clean("watch_browser", &state.browser.watch(|| {}));
        let shown = watch.clean("browser_requests", &state.browser.view());
        assert!(shown.contains(r#""browser":"Firefox""#), "{shown}");
        let agreed = extension.agree_as_extension(&BASE64URL_NOPAD.decode(public_key.as_bytes()).unwrap()).unwrap();
        watch.clean("decide_pairing", &state.browser.decide_pairing(&offer, true));
        let ToExtension::Paired { pairing } = to_extension(FromExtension::PairWait { offer }) else { panic!("paired") };
        let body = r#"{"type":"fill","origin":"https://kaltura.com"}"#;
        let signature = agreed.key.sign(Direction::ToApp, &pairing, 1, body);
        let fill =
            FromExtension::Signed(Signed { pairing: pairing.clone(), sequence: 1, body: body.into(), signature });
        let filled = std::thread::scope(|scope| {
            let waiting = scope.spawn(|| to_extension(fill));
            let question = loop {
                if let Some(question) = state.browser.view().question {
                    break question;
                }
                std::thread::sleep(Duration::from_millis(10));
            };
            watch.clean("browser_requests", &state.browser.view());
            let account = question.accounts[0].id.clone();
            watch.clean(
                "answer_site_question",
                &state.browser.answer_question(question.id, Some(&account), false).unwrap(),
            );
            waiting.join().unwrap()
        });
        let sent = serde_json::to_string(&filled).unwrap();
        assert!(watch.leaks(&sent).is_empty(), "the code for the extension carries no secret");
        let ToExtension::Signed(reply) = filled else { panic!("a signed answer: {sent}") };
        assert!(reply.body.contains(r#""type":"code""#), "{}", reply.body);
        assert_eq!(agreed.key.verify(Direction::ToExtension, &pairing, 1, &reply.body, &reply.signature), Ok(()));
    }

    // The app lock: each change needs the recovery password. Locking tells the page and closes the vault; the
    // keychain does not open it again, the recovery password does.
    let strict = AppLock { require_password: true, after_idle_seconds: Some(60) };
    watch.clean("set_app_lock", &state.set_app_lock(strict, None).unwrap_err());
    watch.clean("set_app_lock", &state.set_app_lock(strict, Some("not it")).unwrap_err());
    let view = watch.clean("set_app_lock", &state.set_app_lock(strict, Some("battery staple")).unwrap());
    assert!(view.contains(r#""keychainLinked":false"#), "the keychain no longer opens the vault: {view}");
    let locks = Arc::new(Mutex::new(0));
    let count = Arc::clone(&locks);
    watch.clean("watch_lock", &state.watch_lock(move || *count.lock().unwrap() += 1));
    watch.clean("watch_accounts", &state.watch_added(|| {}));
    watch.clean("note_use", &state.idle.used());
    watch.clean("lock_now", &state.lock_now().unwrap());
    assert_eq!(*locks.lock().unwrap(), 1, "the page is told");
    assert_eq!(state.accounts().unwrap_err().kind(), "locked");
    let locked = watch.clean("startup", &state.startup());
    assert!(locked.contains(r#""stage":"locked""#) && locked.contains(r#""kind":"locked""#), "{locked}");
    watch.clean("palette_unlock", &state.unlock_from_palette("not it").unwrap_err());
    watch.clean("palette_unlock", &state.unlock_from_palette("battery staple").unwrap());
    assert_eq!(*locks.lock().unwrap(), 2, "the page is told of the unlock too");
    watch.clean("find_accounts", &state.find_accounts("kal").unwrap());
    watch.clean("lock_now", &state.lock_now().unwrap());
    watch.clean("find_accounts", &state.find_accounts("kal").unwrap_err());
    watch.clean("unlock_with_password", &state.unlock_with_password("battery staple").unwrap());
    let view = watch.clean("set_app_lock", &state.set_app_lock(AppLock::default(), Some("battery staple")).unwrap());
    assert!(view.contains(r#""keychainLinked":true"#), "the keychain opens it again: {view}");

    // Another start: the vault, locked, opens with the recovery password.
    state.on_exit();
    drop((state, pairings));
    let state = AppState::new(data.clone(), Instant::now(), None);
    // Three wrong passwords: the third makes the next try wait, right password or not, even after a restart.
    for _ in 0..3 {
        watch.clean("unlock_with_password", &state.unlock_with_password("guess").unwrap_err());
    }
    drop(state);
    let state = AppState::new(data, Instant::now(), None);
    let waiting = state.unlock_with_password("battery staple").unwrap_err();
    assert_eq!(waiting.kind(), "wait", "{waiting}");
    watch.clean("unlock_with_password", &waiting);
    std::thread::sleep(Duration::from_secs(2));
    watch.clean("unlock_with_password", &state.unlock_with_password("battery staple").unwrap());

    let driven: Vec<&str> = watch.driven.borrow().iter().copied().collect();
    let mut listed = DRIVEN.to_vec();
    listed.sort_unstable();
    assert_eq!(driven, listed, "the commands this test drives are the ones DRIVEN lists");
}
