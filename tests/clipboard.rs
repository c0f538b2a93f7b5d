//! The code clipboard against a real X11 clipboard (Xvfb), read back with xclip as another app would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use twofold::clipboard::CodeClipboard;

const CHILD: &str = "TWOFOLD_CLIPBOARD_CHILD";

/// The child: copies a code with a one-second clear, says so, and keeps serving the clipboard for a while.
#[test]
fn child_copies_a_code_and_stays() {
    if !common::run_as_child(CHILD) {
        return;
    }
    let clipboard = CodeClipboard::new().expect("clipboard");
    clipboard.copy("123456", Some(Duration::from_millis(1500))).expect("copy");
    println!("\ncopied");
    std::thread::sleep(Duration::from_secs(4));
}

fn xclip_out(display: &str) -> String {
    let out = Command::new("xclip").args(["-o", "-selection", "clipboard"]).env("DISPLAY", display).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn start_child(display: &str) -> std::process::Child {
    let mut child = common::child_test("child_copies_a_code_and_stays")
        .env(CHILD, "1")
        .env("DISPLAY", display)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let copied = BufReader::new(stdout).lines().map_while(Result::ok).any(|l| l.contains("copied"));
    assert!(copied, "the child copied the code");
    child
}

#[test]
fn a_copied_code_is_readable_then_cleared_but_other_content_is_left_alone() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let Some(x) = common::Xvfb::start_with("xclip") else { return };
    let mut child = start_child(&x.display);
    assert_eq!(xclip_out(&x.display), "123456", "another app reads the code");
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(xclip_out(&x.display), "", "the code is cleared after the delay");
    child.wait().unwrap();

    let mut child = start_child(&x.display);
    let mut other = Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .env("DISPLAY", &x.display)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut other.stdin.take().unwrap(), b"shopping list").unwrap();
    other.wait().unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(xclip_out(&x.display), "shopping list", "what the user copied since is left alone");
    child.wait().unwrap();
}
