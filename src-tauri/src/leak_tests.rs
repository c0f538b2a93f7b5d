//! Proof that what the webview receives carries no secret: every flow a user goes through (first run, pairing by
//! link, picture, a file dropped on the window, replayed camera with an export in two codes, and manual entry,
//! re-pairing, renaming, favourites, reordering, HOTP, copying, settings, password, delete and undo, the trash) is
//! driven through the same `AppState` methods the commands call, and each result and camera message is serialised
//! exactly as Tauri sends it (serde_json). No output may contain any account's secret in any encoding, or an `otpauth`
//! link. The two explicit actions, reveal and show QR, must contain it: that also proves the check can see a
//! secret when there is one.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use data_encoding::{BASE32_NOPAD, BASE64, BASE64URL_NOPAD, HEXLOWER, HEXUPPER};
use serde::Serialize;
use twofold::vault::OnNameConflict;

use crate::pairing::ManualForm;
use crate::state::AppState;
use crate::views::ScanView;

const LINK: &str = "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events";
const LINK_NEW_SECRET: &str =
    "otpauth://totp/Kaltura%20Events:user@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Kaltura%20Events";
const PICTURE_LINK: &str = "otpauth://totp/Video%20API:dev@example.com?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
const DROPPED_LINK: &str = "otpauth://totp/Events:host@example.com?secret=KNSWG4TFOQQGI4TPOBYGKZDAON2GC3TU";
const MANUAL_SECRET: &str = "ONSWG4TFOQQGWZLZEBTG64RAORSXG5DT";
const HOTP_SECRET: &str = "KRUGS4ZANFZSAYJAORSXG5BAMNXXK3TU";

