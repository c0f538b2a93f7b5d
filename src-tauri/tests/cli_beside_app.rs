//! `twofold list`, `twofold code` and `twofold add` (and import, export and backup) as a user runs them from a shell, the built program against
//! the real Secret Service of `scripts/with-keyring.sh`: with no app running (the command opens the vault
//! itself) and beside the running app on a virtual X display (the command asks it through its socket), two
//! commands at once, and an app that quits while it is asked. Codes are checked against oathtool's, the clipboard
//! is read back with xclip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a test fails loudly and may print what it measured"
)]

#[path = "../../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use twofold::{Otp, Secret};

const GITHUB_ALICE: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const GITHUB_BOB: &str = "MFRGGZDFMZTWQ2LK";
const GITLAB: &str = "JBSWY3DPEHPK3PXP";

/// Whether the private keyring of `scripts/with-keyring.sh` and oathtool are there.
fn can_run() -> bool {
    let keyring = std::env::var_os("TWOFOLD_TEST_KEYRING").is_some()
        || common::missing(
            "A private test keyring",
            "Run the tests through scripts/with-keyring.sh (the README's test command does).",
        )
        .is_some();
    keyring && common::have_oathtool()
}

/// `twofold ARGS` with its vault in `dir`, on `display` (for the clipboard).
fn twofold(dir: &Path, display: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twofold"));
    command.args(args).env("TWOFOLD_DATA_DIR", dir).env_remove("WAYLAND_DISPLAY").stdin(Stdio::null());
    match display {
        Some(display) => command.env("DISPLAY", display),
        None => command.env_remove("DISPLAY"),
    };
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The codes of `base32` around now: the code printed must be one of them.
fn codes_now(base32: &str) -> Vec<String> {
    let secret = Secret::from_base32(base32).unwrap();
    (now().saturating_sub(3)..=now() + 1).map(|t| common::oathtool_code(&secret, &Otp::default(), t)).collect()
}

fn link(issuer: &str, name: &str, secret: &str) -> String {
    format!("otpauth://totp/{issuer}:{name}?secret={secret}&issuer={issuer}")
}

/// Adds the three accounts the tests look for, with no app running.
fn three_accounts(data: &Path) {
    let links =
        [link("GitHub", "alice", GITHUB_ALICE), link("GitHub", "bob", GITHUB_BOB), link("GitLab", "me", GITLAB)];
    let added = twofold(data, None, &["add", &links[0], &links[1], &links[2]]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert_eq!(text(&added.stdout).trim(), "3 accounts were added to Twofold.");
}

/// Checks what `list`, `code` and its refusals print, whoever answers.
fn the_commands_answer(data: &Path, display: Option<&str>) {
    let listed = twofold(data, display, &["list", "--json"]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let accounts: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let names: Vec<&str> = accounts.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alice", "bob", "me"]);
    assert!(!text(&listed.stdout).contains(GITLAB), "no secret is printed");

    let code = twofold(data, display, &["code", "gitl"]);
    assert!(code.status.success(), "{}", text(&code.stderr));
    let printed = text(&code.stdout).trim().to_owned();
    assert!(codes_now(GITLAB).contains(&printed), "GitLab's code is {printed:?}, not oathtool's");

    let several = twofold(data, display, &["code", "github"]);
    assert_eq!(several.status.code(), Some(2), "several accounts match");
    let said = text(&several.stderr);
    assert!(said.contains("“github” matches several accounts") && said.contains("GitHub (alice)"), "{said}");
    assert!(said.contains("GitHub (bob)"), "{said}");

    let first = twofold(data, display, &["code", "github", "--first", "--json"]);
    let answer: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(answer["account"]["name"], "alice");
    assert!(codes_now(GITHUB_ALICE).contains(&answer["code"].as_str().unwrap().to_owned()));

    let none = twofold(data, display, &["code", "dropbox"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(
        text(&none.stderr).trim(),
        "twofold: No account matches “dropbox”. List your accounts with: twofold list"
    );
}

#[test]
fn with_no_app_running_the_commands_open_the_vault_through_the_keychain() {
    if !can_run() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let missing = twofold(&data, None, &["list"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("No vault was found"), "{}", text(&missing.stderr));
    three_accounts(&data);
    the_commands_answer(&data, None);
    let again = twofold(&data, None, &["add", &link("GitLab", "me", GITLAB)]);
    assert_eq!(text(&again.stdout).trim(), "0 accounts were added to Twofold.\n1 was already in Twofold: GitLab (me).");

    // A picture of a QR code, and the QR code on the screen, as a browser showing a set-up page shows it.
    let picture = home.path().join("code.png");
    common::render_qr(&link("Dropbox", "me", "KRUGS4ZANFZSAYJA"), 8).save(&picture).unwrap();
    let from_picture = twofold(&data, None, &["add", "--image", picture.to_str().unwrap()]);
    assert_eq!(text(&from_picture.stdout).trim(), "1 account was added to Twofold.", "{}", text(&from_picture.stderr));
    let Some(xvfb) = common::Xvfb::start_with("display") else { return };
    common::render_qr(&link("Slack", "erin", "KRUGS4ZANFZSAYJANZSXOIDTMVRXEZLU"), 8).save(&picture).unwrap();
    let _viewer = common::Reaper(
        Command::new("display")
            .args(["-geometry", "+200+150"])
            .arg(&picture)
            .env("DISPLAY", &xvfb.display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut from_screen = twofold(&data, Some(&xvfb.display), &["add", "--screen"]);
    for _ in 0..40 {
        if from_screen.status.success() {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
        from_screen = twofold(&data, Some(&xvfb.display), &["add", "--screen"]);
    }
    assert_eq!(text(&from_screen.stdout).trim(), "1 account was added to Twofold.", "{}", text(&from_screen.stderr));
    let listed = text(&twofold(&data, None, &["list"]).stdout);
    assert!(listed.contains("Dropbox (me)") && listed.contains("Slack (erin)"), "{listed}");
}

/// One app at a time: a second one in the same session hands over to the first and ends.
static ONE_APP: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The app, started on its own display with its vault in `data`, once it listens for commands.
fn app(xvfb: &common::Xvfb, data: &Path, answer_delay_ms: Option<u64>) -> common::Reaper {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twofold"));
    command
        .env("DISPLAY", &xvfb.display)
        .env("TWOFOLD_DATA_DIR", data)
        .env_remove("WAYLAND_DISPLAY")
        .env("NO_AT_BRIDGE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(ms) = answer_delay_ms {
        command.env("TWOFOLD_TEST_ANSWER_DELAY_MS", ms.to_string());
    }
    let app = common::Reaper(command.spawn().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    // Listening, and holding the vault: a command run now goes through the socket.
    while !(data.join("twofold.sock").exists() && twofold::vault::Vault::status(&data.join("vault.json")).is_ok()) {
        assert!(Instant::now() < deadline, "the app did not listen for commands");
        std::thread::sleep(Duration::from_millis(100));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while twofold(data, None, &["list"]).status.code() != Some(0) {
        assert!(Instant::now() < deadline, "the app did not open the vault");
        std::thread::sleep(Duration::from_millis(200));
    }
    app
}

/// The app running on its own display with the three accounts, and the test's turn to run one.
struct Beside {
    _turn: std::sync::MutexGuard<'static, ()>,
    xvfb: common::Xvfb,
    home: tempfile::TempDir,
    data: PathBuf,
    app: common::Reaper,
}

impl Beside {
    /// `None` when a tool is missing (a note says which), outside strict mode.
    fn start(answer_delay_ms: Option<u64>) -> Option<Beside> {
        let turn = ONE_APP.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let xvfb = common::Xvfb::start_with("xclip")?;
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        three_accounts(&data);
        let app = app(&xvfb, &data, answer_delay_ms);
        Some(Beside { _turn: turn, xvfb, home, data, app })
    }
}

fn clipboard(display: &str) -> String {
    let out = Command::new("xclip")
        .args(["-display", display, "-selection", "clipboard", "-o"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    text(&out.stdout)
}

#[test]
fn beside_the_running_app_the_commands_ask_it_and_several_at_once_are_each_answered() {
    if !can_run() {
        return;
    }
    let Some(beside) = Beside::start(None) else { return };
    let (xvfb, home, data) = (&beside.xvfb, &beside.home, beside.data.clone());

    // The app holds the vault: opening it here would fail, so every answer below came through the socket.
    assert!(matches!(
        twofold::vault::Vault::open(
            &data.join("vault.json"),
            twofold::vault::Unlock::Keychain(&twofold::vault::OsKeychain)
        ),
        Err(twofold::vault::VaultError::InUse)
    ));
    the_commands_answer(&data, Some(&xvfb.display));

    // An account added from the shell reaches the app's vault; its code is copied by the app.
    let added = twofold(&data, None, &["add", &link("Dropbox", "me", "KRUGS4ZANFZSAYJA")]);
    assert_eq!(text(&added.stdout).trim(), "1 account was added to Twofold.", "{}", text(&added.stderr));
    let copied = twofold(&data, None, &["code", "drop", "--copy"]);
    assert!(copied.status.success(), "{}", text(&copied.stderr));
    assert!(text(&copied.stderr).contains("Copied the code of Dropbox (me); the clipboard clears in 30 s."));
    let printed = text(&copied.stdout).trim().to_owned();
    assert_eq!(clipboard(&xvfb.display), printed, "the app put the code printed on the clipboard");
    assert!(codes_now("KRUGS4ZANFZSAYJA").contains(&printed));

    // Import, export and backup go through the app too.
    let import = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/import/authpro_plain.authpro");
    let imported = twofold(&data, None, &["import", import.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(text(&imported.stdout).contains("were added to Twofold"), "{}", text(&imported.stdout));
    let exported = home.path().join("links.txt");
    let export = twofold(&data, None, &["export", "--format", "otpauth", "--output", exported.to_str().unwrap()]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    assert!(std::fs::read_to_string(&exported).unwrap().contains("secret=KRUGS4ZANFZSAYJA"), "the app wrote it");
    let folder = home.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let backup = twofold(&data, None, &["backup", "now", "--folder", folder.to_str().unwrap()]);
    assert_eq!(backup.status.code(), Some(1));
    assert!(text(&backup.stderr).contains("Set a recovery password"), "{}", text(&backup.stderr));

    // Two commands at once: each gets its own answer.
    let at_once: Vec<_> = ["gitl", "drop"]
        .into_iter()
        .map(|query| {
            let data = data.clone();
            std::thread::spawn(move || twofold(&data, None, &["code", query]))
        })
        .collect();
    let answers: Vec<String> = at_once.into_iter().map(|t| text(&t.join().unwrap().stdout).trim().to_owned()).collect();
    assert!(codes_now(GITLAB).contains(&answers[0]), "{answers:?}");
    assert!(codes_now("KRUGS4ZANFZSAYJA").contains(&answers[1]), "{answers:?}");
}

#[test]
fn a_command_whose_app_quits_before_answering_opens_the_vault_itself() {
    if !can_run() {
        return;
    }
    // The app takes two seconds over each answer (a debug build's test setting), and is ended meanwhile.
    let Some(mut beside) = Beside::start(Some(2000)) else { return };
    let (data, app) = (beside.data.clone(), &mut beside.app);
    let asked = {
        let data = data.clone();
        std::thread::spawn(move || twofold(&data, None, &["code", "gitl"]))
    };
    std::thread::sleep(Duration::from_millis(700));
    Command::new("kill").arg(app.0.id().to_string()).status().unwrap();
    app.0.wait().unwrap();
    let answered = asked.join().unwrap();
    assert!(answered.status.success(), "{}", text(&answered.stderr));
    assert!(codes_now(GITLAB).contains(&text(&answered.stdout).trim().to_owned()));
}
