//! Drives the built app the way a user does: a private X display, `tauri-driver` (which starts WebKitGTK's
//! `WebKitWebDriver`, which starts the app), and a WebDriver client that clicks, types and reads what is shown.
//!
//! A [`Scenario`] owns what outlives one launch: the display (and so the X clipboard), the data folder, the
//! replay camera's folder and the artifacts folder. [`Scenario::launch`] starts the app; [`App::quit`] closes it
//! and waits until the process is gone, so the next launch is a real restart. When a test fails, the app's
//! screen is saved and its log kept under `target/e2e-artifacts/<scenario>/`, and the path is printed.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::common;

/// How long a step may take before the test fails; generous, because the machine may be busy.
const PATIENCE: Duration = Duration::from_secs(25);

/// The app binary cargo built for these tests.
const APP: &str = env!("CARGO_BIN_EXE_twofold");

/// One scenario runs at a time: each starts a WebKit app, and two at once would only compete for the CPU.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Why the suite cannot run here, if it cannot: a missing tool, or no private keyring to keep the tests away from
/// the developer's own keychain. In strict mode (CI, the README's test command) that is a failure.
pub fn unavailable() -> Option<String> {
    let tools = [
        ("tauri-driver", "cargo install tauri-driver --version ^2 --locked"),
        ("WebKitWebDriver", "apt-get install webkit2gtk-driver"),
        ("Xvfb", "apt-get install xvfb"),
        ("xclip", "apt-get install xclip"),
        ("import", "apt-get install imagemagick"),
        ("oathtool", "apt-get install oathtool"),
    ];
    for (tool, how) in tools {
        if !common::have(tool) {
            return Some(format!("{tool} is missing (install it with `{how}`, or run the README's test command)"));
        }
    }
    if std::env::var_os("TWOFOLD_TEST_KEYRING").is_none() {
        return Some(
            "no private test keyring (run through scripts/with-keyring.sh, as the README's test command does)".into(),
        );
    }
    None
}

/// Skips (or, in strict mode, fails) when the suite cannot run here. Returns whether it can.
pub fn can_run() -> bool {
    match unavailable() {
        None => true,
        Some(why) => common::missing("What the end-to-end tests need", &why).is_some(),
    }
}

/// What one scenario keeps across launches of the app.
pub struct Scenario {
    name: &'static str,
    xvfb: common::Xvfb,
    data: tempfile::TempDir,
    camera: PathBuf,
    artifacts: PathBuf,
    env: Vec<(String, String)>,
    launches: usize,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Scenario {
    /// Waits for its turn, then prepares an empty data folder, an empty replay camera and a fresh display.
    pub async fn start(name: &'static str) -> Scenario {
        let turn = ONE_AT_A_TIME.lock().await;
        let xvfb = common::Xvfb::start().expect("Xvfb starts");
        let data = tempfile::tempdir().expect("a scratch folder");
        let camera = data.path().join("camera");
        std::fs::create_dir(&camera).expect("the replay camera's folder");
        let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts").join(name);
        let _ = std::fs::remove_dir_all(&artifacts);
        std::fs::create_dir_all(&artifacts).expect("the artifacts folder");
        eprintln!("e2e: {name} on display {}", xvfb.display);
        Scenario { name, xvfb, data, camera, artifacts, env: Vec::new(), launches: 0, _turn: turn }
    }

    /// The folder the app keeps its vault and settings in.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// A file in the scenario's artifacts folder, kept when the run ends (a helper's log, say).
    pub fn artifact(&self, name: &str) -> PathBuf {
        self.artifacts.join(name)
    }

    /// The vault file.
    pub fn vault_path(&self) -> PathBuf {
        self.data.path().join("vault.json")
    }

    /// The X display the app shows on (and whose clipboard it uses).
    pub fn display(&self) -> &str {
        &self.xvfb.display
    }

    /// Sets an environment variable for the next launches.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_owned(), value.to_owned()));
    }

    /// Puts these pictures in front of the replay camera, replacing what it showed before. The camera reads
    /// its folder each time the app opens it.
    pub fn camera_shows(&self, frames: &[image::GrayImage]) {
        for entry in std::fs::read_dir(&self.camera).expect("the camera folder").flatten() {
            std::fs::remove_file(entry.path()).expect("an old frame is removed");
        }
        for (i, frame) in frames.iter().enumerate() {
            frame.save(self.camera.join(format!("frame-{i:03}.png"))).expect("a frame is written");
        }
    }

