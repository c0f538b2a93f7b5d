//! The built app opens its window on a real (virtual) X display, where it was left, and keeps running; under a real
//! window manager it also reopens maximised or full screen; without a display, it says so in a sentence.
//!
//! Needs `Xvfb` and `xwininfo` (Debian: xvfb, x11-utils), `xdotool`, and Openbox and `wmctrl` for the window
//! manager; the README's test command installs them. Saves a screenshot to `target/test-artifacts/window.png` when
//! ImageMagick's `import` is present.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

#[path = "../../tests/common/mod.rs"]
mod common;
#[path = "../../tests/common/x11.rs"]
mod x11;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn the_app_opens_a_window_titled_twofold() {
    // Skips with a note when Xvfb or xwininfo is missing, or fails in strict mode (CI, the test command).
    let Some(xvfb) = common::Xvfb::start_with("xwininfo") else { return };
    let display = xvfb.display.clone();
    let data = std::env::temp_dir().join(format!("twofold-window-test-{}", std::process::id()));
    let mut app = common::Reaper(app_on(&display, &data).spawn().expect("the app starts"));

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
    // A crash writes no core file.
    let pid = app.0.id();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("the app's limits");
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).expect("a core file limit");
    assert_eq!(core.split_whitespace().skip(4).take(2).collect::<Vec<_>>(), ["0", "0"], "{core}");
}

#[test]
fn the_window_reopens_where_it_was_left_with_the_keyboard_and_remembers_where_it_is_moved() {
    if !common::have("xdotool") {
        // Fails here in strict mode; otherwise says why the test is skipped.
        let _ = common::missing("xdotool", "Install xdotool or run the README's test command.");
        return;
    }
    let Some(xvfb) = common::Xvfb::start_with("xwininfo") else { return };
    let display = xvfb.display.clone();
    // Where the last run left the window: 500 x 700 at (120, 80).
    let left = LeftAt::new("500x700+120+80");
    let (start, remembered) = (|| left.start(&display), left.remembered());

    // With no window manager on the display, only the app itself can give its window the keyboard.
    let mut app = start();
    let id = wait_shown(&display, &mut app, "500x700+120+80, viewable, focused");

    // The user moves and resizes it, then closes it.
    for args in [["windowmove", &id, "200", "150"], ["windowsize", &id, "520", "640"]] {
        let status = Command::new("xdotool").args(args).env("DISPLAY", &display).status().expect("xdotool runs");
        assert!(status.success(), "xdotool {args:?} failed");
    }
    wait_shown(&display, &mut app, "520x640+200+150, viewable, focused");
    x11::ask_to_close(&display, window_number(&id));
    wait_closed(&mut app);
    assert_eq!(saved(&remembered), "520x640+200+150", "the place saved on closing");

    // The next start opens it there.
    let mut app = start();
    wait_shown(&display, &mut app, "520x640+200+150, viewable, focused");
}

