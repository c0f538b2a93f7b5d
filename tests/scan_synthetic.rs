//! QR codes rendered here with the `qrcode` crate, then distorted the way cameras distort them, still decode; the
//! classifier turns their text into accounts, export parts or a clear sentence.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use image::{GrayImage, Luma};
use imageproc::geometric_transformations::{Interpolation, Projection, rotate_about_center, warp, warp_with};
use twofold::migration::{self, EncodeOptions, Imported};
use twofold::scan::{Decoder, GrayFrame, NotAuthenticator, Pairing, PairingStep, Scanned, classify};
use twofold::{Account, Otp, Secret};

const KALTURA: &str =
    "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events";

fn render(text: &str) -> GrayImage {
    common::render_qr(text, 100)
}

fn frame_of(image: &GrayImage) -> GrayFrame {
    GrayFrame::new(image.width(), image.height(), image.as_raw().clone()).unwrap()
}

fn read(image: &GrayImage) -> Option<String> {
    Decoder::new().decode(&frame_of(image)).map(|d| d.text.as_str().to_owned())
}

fn kaltura_account(text: Option<String>) -> Account {
    match classify(&text.expect("the code is read")) {
        Scanned::Account(account) => account,
        other => panic!("expected an account, got {other:?}"),
    }
}

#[test]
fn a_clean_render_decodes_to_the_account_with_its_corners() {
    let page = render(KALTURA);
    let frame = GrayFrame::new(page.width(), page.height(), page.as_raw().clone()).unwrap();
    let found = Decoder::new().decode(&frame).unwrap();
    assert_eq!(found.corners.len(), 4);
    for corner in &found.corners {
        assert!((90.0..=page.width() as f32 - 90.0).contains(&corner.x), "{corner:?}");
    }
    let account = kaltura_account(Some(found.text.as_str().to_owned()));
    assert_eq!((account.issuer.as_str(), account.name.as_str()), ("Kaltura Events", "user@example.com"));
}

#[test]
fn a_large_photo_is_read_scaled_down_with_corners_in_its_own_coordinates() {
    // A 6000 × 4000 picture (24 megapixels) with the code in its lower right part.
    let code = image::imageops::resize(&render(KALTURA), 1200, 1200, image::imageops::FilterType::Nearest);
    let mut photo = GrayImage::from_pixel(6000, 4000, Luma([235]));
    image::imageops::overlay(&mut photo, &code, 4200, 2500);
    let found = Decoder::new().decode(&frame_of(&photo)).expect("the code is read");
    assert_eq!(kaltura_account(Some(found.text.as_str().to_owned())).issuer, "Kaltura Events");
    for corner in &found.corners {
        assert!((4200.0..=5400.0).contains(&corner.x) && (2500.0..=3700.0).contains(&corner.y), "{corner:?}");
    }
}

#[test]
fn a_rotated_code_decodes() {
    let turned = rotate_about_center(&render(KALTURA), 0.6, Interpolation::Bilinear, Luma([255]));
    assert_eq!(kaltura_account(read(&turned)).issuer, "Kaltura Events");
}

#[test]
fn a_perspective_warped_code_decodes() {
    let page = render(KALTURA);
    let (w, h) = (page.width() as f32, page.height() as f32);
    let from = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let to = [(60.0, 20.0), (w - 10.0, 70.0), (w - 70.0, h - 30.0), (15.0, h - 5.0)];
    let projection = Projection::from_control_points(from, to).unwrap();
    let warped = warp(&page, &projection, Interpolation::Bilinear, Luma([255]));
    assert_eq!(kaltura_account(read(&warped)).name, "user@example.com");
}

#[test]
fn a_code_on_a_bent_surface_decodes() {
    // A sag across the page and another down it, each about a module deep: no single perspective fits.
    let page = render(KALTURA);
    let wave = |t: f32| 10.0 * (t / 600.0 * std::f32::consts::TAU).sin();
    let bent = warp_with(&page, |x, y| (x + wave(y), y + wave(x)), Interpolation::Bilinear, Luma([255]));
    assert_eq!(kaltura_account(read(&bent)).name, "user@example.com");
}