    /// Starts the app a second time, as a user would from the desktop's menu, and waits until that second process
    /// has ended (it hands over to the running one). Returns how it ended.
    pub async fn start_again(&self) -> std::process::ExitStatus {
        self.start_again_with(&[]).await
    }

    /// Starts the app a second time with these arguments (`--palette`, say), as [`Scenario::start_again`] does.
    pub async fn start_again_with(&self, args: &[&str]) -> std::process::ExitStatus {
        let mut second = Command::new(APP)
            .args(args)
            .env("DISPLAY", &self.xvfb.display)
            .env("TWOFOLD_DATA_DIR", self.data.path())
            .env("NO_AT_BRIDGE", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the app starts a second time");
        let started = Instant::now();
        loop {
            if let Some(status) = second.try_wait().expect("the second process can be waited for") {
                return status;
            }
            assert!(started.elapsed() < PATIENCE, "the second start did not end");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs the command line (`twofold ARGS`) on this scenario's data folder, as a user would from a shell, and
    /// returns what it printed.
    pub fn command_line(&self, args: &[&str]) -> std::process::Output {
        Command::new(APP)
            .args(args)
            .env("DISPLAY", &self.xvfb.display)
            .env("TWOFOLD_DATA_DIR", self.data.path())
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .output()
            .expect("the command line runs")
    }

    /// Starts the app through `tauri-driver` and opens a WebDriver session on it.
    pub async fn launch(&mut self) -> App {
        self.launches += 1;
        let log_path = self.artifacts.join(format!("app-{}.log", self.launches));
        let log = File::create(&log_path).expect("the app log");
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new("tauri-driver");
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &self.xvfb.display)
            .env("TWOFOLD_DATA_DIR", self.data.path())
            .env("TWOFOLD_REPLAY_CAMERA", format!("{}@15", self.camera.display()))
            // Timings in the log help to read a failure; no accessibility bus is started on this display.
            .env("TWOFOLD_TRACE", "1")
            .env("NO_AT_BRIDGE", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the log file"))
            .stderr(log);
        for (name, value) in &self.env {
            command.env(name, value);
        }
        // Its own process group, so WebKitWebDriver and the app go with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = Reaper(command.spawn().expect("tauri-driver starts"));
        let started = Instant::now();
        // tauri-driver forwards to WebKitWebDriver, which it starts; both must listen before a session is asked for.
        for listening in [port, native_port] {
            while TcpStream::connect(("127.0.0.1", listening)).is_err() {
                let why =
                    format!("the WebDriver servers did not listen on port {listening}; see {}", log_path.display());
                assert!(started.elapsed() < PATIENCE, "{why}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert("tauri:options".into(), serde_json::json!({ "application": APP }));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("a WebDriver session on the app starts ({e}); see {}", log_path.display()));
        App {
            client: Some(client),
            _driver: driver,
            display: self.xvfb.display.clone(),
            screenshot: self.artifacts.join(format!("screen-{}.png", self.launches)),
        }
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "e2e: {} failed; its screenshot and app log are in {}",
                self.name,
                self.artifacts.canonicalize().unwrap_or_else(|_| self.artifacts.clone()).display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.artifacts);
        }
    }
}

/// The running app and the WebDriver session on it.
pub struct App {
    client: Option<Client>,
    _driver: Reaper,
    display: String,
    screenshot: PathBuf,
}

impl App {
    fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    /// From now on, records everything the Rust side delivers to the page: every command result and every
    /// channel message (camera events), as JSON. Binary preview frames are left out. [`App::ipc_seen`] reads it.
    pub async fn watch_ipc(&self) {
        // Tauri delivers each result and message through a callback registered in this map; wrapping the map's
        // `set` sees every payload on its way to the page's own code.
        let script = "const callbacks = window.__TAURI_INTERNALS__.callbacks;\
            window.__ipcSeen = [];\
            callbacks.set = function (id, callback) {\
              return Map.prototype.set.call(this, id, (data) => {\
                if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {\
                  try { window.__ipcSeen.push(JSON.stringify(data)); } catch { window.__ipcSeen.push(String(data)); }\
                }\
                return callback(data);\
              });\
            };";
        self.client().execute(script, Vec::new()).await.expect("the IPC watch is installed");
    }

    /// Everything recorded since [`App::watch_ipc`], one payload per line.
    pub async fn ipc_seen(&self) -> String {
        let value = self.client().execute("return (window.__ipcSeen || []).join('\\n');", Vec::new()).await;
        value.expect("the page answers").as_str().unwrap_or_default().to_owned()
    }

    /// Closes the window through WebDriver and waits until the app's process has ended.
    pub async fn quit(mut self) {
        if let Some(client) = self.client.take() {
            client.close().await.expect("the WebDriver session closes");
        }
        let started = Instant::now();
        while !app_processes().is_empty() {
            assert!(started.elapsed() < PATIENCE, "the app did not exit after its window was closed");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Closes the window as a window manager's close button does: the `WM_DELETE_WINDOW` message.
    pub async fn close_window(&self) {
        let window = wait_window(&self.display, "^Twofold$").await;
        crate::x11::ask_to_close(&self.display, window.parse().expect("xdotool prints window ids as numbers"));
    }

    /// Waits until the window is hidden while the app keeps running.
    pub async fn wait_hidden(&self) {
        let started = Instant::now();
        while !xdotool_search(&self.display, "^Twofold$").is_empty() {
            assert!(started.elapsed() < PATIENCE, "the window should have been hidden");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(!app_processes().is_empty(), "the app should keep running with its window hidden");
    }

    /// Makes the window titled `title` (the palette's, say) the one WebDriver talks to, waiting until it exists.
    pub async fn switch_to(&self, title: &str) {
        let started = Instant::now();
        loop {
            for handle in self.client().windows().await.expect("the windows are listed") {
                self.client().switch_to_window(handle).await.expect("a listed window can be chosen");
                if self.client().title().await.is_ok_and(|t| t == title) {
                    return;
                }
            }
            assert!(started.elapsed() < PATIENCE, "no window titled {title:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the window titled `title` is shown (`true`) or hidden (`false`) on the display.
    pub async fn wait_window_shown(&self, title: &str, shown: bool) {
        let name = format!("^{title}$");
        let started = Instant::now();
        while xdotool_search(&self.display, &name).is_empty() == shown {
            assert!(
                started.elapsed() < PATIENCE,
                "the window {title:?} should be {}",
                ["hidden", "shown"][usize::from(shown)]
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Gives the keyboard to the window titled `title`, as clicking it would (the display has no window manager).
    pub async fn give_keyboard(&self, title: &str) {
        let window = self.x_window(title).await;
        crate::x11::give_keyboard_to(&self.display, window);
        self.wait_keyboard_on(window).await;
    }

    /// Waits until the X window `window` has the keyboard, as `xdotool getwindowfocus` reports it.
    pub async fn wait_keyboard_on(&self, window: u32) {
        let started = Instant::now();
        loop {
            let focus = crate::x11::focused(&self.display);
            if focus == window {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "the window {window} should have the keyboard, not {focus}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The X window of the shown window titled `title`.
    pub async fn x_window(&self, title: &str) -> u32 {
        wait_window(&self.display, &format!("^{title}$")).await.parse().expect("xdotool prints window ids as numbers")
    }

    /// Waits until a Twofold window is shown again.
    pub async fn wait_shown_again(&self) {
        wait_window(&self.display, "^Twofold$").await;
    }

    /// Answers the system dialog titled `title`, which the app's Rust side shows, by pressing `key` in it (Return
    /// for the button that has the keyboard, the first; Escape for Cancel), and waits until it has closed.
    pub async fn answer_dialog(&self, title: &str, key: &str) {
        let name = format!("^{title}$");
        let deadline = Instant::now() + Duration::from_secs(10);
        let id = loop {
            if let Some(id) = xdotool_search(&self.display, &name).into_iter().next() {
                break id;
            }
            assert!(Instant::now() < deadline, "no dialog titled {title:?} appeared");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        // Without a window manager nothing gives a new window the keyboard: focus it by hand first.
        xdotool(&self.display, &["windowfocus", "--sync", &id, "sleep", "0.3", "key", key]);
        while !xdotool_search(&self.display, &name).is_empty() {
            assert!(Instant::now() < deadline, "the dialog titled {title:?} did not close after {key}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the Twofold window has the keyboard, as `xdotool getwindowfocus` reports it.
    pub async fn wait_keyboard(&self) {
        let started = Instant::now();
        loop {
            let windows = xdotool_search(&self.display, "^Twofold$");
            let out = Command::new("xdotool").arg("getwindowfocus").env("DISPLAY", &self.display).output();
            let focus = out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
            if windows.contains(&focus) {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "the window {windows:?} should have the keyboard, not {focus:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the app has exited by itself (its window closed, or quit), without closing the WebDriver
    /// session first.
    pub async fn wait_exit(mut self) {
        let started = Instant::now();
        while !app_processes().is_empty() {
            assert!(started.elapsed() < PATIENCE, "the app should have exited");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.client.take();
    }

    /// The texts of the elements matching `css` that are shown (rendered, not hidden by CSS or a closed dialog),
    /// as the user reads them.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        // WebKitWebDriver's own visibility test does not see into an open <dialog>; ask the page instead.
        let script = "return [...document.querySelectorAll(arguments[0])]\
            .filter((e) => e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }))\
            .map((e) => e.innerText.trim());";
        let value = self.client().execute(script, vec![css.into()]).await.expect("the page answers");
        serde_json::from_value(value).expect("a list of texts")
    }

    /// The text of the first shown element matching `css`, or "" when none is shown.
    pub async fn text(&self, css: &str) -> String {
        self.texts(css).await.into_iter().next().unwrap_or_default()
    }

    /// What the form field matching `css` holds.
    pub async fn value(&self, css: &str) -> String {
        let script = "return document.querySelector(arguments[0]).value;";
        let value = self.client().execute(script, vec![css.into()]).await.expect("the page answers");
        serde_json::from_value(value).expect("a field's value")
    }

    /// Runs `script` in the page, as a tampered page could.
    pub async fn run_script(&self, script: &str) {
        self.client().execute(script, vec![]).await.expect("the page runs the script");
    }

    /// What `script` (a function body that returns something) gives back, once `ready` holds for it; panics after
    /// the usual patience.
    pub async fn wait_value<T: serde::de::DeserializeOwned>(&self, script: &str, ready: impl Fn(&T) -> bool) -> T {
        let started = Instant::now();
        loop {
            let value = self.client().execute(script, vec![]).await.expect("the page answers");
            let value: T = serde_json::from_value(value).expect("the script's answer");
            if ready(&value) {
                return value;
            }
            assert!(started.elapsed() < PATIENCE, "the page never gave the awaited answer to {script:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The address of the page shown.
    pub async fn url(&self) -> String {
        self.client().current_url().await.expect("the page answers").to_string()
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> usize {
        let script = "return document.querySelectorAll(arguments[0]).length;";
        let value = self.client().execute(script, vec![css.into()]).await.expect("the page answers");
        serde_json::from_value(value).expect("a count")
    }

    /// The page's title.
    pub async fn title(&self) -> String {
        self.client().title().await.expect("the page answers")
    }

    /// The attribute `name` of the element matching `css`, if it has one.
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let script = "return document.querySelector(arguments[0]).getAttribute(arguments[1]);";
        let value = self.client().execute(script, vec![css.into(), name.into()]).await.expect("the page answers");
        serde_json::from_value(value).expect("an attribute's value or null")
    }

    /// Whether the control matching `css` is disabled.
    pub async fn disabled(&self, css: &str) -> bool {
        let script = "return document.querySelector(arguments[0]).disabled;";
        let value = self.client().execute(script, vec![css.into()]).await.expect("the page answers");
        value == true
    }

    /// Whether an element matching `css` is shown.
    pub async fn shown(&self, css: &str) -> bool {
        !self.texts(css).await.is_empty()
    }

    /// Waits until the element matching `css` shows text containing `needle`, and returns its whole text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.text(css).await;
            if text.contains(needle) {
                return text;
            }
            assert!(started.elapsed() < PATIENCE, "{css} should show {needle:?}, but it shows {text:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the keyboard focus is in an element matching `css` whose part matching `inner` reads `text`:
    /// the row of a list that has the focus, say.
    pub async fn wait_focus_in(&self, css: &str, inner: &str, text: &str) {
        let script = "return document.activeElement?.closest(arguments[0])?.querySelector(arguments[1])\
            ?.innerText.trim() ?? null;";
        let started = Instant::now();
        loop {
            let value = self.client().execute(script, vec![css.into(), inner.into()]).await;
            let focused = value.expect("the page answers");
            if focused.as_str() == Some(text) {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "the focus should be on {text:?} in {css}, but is on {focused}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element with the keyboard focus matches `css`.
    pub async fn wait_focused(&self, css: &str) {
        let script = "return document.activeElement?.matches(arguments[0]) \
            ? true : (document.activeElement?.id || document.activeElement?.tagName || null);";
        let started = Instant::now();
        loop {
            let focused = self.client().execute(script, vec![css.into()]).await.expect("the page answers");
            if focused == true {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "the focus should be on {css}, but is on {focused}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Seconds into the current period that the countdown ring of the first row matching `css` was set to show,
    /// and the clock's own seconds into it (the ring repeats every `period` seconds, from 1970 on).
    pub async fn ring_phase(&self, css: &str, period: u32) -> (f64, f64) {
        let script = "const row = document.querySelector(arguments[0]);\
            return [-parseFloat(row.style.getPropertyValue('--elapsed')), (Date.now() / 1000) % arguments[1]];";
        let value = self.client().execute(script, vec![css.into(), period.into()]).await.expect("the page answers");
        serde_json::from_value(value).expect("two numbers")
    }

    /// Waits until an element matching `css` is shown.
    pub async fn wait_shown(&self, css: &str) {
        let started = Instant::now();
        while !self.shown(css).await {
            assert!(started.elapsed() < PATIENCE, "{css} should be shown, but it is not");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the shown elements matching `css` have exactly these texts, in this order.
    pub async fn wait_texts(&self, css: &str, expected: &[&str]) {
        let started = Instant::now();
        loop {
            let texts = self.texts(css).await;
            if texts == expected {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "{css} should read {expected:?}, but reads {texts:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element matching `css`, once it is shown.
    pub async fn click(&self, css: &str) {
        self.wait_shown(css).await;
        let element = self.client().find(Locator::Css(css)).await.expect("the element is there");
        element.click().await.unwrap_or_else(|e| panic!("{css} can be clicked: {e}"));
    }

    /// Presses the button matching `css` twice (or submits the form matching it twice) in one go: the page's
    /// handlers run back to back, before the first request's answer can arrive, as for a quick double click or a
    /// second Enter. WebDriver's own clicks each wait for the page, so they cannot promise that.
    pub async fn press_twice_at_once(&self, css: &str) {
        self.wait_shown(css).await;
        let script = "const e = document.querySelector(arguments[0]); \
                      const press = e instanceof HTMLFormElement ? () => e.requestSubmit() : () => e.click(); \
                      press(); press();";
        self.client().execute(script, vec![css.into()]).await.expect("the element can be pressed");
    }

    /// Whether the checkbox matching `css` is ticked.
    pub async fn is_checked(&self, css: &str) -> bool {
        let script = "return document.querySelector(arguments[0]).checked;";
        let value = self.client().execute(script, vec![css.into()]).await.expect("the page answers");
        value == true
    }

    /// Moves the page's wall clock (`Date.now`) `by` ahead and leaves its timers alone, as the page finds things
    /// after the computer slept: timers count only the time awake.
    pub async fn shift_clock(&self, by: Duration) {
        let script = "const real = Date.now.bind(Date); const by = arguments[0]; Date.now = () => real() + by;";
        let by = u64::try_from(by.as_millis()).expect("a shift of less than 500 million years");
        self.client().execute(script, vec![by.into()]).await.expect("the clock is moved");
    }

    /// Waits until something the Rust side delivered since [`App::watch_ipc`] contains `needle`.
    pub async fn wait_ipc(&self, needle: &str) {
        let started = Instant::now();
        while !self.ipc_seen().await.contains(needle) {
            assert!(started.elapsed() < PATIENCE, "the page should have received {needle:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends the element matching `css` a key press marked `flag` (a `KeyboardEvent` property set true), as WebKit
    /// delivers it: `isComposing` while an input method's candidate window is open (WebKitWebDriver cannot compose
    /// text), `repeat` while a key is held down (WebDriver presses keys once).
    pub async fn press_marked(&self, css: &str, key: &str, flag: &str) {
        let script = "document.querySelector(arguments[0]).dispatchEvent(new KeyboardEvent('keydown', \
                      { key: arguments[1], [arguments[2]]: true, bubbles: true, cancelable: true }));";
        self.client().execute(script, vec![css.into(), key.into(), flag.into()]).await.expect("the key press is sent");
    }

    /// Checks that the element matching `css` still reads `needle` after `settle`, when any later answer to the
    /// page would have changed it.
    pub async fn assert_text_stays(&self, css: &str, needle: &str, settle: Duration) {
        tokio::time::sleep(settle).await;
        let text = self.text(css).await;
        assert!(text.contains(needle), "{css} should still read {needle:?}, but reads {text:?}");
    }

    /// Replaces the text in the field matching `css` with `text`, typed key by key.
    pub async fn fill(&self, css: &str, text: &str) {
        self.wait_shown(css).await;
        let element = self.client().find(Locator::Css(css)).await.expect("the field is there");
        element.clear().await.expect("the field can be cleared");
        element.send_keys(text).await.expect("the field takes keys");
    }

    /// Picks the option with this value in the `<select>` matching `css`.
    pub async fn choose(&self, css: &str, value: &str) {
        self.wait_shown(css).await;
        let element = self.client().find(Locator::Css(css)).await.expect("the list is there");
        element.select_by_value(value).await.expect("the option can be chosen");
    }

    /// Types keys into whatever has the focus (WebDriver key codes such as `"\u{E017}"` for Delete included).
    pub async fn press(&self, keys: &str) {
        let element = self.client().active_element().await.expect("something has the focus");
        element.send_keys(keys).await.expect("the focused element takes keys");
    }

    /// Focuses the first element matching `css`, as a click or Tab would.
    pub async fn focus(&self, css: &str) {
        self.wait_shown(css).await;
        let script = "document.querySelector(arguments[0]).focus()";
        self.client().execute(script, vec![css.into()]).await.expect("the element can be focused");
    }

    /// Drags `file` from another application's window (`tests/tools/drag_source.rs`, a stand-in for a file
    /// manager) and drops it on the element matching `css`, moving the real pointer with xdotool: the drop
    /// travels the X drag-and-drop protocol into the window, as a file dragged from a file manager does.
    pub async fn drop_file(&self, file: &Path, css: &str) {
        let target = self.on_screen(css).await;
        let tool = PathBuf::from(APP).with_file_name("examples").join("drag_source");
        assert!(
            tool.exists(),
            "{} is built by `cargo test` with the other targets; build it with `cargo build -p twofold-app --example drag_source`",
            tool.display()
        );
        let (x, y) = (1100, 640);
        let mut source = Reaper(
            Command::new(&tool)
                .arg(file)
                .args([x.to_string(), y.to_string()])
                .env("DISPLAY", &self.display)
                .env_remove("WAYLAND_DISPLAY")
                .stdout(Stdio::null())
                .spawn()
                .expect("the drag source starts"),
        );
        wait_window(&self.display, "^drag source$").await;
        drag_pointer(&self.display, (x + 60, y + 60), target);
        // The source exits when the drag has ended.
        let started = Instant::now();
        while source.0.try_wait().expect("the drag source can be waited for").is_none() {
            assert!(started.elapsed() < PATIENCE, "the drag did not end");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Drags the element matching `from` onto the one matching `to` with the real pointer (xdotool), as the user
    /// does with the mouse.
    pub async fn drag_onto(&self, from: &str, to: &str) {
        let (start, end) = (self.on_screen(from).await, self.on_screen(to).await);
        drag_pointer(&self.display, start, end);
    }

    /// Where the centre of the element matching `css` is on the screen: its place in the page plus the window's
    /// place on the screen (the page fills the window).
    async fn on_screen(&self, css: &str) -> (i64, i64) {
        self.wait_shown(css).await;
        let script = "const r = document.querySelector(arguments[0]).getBoundingClientRect();\
            return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];";
        let value = self.client().execute(script, vec![css.into()]).await.expect("the page answers");
        let [x, y]: [i64; 2] = serde_json::from_value(value).expect("the element's centre");
        let window = wait_window(&self.display, "^Twofold$").await;
        let window = xdotool(&self.display, &["getwindowgeometry", "--shell", window.as_str()]);
        let place = |name: &str| -> i64 {
            let line = window.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).expect("a window position");
            line.parse().expect("a number")
        };
        (place("X") + x, place("Y") + y)
    }
}

/// Presses the pointer's button at `from`, moves past GTK's drag threshold and on to `to` in steps (each motion is
/// a drag-and-drop position message, answered before the next is sent), rests there and releases.
fn drag_pointer(display: &str, from: (i64, i64), to: (i64, i64)) {
    let mut steps = vec!["mousemove".to_owned(), from.0.to_string(), from.1.to_string()];
    steps.extend(["sleep", "0.3", "mousedown", "1"].map(String::from));
    for i in 1..=12 {
        let (x, y) = (from.0 + (to.0 - from.0) * i / 12, from.1 + (to.1 - from.1) * i / 12);
        steps.extend(["sleep".into(), "0.15".into(), "mousemove".into(), x.to_string(), y.to_string()]);
    }
    for wiggle in [3, -3, 2, -2, 0] {
        let (x, y) = (to.0 + wiggle, to.1 + wiggle);
        steps.extend(["sleep".into(), "0.2".into(), "mousemove".into(), x.to_string(), y.to_string()]);
    }
    steps.extend(["sleep", "0.5", "mouseup", "1"].map(String::from));
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    xdotool(display, &steps);
}

/// The ids of the shown windows on `display` whose title matches `name` (a regular expression).
fn xdotool_search(display: &str, name: &str) -> Vec<String> {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", name])
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

/// The app's tray icon as a desktop's tray sees it over D-Bus: the bus name that exports it and its menu's items
/// (id, label). `None` while no connection of the app exports one. Ayatana AppIndicator exports the icon and its
/// menu whether or not a tray is there to show them, and an icon taken away stays exported, hidden (`Passive`): an
/// icon shown is preferred to it.
pub fn tray_menu() -> Option<(String, Vec<(i32, String)>)> {
    let mut found = Vec::new();
    let pids = app_processes();
    let names = gdbus(&["--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus"], "ListNames", &[])?;
    for name in names.split('\'').filter(|n| n.starts_with(':')) {
        let owner = gdbus(
            &["--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus"],
            "GetConnectionUnixProcessID",
            &[name],
        );
        let pid = owner.as_deref().and_then(|o| o.split("uint32 ").nth(1)).and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|digits| digits.parse::<u32>().ok())
        });
        if !pid.is_some_and(|pid| pids.contains(&pid)) {
            continue;
        }
        let menu = format!("{TRAY_ITEM}/Menu");
        // A connection of the app that serves no objects may never answer: two seconds are plenty for one that does.
        let target = ["--dest", name, "--object-path", &menu, "--timeout", "2"];
        if let Some(layout) = gdbus(&target, "com.canonical.dbusmenu.GetLayout", &["0", "-1", "[]"]) {
            found.push((name.to_owned(), menu_items(&layout)));
        }
    }
    let shown = found.iter().position(|(name, _)| tray_status(name) == "Active").unwrap_or(0);
    (!found.is_empty()).then(|| found.swap_remove(shown))
}

/// The tray icon's status: `Active` while a tray shows it, `Passive` once the app has hidden it.
pub fn tray_status(bus_name: &str) -> String {
    let answer = gdbus(
        &["--dest", bus_name, "--object-path", TRAY_ITEM],
        "org.freedesktop.DBus.Properties.Get",
        &["org.kde.StatusNotifierItem", "Status"],
    )
    .unwrap_or_default();
    answer.split('\'').nth(1).unwrap_or_default().to_owned()
}

/// Clicks an item of the tray icon's menu, as a desktop's tray does when the user picks it.
pub fn click_tray_item(bus_name: &str, id: i32) {
    let menu = format!("{TRAY_ITEM}/Menu");
    let clicked = gdbus(
        &["--dest", bus_name, "--object-path", &menu],
        "com.canonical.dbusmenu.Event",
        &[&id.to_string(), "clicked", "<0>", "0"],
    );
    assert!(clicked.is_some(), "the tray menu takes the click");
}

/// Where Ayatana AppIndicator exports the icon Tauri names `main`.
const TRAY_ITEM: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_main";

/// The desktop's screen saver turns on (the screen locks), as GNOME and KDE announce it on the session bus.
pub fn screen_saver_turns_on() {
    let status = Command::new("gdbus")
        .args(["emit", "--session", "--object-path", "/org/freedesktop/ScreenSaver"])
        .args(["--signal", "org.freedesktop.ScreenSaver.ActiveChanged", "true"])
        .status()
        .expect("gdbus runs");
    assert!(status.success(), "the signal is sent");
}

/// Calls a D-Bus method on the session bus with `gdbus`; its printed answer, or `None` if the call failed.
fn gdbus(target: &[&str], method: &str, args: &[&str]) -> Option<String> {
    let method = if method.contains('.') { method.to_owned() } else { format!("org.freedesktop.DBus.{method}") };
    let out = Command::new("gdbus")
        .args(["call", "--session"])
        .args(target)
        .args(["--method", &method, "--"])
        .args(args)
        .output()
        .expect("gdbus runs");
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The (id, label) of each item in a dbusmenu layout as `gdbus` prints it:
/// `(uint32 2, (0, {...}, [<(2, {'label': <'Show Twofold'>}, @av [])>, ...]))`.
fn menu_items(layout: &str) -> Vec<(i32, String)> {
    layout
        .split("<(")
        .skip(1)
        .filter_map(|item| {
            let id = item.split(',').next()?.trim().parse().ok()?;
            let label = item.split("'label': <'").nth(1)?.split('\'').next()?;
            Some((id, label.to_owned()))
        })
        .collect()
}

/// Waits until a window whose title matches `name` (a regular expression) is on `display`; returns its id.
async fn wait_window(display: &str, name: &str) -> String {
    let started = Instant::now();
    loop {
        if let Some(id) = xdotool_search(display, name).into_iter().next() {
            return id;
        }
        assert!(started.elapsed() < PATIENCE, "no window named {name} appeared");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs xdotool on `display` and returns what it printed.
fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool").args(args).env("DISPLAY", display).output().expect("xdotool runs");
    assert!(out.status.success(), "xdotool {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Drop for App {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The window is still up: keep a picture of what the user would have seen.
            let _ = Command::new("import")
                .args(["-display", &self.display, "-window", "root"])
                .arg(&self.screenshot)
                .stderr(Stdio::null())
                .status();
        }
        for pid in app_processes() {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// Kills a child process and everything it started (its process group) when dropped.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The process ids running the app binary under test.
fn app_processes() -> Vec<u32> {
    let app = std::fs::canonicalize(APP).unwrap_or_else(|_| PathBuf::from(APP));
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
            (exe == app).then_some(pid)
        })
        .collect()
}

/// A TCP port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// What the X clipboard of `display` holds as text, or "" when it is empty (read back with xclip).
pub fn clipboard_text(display: &str) -> String {
    let out = Command::new("xclip")
        .args(["-display", display, "-selection", "clipboard", "-o"])
        .stderr(Stdio::null())
        .output()
        .expect("xclip runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Puts text on the X clipboard of `display`, as another application would.
pub fn copy_text_elsewhere(display: &str, text: &str) {
    let mut child = Command::new("xclip")
        .args(["-display", display, "-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xclip runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), text.as_bytes()).expect("xclip takes the text");
    // xclip forks a child that keeps serving the text; the parent ends at once.
    child.wait().expect("xclip hands over");
}

/// Puts a PNG picture on the X clipboard of `display`, as copying it from an image viewer would.
pub fn copy_picture_elsewhere(display: &str, png: &Path) {
    let status = Command::new("xclip")
        .args(["-display", display, "-selection", "clipboard", "-t", "image/png", "-i"])
        .arg(png)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("xclip runs");
    assert!(status.success(), "xclip put the picture on the clipboard");
}