/// Every form in which a secret could slip out.
struct Watch {
    forms: Vec<String>,
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
        Watch { forms }
    }

    fn leaks(&self, json: &str) -> Vec<&str> {
        let squeezed: String = json.chars().filter(|c| !c.is_whitespace()).collect();
        self.forms
            .iter()
            .filter(|form| json.contains(form.as_str()) || squeezed.contains(form.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// Fails with the flow's name (never the secret) if `value` leaks.
    fn clean<T: Serialize>(&self, flow: &str, value: &T) -> String {
        let json = serde_json::to_string(value).unwrap();
        let leaks = self.leaks(&json);
        assert!(leaks.is_empty(), "{flow}: the UI would receive a secret ({} forms found)", leaks.len());
        json
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

#[test]
fn no_flow_sends_a_secret_or_an_otpauth_link_to_the_webview() {
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

    let mut all: Vec<&str> = vec!["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", MANUAL_SECRET, HOTP_SECRET];
    all.extend(["MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U", "KNSWG4TFOQQGI4TPOBYGKZDAON2GC3TU"]);
    all.extend(["MZXW6YTBOI", "NBSWY3DPO5XXE3DE", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"]);
    let watch = Watch::new(&all);

    let mut state = AppState::new(dir.path().join("data"), Instant::now());
    state.replay_camera = Some((frames, 30));
    let state = Arc::new(state);

    watch.clean("first start", &state.startup());
    watch.clean("create", &state.create(Some("correct horse")).unwrap());

    // Pair by link, then re-pair the same account with a new secret, replace, and undo.
    let found = state.scan_text(LINK);
    watch.clean("link scan", &found);
    watch.clean("confirm", &state.confirm(&found_ids(&found), OnNameConflict::Ask).unwrap());
    let again = state.scan_text(LINK_NEW_SECRET);
    assert!(watch.clean("re-pair scan", &again).contains("\"status\":\"conflict\""));
    let replaced = state.confirm(&found_ids(&again), OnNameConflict::Replace).unwrap();
    let old = replaced[0].replaced.clone().unwrap();
    watch.clean("replace", &replaced);
    state.restore(&old).unwrap();

    // Pair from a picture, and reject a web link.
    let picture = state.scan_image(&png_of(PICTURE_LINK)).unwrap();
    watch.clean("picture scan", &picture);
    watch.clean("confirm picture", &state.confirm(&found_ids(&picture), OnNameConflict::Ask).unwrap());
    watch.clean("web link", &state.scan_image(&png_of("https://example.com/")).unwrap());
    watch.clean("not a picture", &state.scan_image(b"not an image").unwrap_err());

    // A screenshot dragged onto the window from a file manager.
    let screenshot = dir.path().join("dropped.png");
    std::fs::write(&screenshot, png_of(DROPPED_LINK)).unwrap();
    let (sender, received) = std::sync::mpsc::channel();
    state.watch_drops(move |view| drop(sender.send(serde_json::to_value(&view).unwrap())));
    state.files_dropped(vec![screenshot]);
    let dropped = received.recv_timeout(Duration::from_secs(30)).expect("the dropped file is read");
    assert_eq!(dropped["scan"]["type"], "found", "the dropped screenshot holds an account");
    watch.clean("dropped file", &dropped);

    // Pair with the replay camera: progress, outlines, then the whole export.
    let messages = Arc::new(Mutex::new(Vec::new()));
    let previews = Arc::new(Mutex::new(0usize));
    {
        let (messages, previews) = (messages.clone(), previews.clone());
        let started = state
            .start_camera(
                0,
                move |view| messages.lock().unwrap().push(view),
                move |jpeg| {
                    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "previews are JPEG pictures");
                    *previews.lock().unwrap() += 1;
                },
            )
            .unwrap();
        watch.clean("camera start", &started);
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
    state.stop_camera();
    for message in messages.lock().unwrap().iter() {
        watch.clean("camera message", message);
    }
    assert!(*previews.lock().unwrap() > 0);
    assert_eq!(camera_found.len(), 3);
    watch.clean("pending", &state.pending());
    watch.clean("confirm export", &state.confirm(&camera_found, OnNameConflict::Ask).unwrap());

    // Manual entry, time- and counter-based.
    let form = |secret: &str, kind: &str| ManualForm {
        issuer: "Typed".into(),
        name: kind.into(),
        secret: secret.to_owned().into(),
        kind: kind.into(),
        algorithm: Some("SHA1".into()),
        digits: Some("6".into()),
        period: Some("30".into()),
        counter: Some("0".into()),
    };
    let typed = state.add_manual(form(MANUAL_SECRET, "totp")).unwrap();
    watch.clean("manual", &typed);
    watch.clean("confirm manual", &state.confirm(&found_ids(&typed), OnNameConflict::Ask).unwrap());
    watch.clean("manual mistake", &state.add_manual(form("not base32!", "totp")).unwrap_err());
    let hotp = state.add_manual(form(HOTP_SECRET, "hotp")).unwrap();
    watch.clean("confirm hotp", &state.confirm(&found_ids(&hotp), OnNameConflict::Ask).unwrap());

    // Everyday actions.
    let list = state.accounts().unwrap();
    watch.clean("list", &list);
    assert_eq!(list.len(), 7);
    let hotp_id = list.iter().find(|a| a.kind == "hotp").unwrap().id.clone();
    let first = list[0].id.clone();
    watch.clean("next code", &state.next_code(&hotp_id).unwrap());
    watch.clean("rename", &state.rename(&first, "Kaltura", "user").unwrap());
    watch.clean("favourite", &state.set_favorite(&first, true).unwrap());
    watch.clean("move", &state.move_account(&first, 3).unwrap());
    watch.clean("copy", &state.copy_code(&first));
    watch.clean("delete", &state.delete(&first).unwrap());
    watch.clean("undo delete", &state.restore(&first).unwrap());
    // The trash: the accounts replaced by re-pairing are there, and one deleted now.
    watch.clean("delete again", &state.delete(&first).unwrap());
    let trash = state.trash().unwrap();
    watch.clean("trash", &trash);
    assert!(trash.len() >= 2 && trash[0].id == first, "{} in the trash, newest first", trash.len());
    watch.clean("restore from trash", &state.restore_from_trash(&first).unwrap());
    watch.clean("delete for good", &state.delete_for_good(std::slice::from_ref(&trash[1].id)).unwrap());
    let rest: Vec<String> = state.trash().unwrap().into_iter().map(|t| t.id).collect();
    watch.clean("empty trash", &state.delete_for_good(&rest).unwrap());
    watch.clean("trash emptied", &state.trash().unwrap());
    watch.clean("settings", &state.settings_view());
    watch.clean("password", &state.set_password("battery staple").unwrap());
    watch.clean("list again", &state.accounts().unwrap());
    watch.clean("ready", &state.startup());

    // The explicit actions do show the secret, and the check sees it.
    let kaltura = state.accounts().unwrap().into_iter().find(|a| a.issuer == "Kaltura").unwrap();
    let revealed = serde_json::to_string(&state.reveal_secret(&kaltura.id).unwrap()).unwrap();
    assert!(revealed.contains("JBSW Y3DP EHPK 3PXP"));
    assert!(!watch.leaks(&revealed).is_empty());
    let qr = serde_json::to_string(&state.account_qr(&kaltura.id).unwrap()).unwrap();
    assert!(qr.contains("data:image/svg+xml;base64,"));
}
