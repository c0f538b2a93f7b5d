//! Writes camera-sized pictures of QR codes, for the replay camera (`TWOFOLD_REPLAY_CAMERA=FOLDER@FPS`) in
//! screenshots, measurements and end-to-end tests.
//!
//! Run: `cargo run --example qr_frames -- FOLDER TEXT...` writes `FOLDER/frame-N.png`, one 1280×720 frame per
//! text. `--export ACCOUNTS PER_CODE` instead of texts writes the codes of a Google Authenticator export of that
//! many demonstration accounts (secrets derived from the account number: for show only). `--noise N` after them
//! writes each frame N times instead (`frame-N-K.png`), each with its own sensor noise of up to ±4 grey levels, as a
//! camera held still sends it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

use std::path::PathBuf;

use image::{GrayImage, Luma};
use twofold::migration::{EncodeOptions, encode};
use twofold::{Account, Otp, Secret};

#[path = "../tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let copies: Option<u32> = match args.iter().position(|a| a == "--noise") {
        Some(at) => {
            let count = args.get(at + 1).and_then(|n| n.parse().ok()).unwrap_or(30);
            args.drain(at..(at + 2).min(args.len()));
            Some(count)
        }
        None => None,
    };
    let Some((folder, rest)) = args.split_first() else {
        eprintln!("usage: qr_frames FOLDER TEXT... | qr_frames FOLDER --export ACCOUNTS PER_CODE");
        std::process::exit(2);
    };
    let texts: Vec<String> = match rest {
        [flag, accounts, per_code] if flag == "--export" => {
            let count: u8 = accounts.parse().unwrap_or(3);
            let accounts: Vec<Account> = (0..count)
                .map(|n| {
                    let secret = Secret::from_bytes([b"export demonstration ".as_slice(), &[n]].concat()).expect("key");
                    Account::new(&format!("Service {}", n + 1), "me@example.com", secret, Otp::default())
                })
                .collect();
            let options = EncodeOptions { accounts_per_code: per_code.parse().unwrap_or(1), batch_id: 7 };
            encode(&accounts, options).expect("encodable").iter().map(|link| link.to_string()).collect()
        }
        texts => texts.to_vec(),
    };
    let folder = PathBuf::from(folder);
    std::fs::create_dir_all(&folder).expect("create the folder");
    for (n, text) in texts.iter().enumerate() {
        let code = common::render_qr(text, 24);
        // A mid-grey desk around a white card, as a webcam would see it.
        let mut frame = GrayImage::from_pixel(1280, 720, Luma([96]));
        let side = 520;
        let card = image::imageops::resize(&code, side, side, image::imageops::FilterType::Nearest);
        image::imageops::overlay(&mut frame, &card, i64::from((1280 - side) / 2), i64::from((720 - side) / 2));
        match copies {
            None => {
                let path = folder.join(format!("frame-{}.png", n + 1));
                frame.save(&path).expect("write the frame");
                println!("{}", path.display());
            }
            Some(copies) => {
                for k in 1..=copies {
                    let mut seed = k.wrapping_mul(0x9E37_79B9) | 1;
                    let noisy = GrayImage::from_fn(1280, 720, |x, y| {
                        // xorshift: a different, repeatable noise for every copy.
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        let level = i32::from(frame.get_pixel(x, y)[0]) + (seed % 9) as i32 - 4;
                        Luma([level.clamp(0, 255) as u8])
                    });
                    let path = folder.join(format!("frame-{}-{k:02}.png", n + 1));
                    noisy.save(&path).expect("write the frame");
                    println!("{}", path.display());
                }
            }
        }
    }
}