#[test]
fn a_blurred_and_noisy_code_decodes() {
    let blurred = image::imageops::blur(&render(KALTURA), 2.0);
    let noisy = imageproc::noise::gaussian_noise(&blurred, 0.0, 25.0, 7);
    assert_eq!(kaltura_account(read(&noisy)).issuer, "Kaltura Events");
}

#[test]
fn an_inverted_code_decodes() {
    let mut inverted = render(KALTURA);
    image::imageops::invert(&mut inverted);
    assert_eq!(kaltura_account(read(&inverted)).issuer, "Kaltura Events");
}

#[test]
fn a_small_distant_code_decodes() {
    let page = render(KALTURA);
    let small = image::imageops::resize(&page, 150, 150, image::imageops::FilterType::Triangle);
    assert_eq!(kaltura_account(read(&small)).issuer, "Kaltura Events");
}

#[test]
fn a_migration_batch_in_three_codes_is_collected_with_progress() {
    let accounts: Vec<Account> = (0..7)
        .map(|i| {
            let secret = Secret::from_bytes(vec![i as u8 + 1; 10]).unwrap();
            Account::new("Google", &format!("user{i}@gmail.com"), secret, Otp::default())
        })
        .collect();
    let links = migration::encode(&accounts, EncodeOptions { accounts_per_code: 3, batch_id: 42 }).unwrap();
    assert_eq!(links.len(), 3);
    let mut pairing = Pairing::new();
    let texts: Vec<String> = links.iter().map(|l| read(&render(l)).expect("each part is read")).collect();
    match pairing.add(&texts[1]) {
        PairingStep::NeedMore(p) => assert_eq!(p.to_string(), "1 of 3 codes scanned."),
        other => panic!("{other:?}"),
    }
    match pairing.add(&texts[0]) {
        PairingStep::NeedMore(p) => assert_eq!(p.to_string(), "2 of 3 codes scanned."),
        other => panic!("{other:?}"),
    }
    assert_eq!(pairing.add(&texts[2]), PairingStep::Ready(Imported { accounts, left_out: vec![] }));
}

#[test]
fn a_code_of_a_new_export_starts_the_pairing_over_and_a_single_account_leaves_the_export_as_it_was() {
    let account =
        |i: u8| Account::new("Google", &format!("u{i}"), Secret::from_bytes(vec![i; 10]).unwrap(), Otp::default());
    let given_up =
        migration::encode(&[account(1), account(2), account(3)], EncodeOptions { accounts_per_code: 1, batch_id: 7 })
            .unwrap();
    let fresh = [account(4), account(5)];
    let new = migration::encode(&fresh, EncodeOptions { accounts_per_code: 1, batch_id: 8 }).unwrap();
    let mut pairing = Pairing::new();
    assert_eq!(pairing.add(&given_up[0]), PairingStep::NeedMore(migration::Progress { scanned: 1, total: 3 }));
    // The phone locked and the user exported again: the new export's first code is its first of two.
    assert_eq!(pairing.add(&new[1]), PairingStep::NeedMore(migration::Progress { scanned: 1, total: 2 }));
    // A single account read meanwhile is ready at once, and the export waits for its last code.
    assert!(matches!(pairing.add(KALTURA), PairingStep::Ready(_)));
    assert_eq!(pairing.progress(), Some(migration::Progress { scanned: 1, total: 2 }));
    assert_eq!(pairing.add(&new[0]), PairingStep::Ready(Imported { accounts: fresh.to_vec(), left_out: vec![] }));
}

#[test]
fn an_export_code_whose_only_account_uses_md5_is_refused_with_that_accounts_name() {
    // One account, "Legacy Bank:frank", SHA1 replaced by MD5 (algorithm 4).
    let link = "otpauth-migration://offline?data=CjIKCjEyMzQ1Njc4OTASEUxlZ2FjeSBCYW5rOmZyYW5rGgtMZWdhY3kgQmFuayAEKAEwAhABGAEgACgt";
    let text = read(&render(link)).expect("the code is read");
    match Pairing::new().add(&text) {
        PairingStep::Rejected(why) => {
            assert!(why.to_string().starts_with("Legacy Bank (frank) uses the MD5 algorithm"), "{why}")
        }
        other => panic!("nothing can be paired, so the code is refused: {other:?}"),
    }
}

