//! The browser extension (`browser/`) in real browsers on a private Xvfb display: Debian's Chromium through
//! chromedriver, the extension loaded unpacked, and Firefox ESR through geckodriver, the extension installed as a
//! temporary add-on. Test pages are served on 127.0.0.1 under test host names (`github.test`) that each browser is
//! told to resolve there.
//!
//! Needs `chromium`, `chromium-driver`, `firefox-esr` and `geckodriver` (a crate); the README's test command
//! installs them. Without them the tests are skipped with a note, or fail in strict mode.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

#[path = "../common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long a step may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(25);

/// One browser at a time: two would only compete for the two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The sign-in page's second step, as services write it: a user name and password (already filled), the code field
/// in several of the ways pages mark it, and fields that ask for other codes.
const SIGN_IN: &str = r#"<!doctype html>
<html><head><title>Sign in</title></head><body>
<form>
  <label>Username <input id="user" name="username" value="alice"></label>
  <label>Password <input id="pass" type="password" name="password"></label>
  <p><input id="otp" autocomplete="one-time-code" inputmode="numeric"></p>
  <p><label>Authentication code <input id="auth" name="app_otp"></label></p>
  <p><label>Postal code <input id="postal" name="postal"></label></p>
  <p><label>Coupon code <input id="coupon" name="coupon"></label></p>
  <p><input id="search" type="search" placeholder="Search"></p>
  <div id="split">
    <input maxlength="1" inputmode="numeric"><input maxlength="1" inputmode="numeric">
    <input maxlength="1" inputmode="numeric"><input maxlength="1" inputmode="numeric">
    <input maxlength="1" inputmode="numeric"><input maxlength="1" inputmode="numeric">
  </div>
</form>
</body></html>"#;

/// Serves `page` at every path on 127.0.0.1, on a port of its own, until the test ends.
fn serve(page: &'static str) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("a port for the test page");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream, page));
        }
    });
    port
}

fn answer(mut stream: TcpStream, page: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    // The request line and headers, up to the blank line.
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        line.clear();
    }
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

/// Starts a WebDriver server on `display` and opens a session with `capabilities`.
async fn open(program: &str, args: &[String], display: &str, capabilities: Value) -> (Driver, Client) {
    let port = free_port();
    let mut command = Command::new(program);
    command
        .args(args)
        .arg(format!("--port={port}"))
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
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

enum Browser {
    Chromium,
    Firefox,
}

/// What the browsers need, if something is missing.
fn missing(browser: &Browser) -> Option<String> {
    let tools: &[(&str, &str)] = match browser {
        Browser::Chromium => &[
            ("Xvfb", "apt-get install xvfb"),
            ("chromium", "apt-get install chromium"),
            ("chromedriver", "apt-get install chromium-driver"),
        ],
        Browser::Firefox => &[
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

/// A browser with the extension, on a fresh profile and display, its test host names resolving to 127.0.0.1.
struct Session {
    client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
    _xvfb: common::Xvfb,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Session {
    async fn start(browser: Browser) -> Option<Session> {
        if let Some(why) = missing(&browser) {
            common::missing("What the browser tests need", &why)?;
        }
        let turn = ONE_AT_A_TIME.lock().await;
        let xvfb = common::Xvfb::start().expect("Xvfb starts");
        let profile = tempfile::tempdir().expect("a profile folder");
        let extension = extension();
        let (driver, client) = match browser {
            Browser::Chromium => {
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
                open("chromedriver", &[], &xvfb.display, capabilities).await
            }
            Browser::Firefox => {
                let capabilities = json!({
                    "browserName": "firefox",
                    "moz:firefoxOptions": {
                        "binary": "/usr/bin/firefox-esr",
                        "args": ["-profile", profile.path()],
                        "prefs": { "network.dns.localDomains": "github.test,githuh.test,other.test" },
                    },
                });
                let (driver, client) = open("geckodriver", &[], &xvfb.display, capabilities).await;
                client.issue_cmd(InstallTemporaryAddon(extension)).await.expect("the extension installs");
                (driver, client)
            }
        };
        Some(Session { client, _driver: driver, _profile: profile, _xvfb: xvfb, _turn: turn })
    }

    /// Runs `script` in the page and returns its result.
    async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Waits until `script` returns something other than `null`, `false` or an empty list, and returns it.
    async fn wait_for(&self, script: &str, what: &str) -> Value {
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

/// For each Twofold button on the page, the id of the field under it (`split` for the row of boxes).
const BUTTONS_OVER: &str = r#"
  return [...document.querySelectorAll("twofold-fill")].map((host) => {
    const mark = host.getBoundingClientRect();
    const x = mark.left + mark.width / 2, y = mark.top + mark.height / 2;
    const under = [...document.querySelectorAll("input")].find((input) => {
      const box = input.getBoundingClientRect();
      return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
    });
    return under ? (under.id || under.parentElement.id) : "nothing";
  }).sort();
"#;

async fn marks_code_fields_only_and_says_when_twofold_is_not_there(browser: Browser) {
    let Some(session) = Session::start(browser).await else { return };
    let port = serve(SIGN_IN);
    session.client.goto(&format!("http://github.test:{port}/login")).await.expect("the sign-in page opens");
    let over = session.wait_for(BUTTONS_OVER, "the Twofold buttons").await;
    assert_eq!(over, json!(["auth", "otp", "split"]), "a button in each code field, none in the others");

    // No host installed: a click says what to do, and fills nothing.
    let button = session.client.find(Locator::Css("twofold-fill")).await.expect("a button");
    button.click().await.expect("the button takes a click");
    let said = session
        .wait_for(
            r#"return [...document.querySelectorAll("twofold-fill")].map((h) => h.shadowRoot.querySelector("p").textContent).join("");"#,
            "a sentence",
        )
        .await;
    assert!(said.as_str().unwrap().starts_with("Twofold is not installed"), "{said}");
    let values = session.eval(r#"return [...document.querySelectorAll("input")].map((i) => i.value).join("");"#).await;
    assert_eq!(values, "alice", "nothing filled");
    session.client.close().await.expect("the browser closes");
}

#[tokio::test]
async fn in_chromium_the_extension_marks_code_fields_only_and_says_when_twofold_is_not_there() {
    marks_code_fields_only_and_says_when_twofold_is_not_there(Browser::Chromium).await;
}

#[tokio::test]
async fn in_firefox_the_extension_marks_code_fields_only_and_says_when_twofold_is_not_there() {
    marks_code_fields_only_and_says_when_twofold_is_not_there(Browser::Firefox).await;
}
