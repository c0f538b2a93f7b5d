//! Helpers shared by the integration tests: the `../shared` data folder and the independent `oathtool` oracle.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use twofold::{Algorithm, Otp, Secret};

/// True when missing test data or tools must fail the test rather than skip it: in CI, or when the project's
/// test command runs (it sets `TWOFOLD_STRICT=1` after installing everything).
pub fn strict() -> bool {
    let set = |name| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    set("CI") || set("TWOFOLD_STRICT")
}

/// Reports something a test needs that is missing: a failure in strict mode, otherwise a clear note and a skip.
pub fn missing(what: &str, how: &str) -> Option<std::convert::Infallible> {
    if strict() {
        panic!("{what} is missing, and this run requires it. {how}");
    }
    eprintln!("SKIPPED: {what} is missing. {how}");
    note_did_not_run("skipped", &format!("{what} is missing"));
    None
}

/// Notes in the run's log of tests that did not run (`TWOFOLD_SKIP_LOG`, set by the test command) that the test on
/// this thread returns without testing anything, and why: the test command then reports it as skipped, or as a
/// helper, instead of as passed. `kind` is `skipped` or `helper`.
pub fn note_did_not_run(kind: &str, why: &str) {
    let Some(log) = std::env::var_os("TWOFOLD_SKIP_LOG") else { return };
    let binary = std::env::current_exe().ok().and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()));
    let binary = binary.as_deref().and_then(|b| b.rsplit_once('-')).map_or("?", |(name, _hash)| name).to_owned();
    let test = std::thread::current().name().unwrap_or("?").to_owned();
    let line = format!("{kind}\t{binary}::{test}\t{why}\n");
    let file = std::fs::OpenOptions::new().create(true).append(true).open(&log);
    if let Err(problem) = file.and_then(|mut f| f.write_all(line.as_bytes())) {
        panic!("could not note a test that did not run in {}: {problem}", PathBuf::from(log).display());
    }
}

/// Whether this process is another test's child (see [`child_test`]), which sets `variable`. A helper that does its
/// work only as such a child calls this first: run on its own, it notes that it is a helper, not a test that passed.
pub fn run_as_child(variable: &str) -> bool {
    let child = std::env::var_os(variable).is_some();
    if !child {
        note_did_not_run("helper", "it runs only as another test's child process");
    }
    child
}

/// The `shared/` data folder beside the repository (or `$TWOFOLD_SHARED`), if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("TWOFOLD_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => {
            // Beside the repository, which is the package's own folder or, for the shell's tests, its parent.
            let package = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let repository = if package.ends_with("src-tauri") { package.join("..") } else { package };
            repository.join("../shared")
        }
    };
    if dir.is_dir() {
        return Some(dir);
    }
    // A clone without the data (a public CI runner) can say so; the tests that need it are then skipped even in
    // strict mode, with a note.
    if std::env::var_os("TWOFOLD_WITHOUT_SHARED").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!(
            "SKIPPED: the shared test data folder {} is absent and TWOFOLD_WITHOUT_SHARED is set.",
            dir.display()
        );
        note_did_not_run("skipped", "the shared test data folder is absent (TWOFOLD_WITHOUT_SHARED)");
        return None;
    }
    missing(
        &format!("The shared test data folder {}", dir.display()),
        "It holds real QR photos and other apps' exports; point TWOFOLD_SHARED at it to run these tests.",
    )
    .map(|never| match never {})
}

/// A Python that has the `cryptography` package (Debian: python3-cryptography), for the independent readers of
/// other apps' formats in `tests/tools`; `None` (a skip with a note, a failure in strict mode) without one.
pub fn python_with_cryptography() -> Option<&'static str> {
    // The system's Python first: the one Debian's package goes into, whatever other Python is first on PATH.
    let found = ["/usr/bin/python3", "python3"].into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import cryptography.hazmat.primitives.kdf.scrypt"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_some() {
        return found;
    }
    missing(
        "Python's cryptography package",
        "Install it (apt-get install python3-cryptography) or run the README's test command.",
    )
    .map(|never| match never {})
}

/// Whether `oathtool` can be run.
pub fn have_oathtool() -> bool {
    let found = Command::new("oathtool").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    found || missing("oathtool", "Install it (apt-get install oathtool) or run the README's test command.").is_some()
}

