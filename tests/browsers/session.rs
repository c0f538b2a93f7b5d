//! A real browser with Twofold's extension, for the browser tests and the end-to-end suite: Debian's Chromium
//! through chromedriver, the extension loaded unpacked, or Firefox ESR through geckodriver, the extension installed as
//! a temporary add-on; each on a private Xvfb display with a fresh profile, its test host names (`github.test`)
//! resolving to 127.0.0.1, where [`serve`] answers. With a data folder, the browser can start `twofold` as its
//! native-messaging host, on that folder.
#![allow(dead_code, reason = "each test binary that includes it uses a part of it")]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::common;

/// How long a step may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(25);

/// One browser at a time: two would only compete for the two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The extension's fixed id in Firefox's profile, so that its pages have a known address.
const FIREFOX_UUID: &str = "6d1b2c3a-7e4f-4b8a-9c0d-1e2f3a4b5c6d";

/// The test host names each browser resolves to 127.0.0.1.
const HOSTS: &str = "github.test,githuh.test,other.test";

/// Serves `pages` on 127.0.0.1, on a port of its own, until the test ends: each `(path, html)`, the first one for any
/// other path. `{port}` in a page becomes the port.
pub fn serve(pages: &'static [(&'static str, &'static str)]) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("a port for the test pages");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream, pages, port));
        }
    });
    port
}

fn answer(mut stream: TcpStream, pages: &[(&str, &str)], port: u16) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    let _ = reader.read_line(&mut request);
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut line = String::new();
    // The headers, up to the blank line.
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        line.clear();
    }
    let page = pages.iter().find(|(p, _)| *p == path).unwrap_or(&pages[0]).1.replace("{port}", &port.to_string());
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
}

/// A WebDriver server (chromedriver or geckodriver), stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Starts a WebDriver server with `env` and opens a session with `capabilities`.
async fn open(program: &str, env: &[(&str, &Path)], display: &str, capabilities: Value) -> (Driver, Client) {
    let port = free_port();
    let mut command = Command::new(program);
    command.arg(format!("--port={port}")).env("DISPLAY", display).env_remove("WAYLAND_DISPLAY").stdin(Stdio::null());
    // The driver's and the browser's messages, for reading a failure: in the folder the caller names.
    match std::env::var_os("TWOFOLD_BROWSER_LOG") {
        Some(log) => {
            let log = std::fs::File::create(log).expect("the browser's log");
            command.stdout(log.try_clone().unwrap()).stderr(log);
        }
        None => {
            command.stdout(Stdio::null()).stderr(Stdio::null());
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let driver = Driver(command.spawn().unwrap_or_else(|e| panic!("{program} starts: {e}")));
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < PATIENCE, "{program} did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let Value::Object(capabilities) = capabilities else { unreachable!() };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|e| panic!("a {program} session: {e}"));
    (driver, client)
}

/// The extension's folder, as the browser loads it.
fn extension() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../browser").canonicalize().expect("the extension's folder")
}

/// Installs the extension in Firefox for this session only (geckodriver's own command).
#[derive(Debug)]
struct InstallTemporaryAddon(PathBuf);

impl fantoccini::wd::WebDriverCompatibleCommand for InstallTemporaryAddon {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/moz/addon/install", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "path": self.0, "temporary": true }).to_string()))
    }
}

/// The two kinds of browser the extension is tested in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chromium,
    Firefox,
}

/// What the browser needs, if something is missing.
fn missing(kind: Kind) -> Option<String> {
    let tools: &[(&str, &str)] = match kind {
        Kind::Chromium => &[
            ("Xvfb", "apt-get install xvfb"),
            ("chromium", "apt-get install chromium"),
            ("chromedriver", "apt-get install chromium-driver"),
        ],
        Kind::Firefox => &[
            ("Xvfb", "apt-get install xvfb"),
            ("firefox-esr", "apt-get install firefox-esr"),
            ("geckodriver", "cargo install geckodriver --locked"),
        ],
    };
    tools
        .iter()
        .find(|(tool, _)| !common::have(tool))
        .map(|(tool, how)| format!("{tool} is missing (install it with `{how}`, or run the README's test command)"))
}

