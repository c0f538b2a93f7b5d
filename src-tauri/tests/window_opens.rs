//! The built app opens its window on a real (virtual) X display and keeps running; without a display, it says so
//! in a sentence.
//!
//! Needs `Xvfb` and `xwininfo` (Debian: xvfb, x11-utils); the README's test command installs them. Saves a
//! screenshot to `target/test-artifacts/window.png` when ImageMagick's `import` is present.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn the_app_opens_a_window_titled_twofold() {
    // Skips with a note when Xvfb or xwininfo is missing, or fails in strict mode (CI, the test command).
    let Some(xvfb) = common::Xvfb::start_with("xwininfo") else { return };
    let display = xvfb.display.clone();
    let data = std::env::temp_dir().join(format!("twofold-window-test-{}", std::process::id()));
    let mut app = common::Reaper(
        Command::new(env!("CARGO_BIN_EXE_twofold"))
            .env("DISPLAY", &display)
            .env("TWOFOLD_DATA_DIR", &data)
            .env_remove("WAYLAND_DISPLAY")
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .spawn()
            .expect("the app starts"),
    );

    let deadline = Instant::now() + Duration::from_secs(90);
    while !common::window_titles(&display).contains("\"Twofold\"") {
        if let Some(status) = app.0.try_wait().expect("wait") {
            panic!("the app exited with {status} before showing its window");
        }
        assert!(Instant::now() < deadline, "no window titled Twofold after 90 s:\n{}", common::window_titles(&display));
        std::thread::sleep(Duration::from_millis(200));
    }
    // Give the page time to render, then keep a picture of it for people to look at.
    std::thread::sleep(Duration::from_secs(3));
    assert!(app.0.try_wait().expect("wait").is_none(), "the app exited after showing its window");
    if common::have("import") {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts");
        std::fs::create_dir_all(&dir).expect("artifacts folder");
        let shot = dir.join("window.png");
        let _ = Command::new("import").args(["-display", &display, "-window", "root"]).arg(&shot).status();
        eprintln!("screenshot: {}", shot.display());
    }
    assert!(!data.join("vault.json").exists(), "starting the app never creates a vault by itself");
}

#[test]
fn without_a_display_the_app_says_so_in_a_sentence_instead_of_panicking() {
    let data = std::env::temp_dir().join(format!("twofold-no-display-test-{}", std::process::id()));
    let output = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("TWOFOLD_DATA_DIR", &data)
        .output()
        .expect("the app starts");
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {said}");
    assert!(said.contains("Twofold could not open its window because no display could be reached."), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert!(!data.exists(), "nothing was written");
}