/// Runs `oathtool` with the key in hex on standard input (never on the command line) and returns its code.
fn run_oathtool(args: &[String], secret: &Secret) -> String {
    let mut child = Command::new("oathtool")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oathtool starts");
    let hex = data_encoding::HEXLOWER.encode(secret.expose());
    child.stdin.take().expect("stdin").write_all(hex.as_bytes()).expect("write key");
    let out = child.wait_with_output().expect("oathtool runs");
    assert!(out.status.success(), "oathtool {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

fn mode(algorithm: Algorithm) -> String {
    format!("--totp={}", algorithm.as_str())
}

/// The code oathtool computes for an account at a Unix time (HOTP uses its counter). Steam is not an oathtool
/// mode: for Steam accounts use [`python_steam_code`].
pub fn oathtool_code(secret: &Secret, otp: &Otp, unix_time: u64) -> String {
    let args: Vec<String> = match *otp {
        Otp::Totp { algorithm, digits, period } => vec![
            mode(algorithm),
            format!("--digits={}", digits.get()),
            format!("--time-step-size={}s", period.seconds()),
            format!("--now=@{unix_time}"),
        ],
        // oathtool's --hotp mode is SHA1-only; other hashes use TOTP with a 1 s step at t = counter, which is
        // HOTP by RFC 6238's definition.
        Otp::Hotp { algorithm: Algorithm::Sha1, digits, counter } => {
            vec!["--hotp".into(), format!("--digits={}", digits.get()), format!("--counter={counter}")]
        }
        Otp::Hotp { algorithm, digits, counter } => vec![
            mode(algorithm),
            format!("--digits={}", digits.get()),
            "--time-step-size=1s".into(),
            format!("--now=@{counter}"),
        ],
        Otp::Steam { .. } => panic!("oathtool has no Steam mode"),
    };
    run_oathtool(&args, secret)
}

/// Steam Guard's code computed by Python's standard library (`hmac`, `hashlib`), an implementation independent
/// of this crate's dependencies.
pub fn python_steam_code(secret: &Secret, period: u32, unix_time: u64) -> String {
    const SCRIPT: &str = r#"
import hmac, hashlib, struct, sys
key = bytes.fromhex(sys.stdin.read().strip())
step = int(sys.argv[1]) // int(sys.argv[2])
mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
offset = mac[-1] & 0x0F
value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
alphabet = "23456789BCDFGHJKMNPQRTVWXY"
code = ""
for _ in range(5):
    code += alphabet[value % len(alphabet)]
    value //= len(alphabet)
print(code)
"#;
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT, &unix_time.to_string(), &period.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let hex = data_encoding::HEXLOWER.encode(secret.expose());
    child.stdin.take().expect("stdin").write_all(hex.as_bytes()).expect("write key");
    let out = child.wait_with_output().expect("python3 runs");
    assert!(out.status.success(), "python3 failed");
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

/// Checks that the account's codes at a few times, years apart, are the oracle's; `what` names it on failure.
pub fn assert_codes_are_the_oracles(what: &str, account: &twofold::Account) {
    for time in [59, 1_111_111_109, 2_000_000_000] {
        let oracle = oracle_code(&account.secret, &account.otp, time);
        let ours = account.codes_at(time).current;
        assert_eq!(ours.as_str(), oracle, "{what}: {} at {time}", account.display_name());
    }
}

/// The independent oracle's code for any account type.
pub fn oracle_code(secret: &Secret, otp: &Otp, unix_time: u64) -> String {
    match *otp {
        Otp::Steam { period } => python_steam_code(secret, period.seconds(), unix_time),
        _ => oathtool_code(secret, otp, unix_time),
    }
}

/// Whether a program is on `PATH`.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills a child process when dropped, so a failing assertion never leaves it running.
pub struct Reaper(pub std::process::Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The window tree of an X display, with titles, as `xwininfo` prints it.
pub fn window_titles(display: &str) -> String {
    let out = Command::new("xwininfo").args(["-display", display, "-root", "-tree"]).output().expect("xwininfo runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A private X server (Xvfb) on a free display, stopped when dropped.
pub struct Xvfb {
    child: std::process::Child,
    /// The display name, e.g. `:5`.
    pub display: String,
}

impl Xvfb {
    /// Starts one, or says why it cannot (skipping the test outside strict mode).
    pub fn start() -> Option<Xvfb> {
        if !have("Xvfb") {
            missing("Xvfb", "Install xvfb (apt-get install xvfb) or run the README's test command.")
                .map(|never| match never {})?;
        }
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().expect("stdout")), &mut line)
            .expect("Xvfb reports its display");
        Some(Xvfb { child, display: format!(":{}", line.trim()) })
    }
}

impl Xvfb {
    /// Starts one for a test that also needs the program `tool` on it (xclip, ImageMagick's display…), or says
    /// what is missing (skipping the test outside strict mode).
    pub fn start_with(tool: &str) -> Option<Xvfb> {
        if !have(tool) {
            missing(tool, "The README's test command installs it.").map(|never| match never {})?;
        }
        Self::start()
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A QR code rendered with the `qrcode` crate on a white page with `margin` pixels around it, as a screen or a
/// print shows it.
pub fn render_qr(text: &str, margin: u32) -> image::GrayImage {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("the text fits in a QR code");
    let qr = code.render::<image::Luma<u8>>().quiet_zone(false).min_dimensions(300, 300).build();
    let mut page = image::GrayImage::from_pixel(qr.width() + 2 * margin, qr.height() + 2 * margin, image::Luma([255]));
    image::imageops::overlay(&mut page, &qr, i64::from(margin), i64::from(margin));
    page
}

/// The photographs under `dir` (recursively) that have a `.txt` beside them with their exact text.
pub fn photos(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(photos(&path));
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| twofold::scan::IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            && path.with_extension("txt").exists()
        {
            out.push(path);
        }
    }
    out
}

/// This test binary run again as a child that executes only the test `name` (its output not captured): for
/// tests that need another process, a killed process, or different environment variables.
pub fn child_test(name: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary's path"));
    command.args(["--exact", name, "--nocapture", "--test-threads=1"]);
    command
}

/// A D-Bus session bus with no services at all: no Secret Service, and none can be started on demand.
pub struct EmptyBus {
    daemon: std::process::Child,
    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    _dir: tempfile::TempDir,
}

impl EmptyBus {
    /// Starts one; `dbus-daemon` is installed with the test packages.
    pub fn start() -> EmptyBus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--print-address=1", "--nofork"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let mut address = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(daemon.stdout.take().unwrap()), &mut address).unwrap();
        EmptyBus { daemon, address: address.trim().to_owned(), _dir: dir }
    }
}

impl Drop for EmptyBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The camera resolutions the camera-path tests feed: what laptop webcams offer.
pub const CAMERA_SIZES: [(u32, u32); 3] = [(640, 480), (1280, 720), (1920, 1080)];

/// `rgb` as a camera at `width × height` would frame it: scaled to fit, and where the shapes differ (a 4:3 camera,
/// a 16:9 picture) the rest filled with the picture's edge rows or columns, as if the camera saw a little more of the
/// desk around it. Nothing of the picture is cut off.
pub fn camera_view(rgb: &image::RgbImage, width: u32, height: u32) -> image::RgbImage {
    let (w, h) = rgb.dimensions();
    let scale = f64::min(f64::from(width) / f64::from(w), f64::from(height) / f64::from(h));
    let (fit_w, fit_h) =
        (((f64::from(w) * scale).round() as u32).min(width), ((f64::from(h) * scale).round() as u32).min(height));
    let fitted = if (fit_w, fit_h) == (w, h) {
        rgb.clone()
    } else {
        image::imageops::resize(rgb, fit_w, fit_h, image::imageops::FilterType::Triangle)
    };
    let (left, top) = ((width - fit_w) / 2, (height - fit_h) / 2);
    image::RgbImage::from_fn(width, height, |x, y| {
        let fx = x.saturating_sub(left).min(fit_w - 1);
        let fy = y.saturating_sub(top).min(fit_h - 1);
        *fitted.get_pixel(fx, fy)
    })
}

/// The YUYV 4:2:2 buffer a webcam sends for `rgb`: BT.601 in the limited (studio) range, Y from each pixel, U and V
/// from each pair.
pub fn yuyv_buffer(rgb: &image::RgbImage) -> Vec<u8> {
    let yuv = |p: &image::Rgb<u8>| {
        let [r, g, b] = p.0.map(f32::from);
        let y = 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0;
        let u = 128.0 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0;
        let v = 128.0 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0;
        (y, u, v)
    };
    let mut out = Vec::with_capacity(rgb.as_raw().len() / 3 * 2);
    for row in rgb.rows() {
        let pixels: Vec<_> = row.collect();
        for pair in pixels.chunks(2) {
            let (y0, u0, v0) = yuv(pair[0]);
            let (y1, u1, v1) = yuv(pair.get(1).copied().unwrap_or(pair[0]));
            let byte = |x: f32| x.round().clamp(0.0, 255.0) as u8;
            out.extend([byte(y0), byte((u0 + u1) / 2.0), byte(y1), byte((v0 + v1) / 2.0)]);
        }
    }
    out
}

/// The MJPEG frame a webcam sends for `rgb`: a colour JPEG at `quality` (webcams use about 70 to 90).
pub fn mjpeg_buffer(rgb: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(rgb).expect("JPEG");
    out
}

/// How many frames a code held in view gets on the live path, in the tests of its read rate.
pub const LIVE_FRAMES: usize = 6;

/// Whether the live path reads `frame` (the text `expected`) held in view for [`LIVE_FRAMES`] frames, from a fresh
/// start.
pub fn live_reads(frame: &twofold::scan::GrayFrame, expected: &str) -> bool {
    let mut decoder = twofold::scan::Decoder::new();
    (0..LIVE_FRAMES).any(|_| decoder.decode_frame(frame).is_some_and(|d| *d.text == expected))
}