#[test]
fn under_a_window_manager_a_maximised_or_full_screen_window_reopens_so_and_comes_back_to_its_place_after() {
    for tool in ["openbox", "wmctrl"] {
        if !common::have(tool) {
            // Fails here in strict mode; otherwise says why the test is skipped.
            let _ = common::missing(tool, "The README's test command installs it.");
            return;
        }
    }
    let Some(xvfb) = common::Xvfb::start_with("xwininfo") else { return };
    let display = xvfb.display.clone();
    let _window_manager = common::Reaper(
        Command::new("openbox")
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !wmctrl(&display, &["-m"]) {
        assert!(Instant::now() < deadline, "openbox did not take the display within 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    // 500 x 600 at (120, 80): with Openbox's title bar the frame still fits the 1280 x 800 screen, which Openbox
    // would otherwise move the window into.
    let left = LeftAt::new("500x600+120+80");
    let (start, remembered) = (|| left.start(&display), left.remembered());

    for (state, shown) in [("maximized_vert,maximized_horz", "maximised"), ("fullscreen", "full screen")] {
        // The frame's corner is where it was left. The user maximises the window (or makes it full screen), and
        // closes it at once, within the second in which the window manager's moves and resizes still arrive.
        let mut app = start();
        let id = wait_framed(&display, &mut app, "500x600+120+80");
        assert!(wmctrl(&display, &["-i", "-r", &id, "-b", &format!("add,{state}")]), "wmctrl: {shown}");
        wait_framed(&display, &mut app, shown);
        close(&display, &id, &mut app);
        assert_eq!(saved(&remembered), format!("500x600+120+80, {shown}"), "the place saved on closing");

        // It reopens so; back to normal, it goes back to where it was before.
        let mut app = start();
        let id = wait_framed(&display, &mut app, shown);
        assert!(wmctrl(&display, &["-i", "-r", &id, "-b", &format!("remove,{state}")]), "wmctrl: not {shown}");
        wait_framed(&display, &mut app, "500x600+120+80");
        close(&display, &id, &mut app);
        assert_eq!(saved(&remembered), "500x600+120+80", "the place saved on closing");
    }
}

/// Closes the window through the window manager, as its close button does, and waits until the app has ended.
fn close(display: &str, id: &str, app: &mut common::Reaper) {
    assert!(wmctrl(display, &["-i", "-c", id]), "wmctrl closes the window");
    wait_closed(app);
}

/// A data folder where the last run left the window, and a D-Bus session of its own: on the session bus, another
/// window test's app would count as a running instance, and this one would hand over to it and exit.
struct LeftAt {
    scratch: tempfile::TempDir,
    bus: common::EmptyBus,
}

impl LeftAt {
    /// The window left at `place`, written `WIDTHxHEIGHT+X+Y`, neither maximised nor full screen.
    fn new(place: &str) -> LeftAt {
        let numbers: Vec<i64> = place.split(['x', '+']).map(|n| n.parse().expect("a number")).collect();
        let [width, height, x, y] = numbers[..] else { panic!("not a place: {place}") };
        let scratch = tempfile::tempdir().expect("scratch folder");
        let left = LeftAt { scratch, bus: common::EmptyBus::start() };
        std::fs::create_dir_all(left.data()).expect("data folder");
        let json = serde_json::json!({
            "width": width, "height": height, "x": x, "y": y, "maximized": false, "fullscreen": false
        });
        std::fs::write(left.remembered(), json.to_string()).expect("window place written");
        left
    }

    fn data(&self) -> PathBuf {
        self.scratch.path().join("data")
    }

    /// Where the app keeps the window's place.
    fn remembered(&self) -> PathBuf {
        self.data().join("window.json")
    }

    /// Starts the app on `display`.
    fn start(&self, display: &str) -> common::Reaper {
        let app = app_on(display, &self.data())
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .stderr(Stdio::null())
            .spawn()
            .expect("the app starts");
        common::Reaper(app)
    }
}

/// Runs `wmctrl` on `display`; whether it succeeded.
fn wmctrl(display: &str, args: &[&str]) -> bool {
    let status = Command::new("wmctrl").args(args).env("DISPLAY", display).stdout(Stdio::null()).status();
    status.expect("wmctrl runs").success()
}

/// The number of a window id as `xwininfo` prints it (`0x400002`).
fn window_number(id: &str) -> u32 {
    u32::from_str_radix(id.trim_start_matches("0x"), 16).expect("a window id")
}

/// Waits until the app has exited after its window was asked to close, and checks that it ended well.
fn wait_closed(app: &mut common::Reaper) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = app.0.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the app was still running 30 s after its window was closed");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "closing the window ended the app with {status}");
}

/// The window place saved at `path`, as `WIDTHxHEIGHT+X+Y`, followed by `, maximised` or `, full screen` when it is.
fn saved(path: &std::path::Path) -> String {
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("the place is saved")).expect("saved as JSON");
    let maximised = if saved["maximized"] == true { ", maximised" } else { "" };
    let full = if saved["fullscreen"] == true { ", full screen" } else { "" };
    format!("{}x{}+{}+{}{maximised}{full}", saved["width"], saved["height"], saved["x"], saved["y"])
}

/// Waits until the window titled Twofold is shown as `wanted` (see [`shown_window`]); returns its id.
fn wait_shown(display: &str, app: &mut common::Reaper, wanted: &str) -> String {
    wait_for(app, wanted, || shown_window(display))
}

/// Under a window manager, waits until the window titled Twofold is shown as `wanted` (see [`framed_window`]);
/// returns its id.
fn wait_framed(display: &str, app: &mut common::Reaper, wanted: &str) -> String {
    wait_for(app, wanted, || framed_window(display))
}

/// Waits until `look` finds the window shown as `wanted`; returns its id.
fn wait_for(app: &mut common::Reaper, wanted: &str, look: impl Fn() -> Option<(String, String)>) -> String {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let shown = look();
        if let Some((id, shown)) = &shown
            && shown == wanted
        {
            return id.clone();
        }
        if let Some(status) = app.0.try_wait().expect("wait") {
            panic!("the app exited with {status} before showing its window as {wanted}");
        }
        assert!(Instant::now() < deadline, "after 90 s the window is {shown:?}, not {wanted}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The built app, to be started on the X display `display` with its vault folder `data`.
fn app_on(display: &str, data: &std::path::Path) -> Command {
    let mut app = Command::new(env!("CARGO_BIN_EXE_twofold"));
    app.env("DISPLAY", display)
        .env("TWOFOLD_DATA_DIR", data)
        .env_remove("WAYLAND_DISPLAY")
        .env("NO_AT_BRIDGE", "1")
        .stdout(Stdio::null());
    app
}

/// Under a window manager, the window titled Twofold: its id, and how it is shown, as `full screen`, `maximised` or as
/// `WIDTHxHEIGHT+X+Y` of its inside and of its frame's top-left corner (the place the app saves and restores);
/// `None` before it exists.
fn framed_window(display: &str) -> Option<(String, String)> {
    let tree = common::window_titles(display);
    let id = tree.lines().find(|line| line.contains("\"Twofold\":"))?.split_whitespace().next()?.to_owned();
    let window = window_number(&id);
    if x11::has_states(display, window, &["_NET_WM_STATE_FULLSCREEN"]) {
        return Some((id, "full screen".to_owned()));
    }
    if x11::has_states(display, window, &["_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_MAXIMIZED_HORZ"]) {
        return Some((id, "maximised".to_owned()));
    }
    let [left, _, top, _] = x11::frame_extents(display, window_number(&id));
    let out = Command::new("xwininfo").args(["-display", display, "-id", &id]).output().expect("xwininfo runs");
    let info = String::from_utf8_lossy(&out.stdout);
    let value = |key: &str| -> i64 {
        info.lines().find_map(|line| line.trim().strip_prefix(key)).and_then(|v| v.trim().parse().ok()).unwrap_or(-1)
    };
    let (x, y) = (value("Absolute upper-left X:") - i64::from(left), value("Absolute upper-left Y:") - i64::from(top));
    Some((id, format!("{}x{}+{x}+{y}", value("Width:"), value("Height:"))))
}

/// The window titled Twofold: its id, and how it is shown as `WIDTHxHEIGHT+X+Y, viewable, focused`, from `xwininfo`
/// and `xdotool` (`not viewable` while it is hidden, `not focused` while another window has the keyboard); `None`
/// before it exists.
fn shown_window(display: &str) -> Option<(String, String)> {
    let tree = common::window_titles(display);
    let id = tree.lines().find(|line| line.contains("\"Twofold\":"))?.split_whitespace().next()?.to_owned();
    let out = Command::new("xwininfo").args(["-display", display, "-id", &id]).output().expect("xwininfo runs");
    let info = String::from_utf8_lossy(&out.stdout);
    let value = |key: &str| {
        info.lines().find_map(|line| line.trim().strip_prefix(key)).map(str::trim).unwrap_or("?").to_owned()
    };
    let viewable = if value("Map State:") == "IsViewable" { "viewable" } else { "not viewable" };
    let out = Command::new("xdotool").arg("getwindowfocus").env("DISPLAY", display).output().expect("xdotool runs");
    let focus = String::from_utf8_lossy(&out.stdout).trim().parse::<u64>().ok();
    let number = u64::from_str_radix(id.trim_start_matches("0x"), 16).ok();
    let focused = if focus.is_some() && focus == number { "focused" } else { "not focused" };
    let shown = format!(
        "{}x{}+{}+{}, {viewable}, {focused}",
        value("Width:"),
        value("Height:"),
        value("Absolute upper-left X:"),
        value("Absolute upper-left Y:")
    );
    Some((id, shown))
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
