//! WebKit's processes start with the library order the app gives them on Linux (`src/linux_webview.rs`), and
//! that order changes no symbol binding: every symbol the web process binds resolves to the same definition as
//! when the processes load their libraries in their own order.
//!
//! Needs `Xvfb` and `xwininfo` (Debian: xvfb, x11-utils); the README's test command installs them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]
#![cfg(target_os = "linux")]

#[path = "../../tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one start of the app showed of its web process.
struct WebProcess {
    /// Its `LD_PRELOAD`, if it had one.
    preload: Option<String>,
    /// (library that refers to a symbol, symbol) -> library whose definition it was bound to, as the dynamic
    /// linker reported them (`LD_DEBUG=bindings`), with library paths resolved.
    bindings: HashMap<(PathBuf, String), PathBuf>,
}

fn children_named(parent: u32, name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
            let Some((head, tail)) = stat.rsplit_once(')') else { return false };
            let ppid = tail.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok());
            head.ends_with(&format!("({name}")) && ppid == Some(parent)
        })
        .collect()
}

fn environment_variable(pid: u32, name: &str) -> Option<String> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    environ
        .split(|&b| b == 0)
        .filter_map(|entry| std::str::from_utf8(entry).ok())
        .find_map(|entry| entry.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

/// Parses the dynamic linker's `binding file A [0] to B [0]: normal symbol `name' [VERSION]` lines.
fn bindings(log: &str) -> HashMap<(PathBuf, String), PathBuf> {
    let resolve = |path: &str| std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
    log.lines()
        .filter_map(|line| {
            let rest = line.split_once("binding file ")?.1;
            let (from, rest) = rest.split_once(' ')?;
            let rest = rest.split_once(" to ")?.1;
            let (to, rest) = rest.split_once(' ')?;
            let symbol = rest.split_once("symbol `")?.1.split_once('\'')?.0;
            Some(((resolve(from), symbol.to_owned()), resolve(to)))
        })
        .collect()
}

/// Starts the app with `env` added, waits for its window and web process, and reads what the web process shows.
fn start_once(display: &str, scratch: &Path, run: &str, env: &[(&str, &str)]) -> WebProcess {
    let logs = scratch.join(run);
    std::fs::create_dir_all(&logs).expect("log folder");
    let mut command = Command::new(env!("CARGO_BIN_EXE_twofold"));
    command
        .env("DISPLAY", display)
        .env("TWOFOLD_DATA_DIR", scratch.join("data"))
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("LD_PRELOAD")
        .env("NO_AT_BRIDGE", "1")
        .env("LD_DEBUG", "bindings")
        .env("LD_DEBUG_OUTPUT", logs.join("ld"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut app = common::Reaper(command.spawn().expect("the app starts"));

    let deadline = Instant::now() + Duration::from_secs(90);
    let web = loop {
        let found = children_named(app.0.id(), "WebKitWebProces");
        if let (Some(&pid), true) = (found.first(), common::window_titles(display).contains("\"Twofold\"")) {
            break pid;
        }
        if let Some(status) = app.0.try_wait().expect("wait") {
            panic!("the app exited with {status} before its web process started");
        }
        assert!(Instant::now() < deadline, "no window and web process after 90 s");
        std::thread::sleep(Duration::from_millis(200));
    };
    let preload = environment_variable(web, "LD_PRELOAD");
    // The page is drawn by now or soon; by then the web process has loaded its graphics driver too.
    std::thread::sleep(Duration::from_secs(2));
    drop(app);

    let log = std::fs::read_to_string(logs.join(format!("ld.{web}"))).expect("the web process's linker log");
    WebProcess { preload, bindings: bindings(&log) }
}

#[test]
fn web_process_binds_every_symbol_as_without_the_preloaded_order() {
    // Skips with a note when Xvfb or xwininfo is missing, or fails in strict mode (CI, the test command).
    let Some(xvfb) = common::Xvfb::start_with("xwininfo") else { return };
    let scratch = tempfile::tempdir().expect("scratch folder");

    // An empty LD_PRELOAD is the user's way to turn the order off.
    let own = start_once(&xvfb.display, scratch.path(), "own-order", &[("LD_PRELOAD", "")]);
    let ordered = start_once(&xvfb.display, scratch.path(), "preloaded", &[]);

    assert_eq!(own.preload.as_deref(), Some(""), "an LD_PRELOAD set by the user is left alone");
    let preload = ordered.preload.expect("the web process starts with the app's LD_PRELOAD");
    let file_name = |path: &str| Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
    let names: Vec<String> = preload.split(':').map(file_name).collect();
    assert!(
        names.iter().any(|n| n.starts_with("libjavascriptcoregtk-4.1.so"))
            && names.iter().any(|n| n.starts_with("libc.so")),
        "the preloaded order names WebKit's JavaScript engine and the C library: {names:?}"
    );
    for path in preload.split(':') {
        assert!(Path::new(path).is_absolute() && Path::new(path).exists(), "{path} is a loaded library's path");
    }

    let mut compared = 0;
    let mut moved = Vec::new();
    for (key, target) in &ordered.bindings {
        if let Some(before) = own.bindings.get(key) {
            compared += 1;
            if before != target {
                moved.push(format!("{} in {}: {} -> {}", key.1, key.0.display(), before.display(), target.display()));
            }
        }
    }
    assert!(compared > 10_000, "the two starts shared only {compared} bindings to compare");
    assert!(moved.is_empty(), "{} symbols bind elsewhere with the preloaded order:\n{}", moved.len(), moved.join("\n"));
}