/// A browser with the extension, on a fresh profile and display.
pub struct Session {
    pub client: Client,
    kind: Kind,
    _driver: Driver,
    _profile: tempfile::TempDir,
    _home: tempfile::TempDir,
    _xvfb: common::Xvfb,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Session {
    /// A browser whose extension finds no Twofold (no host installed); `None` (with a note) when a tool is missing.
    pub async fn start(kind: Kind) -> Option<Session> {
        Session::start_with(kind, None).await
    }

    /// A browser that starts `twofold` as its native-messaging host, on the data folder `data` (the host manifest
    /// written where this browser reads it, as the app writes it).
    pub async fn start_with(kind: Kind, data: Option<&Path>) -> Option<Session> {
        if let Some(why) = missing(kind) {
            common::missing("What the browser tests need", &why)?;
        }
        let turn = ONE_AT_A_TIME.lock().await;
        let xvfb = common::Xvfb::start().expect("Xvfb starts");
        let profile = tempfile::tempdir().expect("a profile folder");
        let home = tempfile::tempdir().expect("a home folder");
        let program = Path::new(env!("CARGO_BIN_EXE_twofold"));
        let mut env: Vec<(&str, &Path)> = vec![("HOME", home.path())];
        if let Some(data) = data {
            env.push(("TWOFOLD_DATA_DIR", data));
            match kind {
                // Chromium given a profile folder of its own reads a user's hosts from that folder.
                Kind::Chromium => {
                    let folder = profile.path().join("NativeMessagingHosts");
                    let manifest = twofold::browser::hosts::Browser::Chromium.manifest(program);
                    std::fs::create_dir_all(&folder).unwrap();
                    let name = format!("{}.json", twofold::browser::hosts::HOST_NAME);
                    std::fs::write(folder.join(name), manifest.to_string()).unwrap();
                }
                Kind::Firefox => {
                    twofold::browser::hosts::Browser::Firefox.install(home.path(), program).unwrap();
                }
            }
        }
        let extension = extension();
        let (driver, client) = match kind {
            Kind::Chromium => {
                let args = [
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--load-extension={}", extension.display()),
                    format!("--disable-extensions-except={}", extension.display()),
                    "--host-resolver-rules=MAP *.test 127.0.0.1".to_owned(),
                    "--no-sandbox".to_owned(),
                    "--no-first-run".to_owned(),
                    "--disable-gpu".to_owned(),
                ];
                let capabilities = json!({
                    "browserName": "chrome",
                    "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args },
                });
                open("chromedriver", &env, &xvfb.display, capabilities).await
            }
            Kind::Firefox => {
                let uuids = json!({ twofold::browser::hosts::FIREFOX_EXTENSION: FIREFOX_UUID }).to_string();
                let capabilities = json!({
                    "browserName": "firefox",
                    "moz:firefoxOptions": {
                        "binary": "/usr/bin/firefox-esr",
                        "args": ["-profile", profile.path()],
                        "prefs": { "network.dns.localDomains": HOSTS, "extensions.webextensions.uuids": uuids },
                    },
                });
                let (driver, client) = open("geckodriver", &env, &xvfb.display, capabilities).await;
                client.issue_cmd(InstallTemporaryAddon(extension)).await.expect("the extension installs");
                (driver, client)
            }
        };
        Some(Session { client, kind, _driver: driver, _profile: profile, _home: home, _xvfb: xvfb, _turn: turn })
    }

    /// The X display the browser shows on.
    pub fn display(&self) -> &str {
        &self._xvfb.display
    }

    /// Presses keys (`alt+shift+2`) as the user would, into the browser's window.
    pub fn press_keys(&self, keys: &str) {
        let window = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "."])
            .env("DISPLAY", self.display())
            .output()
            .expect("xdotool runs");
        let window = String::from_utf8_lossy(&window.stdout).lines().last().unwrap_or_default().to_owned();
        let status = Command::new("xdotool")
            .args(["windowfocus", "--sync", &window, "key", "--clearmodifiers", keys])
            .env("DISPLAY", self.display())
            .status()
            .expect("xdotool runs");
        assert!(status.success(), "xdotool pressed {keys}");
    }

    /// The address of one of the extension's own pages (`popup.html`).
    pub fn extension_page(&self, page: &str) -> String {
        match self.kind {
            Kind::Chromium => format!("chrome-extension://{}/{page}", twofold::browser::hosts::CHROMIUM_EXTENSION),
            Kind::Firefox => format!("moz-extension://{FIREFOX_UUID}/{page}"),
        }
    }

    /// Makes the tab that shows the extension's own page `page` (which the extension opens once installed) the
    /// one driven. Chromium, which lets WebDriver open an extension's page, opens it in the tab driven.
    pub async fn switch_to_extension_page(&self, page: &str) {
        let wanted = self.extension_page(page);
        if self.kind == Kind::Chromium {
            self.client.goto(&wanted).await.expect("the extension's page opens");
            return;
        }
        let started = Instant::now();
        loop {
            for handle in self.client.windows().await.expect("the tabs") {
                self.client.switch_to_window(handle).await.expect("a tab");
                if self.client.current_url().await.is_ok_and(|url| url.as_str() == wanted) {
                    return;
                }
            }
            assert!(started.elapsed() < PATIENCE, "no tab shows {wanted}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs `script` in the page and returns its result.
    pub async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Waits until `script` returns something other than `null`, `false`, `""` or an empty list, and returns it.
    pub async fn wait_for(&self, script: &str, what: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.eval(script).await;
            let nothing = matches!(&value, Value::Null | Value::Bool(false))
                || value.as_array().is_some_and(Vec::is_empty)
                || value.as_str().is_some_and(str::is_empty);
            if !nothing {
                return value;
            }
            assert!(started.elapsed() < PATIENCE, "waited for {what}, got {value}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