#[test]
fn an_export_whose_accounts_all_cannot_be_read_is_refused_naming_each_of_them() {
    // "Legacy Bank:frank" uses MD5; "Blank:erin" has an empty secret.
    let link = "otpauth-migration://offline?data=CjIKCjEyMzQ1Njc4OTASEUxlZ2FjeSBCYW5rOmZyYW5rGgtMZWdhY3kgQmFuayAEKAEwAgobCgASCkJsYW5rOmVyaW4aBUJsYW5rIAEoATACEAEYASAAKC4%3D";
    let PairingStep::Rejected(why) = Pairing::new().add(link) else { panic!("nothing can be paired") };
    let why = why.to_string();
    assert!(why.starts_with("None of the accounts in this export can be added."), "{why}");
    assert!(
        why.contains("Legacy Bank (frank) uses the MD5 algorithm") && why.contains("Blank (erin) has an empty secret")
    );
}

#[test]
fn a_web_link_code_gives_a_clear_sentence() {
    let text = read(&render("https://events.example.com/welcome")).unwrap();
    let Scanned::Other(why) = classify(&text) else { panic!("a web link is not an account") };
    assert_eq!(why, NotAuthenticator::WebLink);
    let sentence = why.to_string();
    assert!(sentence.starts_with("This QR code holds a web link, not an authenticator code."), "{sentence}");
    assert!(sentence.contains("scan the QR code meant for an authenticator app"), "{sentence}");
}

#[test]
fn beside_a_web_link_code_the_authenticator_code_is_the_one_read() {
    // A set-up page with a "help" link code above the set-up code (the decoder meets it first), or below.
    let (link, setup) = (render("https://events.example.com/help/two-factor"), render(KALTURA));
    for link_first in [true, false] {
        let gap = 80;
        let width = link.width().max(setup.width()) + 2 * gap;
        let height = link.height() + setup.height() + 3 * gap;
        let mut page = GrayImage::from_pixel(width, height, Luma([255]));
        let (top, bottom) = if link_first { (&link, &setup) } else { (&setup, &link) };
        image::imageops::overlay(&mut page, top, i64::from(gap), i64::from(gap));
        image::imageops::overlay(&mut page, bottom, i64::from(gap), i64::from(2 * gap + top.height()));
        assert_eq!(read(&page).as_deref(), Some(KALTURA), "link code first: {link_first}");
    }
}

#[test]
fn a_detection_debug_output_leaves_the_codes_text_out() {
    let found = Decoder::new().decode(&frame_of(&render(KALTURA))).expect("the code is read");
    let shown = format!("{found:?}");
    assert!(!shown.contains("secret") && !shown.contains("JBSW"), "{shown}");
}

#[test]
fn a_long_thin_picture_without_a_code_is_refused_without_a_huge_canvas() {
    // A 20000×2 strip: turning it would need a 20000×20000 canvas (400 MB, and as much again for the turned
    // copy) for each turned attempt; the decoder does not turn it.
    let strip = GrayImage::from_pixel(20_000, 2, Luma([200]));
    assert_eq!(read(&strip), None);
}

#[test]
fn other_kinds_of_codes_are_named() {
    assert_eq!(classify("WIFI:S:Home;T:WPA;P:pw;;"), Scanned::Other(NotAuthenticator::Wifi));
    assert_eq!(classify("BEGIN:VCARD\nFN:Ann\nEND:VCARD"), Scanned::Other(NotAuthenticator::Contact));
    assert_eq!(classify("hello"), Scanned::Other(NotAuthenticator::Text));
    assert!(matches!(classify("otpauth://totp/x?issuer=y"), Scanned::Other(NotAuthenticator::BadLink(_))));
}
