//! Where each browser looks for a native-messaging host, and the host manifest Twofold puts there so that the
//! browser can start `twofold` for the extension. Specifications:
//! <https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-location>
//! and <https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Native_manifests>.
//!
//! Per user, on Linux and macOS: a JSON file named after the host in a folder of the browser's own. (Windows reads
//! the manifest's path from the registry; the app writes those keys.)

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::fs::{DiskError, Keep};

/// The host's name, as the extension asks for it (`runtime.connectNative`).
pub const HOST_NAME: &str = "app.twofold.connector";

/// The id of Twofold's extension in Firefox (its `gecko.id`).
pub const FIREFOX_EXTENSION: &str = "connector@twofold.app";

/// The id of Twofold's extension in Chromium browsers (from its manifest's `key`).
pub const CHROMIUM_EXTENSION: &str = "iaeephlhokofkdpokoepobelmbnakmep";

/// The ids of Twofold's extension: only these may start the host.
pub const EXTENSIONS: [&str; 2] = [FIREFOX_EXTENSION, CHROMIUM_EXTENSION];

/// Whether a browser can start Twofold's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Connection {
    /// No host manifest.
    Off,
    /// The manifest is there and starts this program.
    On,
    /// A manifest is there but starts another program (Twofold moved, or another copy wrote it): "Repair" rewrites it.
    Stale,
}

/// A browser Twofold can be connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Browser {
    /// Mozilla Firefox (and Firefox ESR).
    Firefox,
    /// Google Chrome.
    Chrome,
    /// Chromium.
    Chromium,
    /// Brave.
    Brave,
    /// Microsoft Edge.
    Edge,
    /// Vivaldi.
    Vivaldi,
}

impl Browser {
    /// Every browser, in the order the settings list them.
    pub const ALL: [Browser; 6] =
        [Browser::Firefox, Browser::Chrome, Browser::Chromium, Browser::Brave, Browser::Edge, Browser::Vivaldi];

    /// Its name, for the settings.
    pub fn name(self) -> &'static str {
        match self {
            Browser::Firefox => "Firefox",
            Browser::Chrome => "Google Chrome",
            Browser::Chromium => "Chromium",
            Browser::Brave => "Brave",
            Browser::Edge => "Microsoft Edge",
            Browser::Vivaldi => "Vivaldi",
        }
    }

    /// The browser with this [`Browser::id`].
    pub fn from_id(id: &str) -> Option<Browser> {
        Browser::ALL.into_iter().find(|b| b.id() == id)
    }

    /// Whether this user has used the browser: its own folder exists under `home` (on Windows, where the registry
    /// would tell, every browser is offered).
    pub fn is_present(self, home: &Path) -> bool {
        self.profile_folder(home).is_none_or(|folder| folder.is_dir())
    }

    /// Whether the host manifest is in place under `home`, and starts `program`.
    pub fn connection(self, home: &Path, program: &Path) -> Connection {
        let Ok(Some(bytes)) = crate::fs::read_optional(&self.manifest_path(home)) else { return Connection::Off };
        let written: Option<Value> = serde_json::from_slice(&bytes).ok();
        let starts = written.as_ref().and_then(|m| m["path"].as_str()).map(PathBuf::from);
        if starts.as_deref() == Some(program) && written == Some(self.manifest(program)) {
            Connection::On
        } else {
            Connection::Stale
        }
    }

    /// Removes the host manifest under `home`, if there is one: the extension can no longer start `twofold`.
    pub fn uninstall(self, home: &Path) -> Result<(), DiskError> {
        let path = self.manifest_path(home);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(DiskError::new("remove", &path, e)),
            _ => Ok(()),
        }
    }

    fn manifest_path(self, home: &Path) -> PathBuf {
        match self.manifest_folder(home) {
            Some(folder) => folder.join(format!("{HOST_NAME}.json")),
            None => home.join(format!("{HOST_NAME}.{}.json", self.id())),
        }
    }

    /// A short name for settings and file names (`chromium`).
    pub fn id(self) -> &'static str {
        match self {
            Browser::Firefox => "firefox",
            Browser::Chrome => "chrome",
            Browser::Chromium => "chromium",
            Browser::Brave => "brave",
            Browser::Edge => "edge",
            Browser::Vivaldi => "vivaldi",
        }
    }

    /// The folder of the browser's own files for this user (`~/.config/chromium`), under `home`; it exists once
    /// the browser has been started. `None` on Windows.
    pub fn profile_folder(self, home: &Path) -> Option<PathBuf> {
        profile_folder(self, home, cfg!(target_os = "macos"), cfg!(windows))
    }

    /// The folder its per-user host manifests go in, under `home`. `None` on Windows.
    pub fn manifest_folder(self, home: &Path) -> Option<PathBuf> {
        let profile = self.profile_folder(home)?;
        Some(manifest_folder(self, &profile, cfg!(target_os = "macos")))
    }

    /// The host manifest for `program` (an absolute path), which only Twofold's extension may start. Each browser
    /// is given only the id of its own kind: one it cannot read makes it ignore the whole manifest.
    pub fn manifest(self, program: &Path) -> Value {
        let mut manifest = json!({
            "name": HOST_NAME,
            "description": "Twofold, the desktop authenticator: fills one-time codes into web pages",
            "path": program.display().to_string(),
            "type": "stdio",
        });
        let allowed = if self == Browser::Firefox {
            vec![FIREFOX_EXTENSION.to_owned()]
        } else {
            vec![format!("chrome-extension://{CHROMIUM_EXTENSION}/")]
        };
        let key = if self == Browser::Firefox { "allowed_extensions" } else { "allowed_origins" };
        manifest[key] = json!(allowed);
        manifest
    }

    /// Writes (or rewrites) the host manifest in the browser's folder under `home`, the user's home folder,
    /// atomically; returns its path. On Windows, where the registry says where the manifest is, `home` is the
    /// folder it goes in, one file per browser.
    pub fn install(self, home: &Path, program: &Path) -> Result<PathBuf, DiskError> {
        let path = self.manifest_path(home);
        crate::fs::replace_json(&path, &self.manifest(program), Keep::Nothing)?;
        Ok(path)
    }
}

fn profile_folder(browser: Browser, home: &Path, macos: bool, windows: bool) -> Option<PathBuf> {
    if windows {
        return None;
    }
    let relative = match (browser, macos) {
        (Browser::Firefox, false) => ".mozilla",
        (Browser::Chrome, false) => ".config/google-chrome",
        (Browser::Chromium, false) => ".config/chromium",
        (Browser::Brave, false) => ".config/BraveSoftware/Brave-Browser",
        (Browser::Edge, false) => ".config/microsoft-edge",
        (Browser::Vivaldi, false) => ".config/vivaldi",
        (Browser::Firefox, true) => "Library/Application Support/Mozilla",
        (Browser::Chrome, true) => "Library/Application Support/Google/Chrome",
        (Browser::Chromium, true) => "Library/Application Support/Chromium",
        (Browser::Brave, true) => "Library/Application Support/BraveSoftware/Brave-Browser",
        (Browser::Edge, true) => "Library/Application Support/Microsoft Edge",
        (Browser::Vivaldi, true) => "Library/Application Support/Vivaldi",
    };
    Some(home.join(relative))
}

fn manifest_folder(browser: Browser, profile: &Path, macos: bool) -> PathBuf {
    match (browser, macos) {
        (Browser::Firefox, false) => profile.join("native-messaging-hosts"),
        _ => profile.join("NativeMessagingHosts"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_browser_looks_in_its_own_folder_on_linux_and_macos() {
        let home = Path::new("/home/alice");
        let linux = |b| manifest_folder(b, &profile_folder(b, home, false, false).unwrap(), false);
        assert_eq!(linux(Browser::Firefox), home.join(".mozilla/native-messaging-hosts"));
        assert_eq!(linux(Browser::Chromium), home.join(".config/chromium/NativeMessagingHosts"));
        assert_eq!(linux(Browser::Chrome), home.join(".config/google-chrome/NativeMessagingHosts"));
        assert_eq!(linux(Browser::Brave), home.join(".config/BraveSoftware/Brave-Browser/NativeMessagingHosts"));
        let mac = Path::new("/Users/alice");
        let macos = |b| manifest_folder(b, &profile_folder(b, mac, true, false).unwrap(), true);
        assert_eq!(macos(Browser::Firefox), mac.join("Library/Application Support/Mozilla/NativeMessagingHosts"));
        assert_eq!(macos(Browser::Edge), mac.join("Library/Application Support/Microsoft Edge/NativeMessagingHosts"));
        assert_eq!(profile_folder(Browser::Chrome, home, false, true), None, "Windows uses the registry");
    }

    #[test]
    fn the_manifest_lets_only_twofolds_extension_start_the_host() {
        let program = Path::new("/usr/bin/twofold");
        let firefox = Browser::Firefox.manifest(program);
        assert_eq!(firefox["name"], HOST_NAME);
        assert_eq!(firefox["path"], "/usr/bin/twofold");
        assert_eq!(firefox["type"], "stdio");
        assert_eq!(firefox["allowed_extensions"], json!(["connector@twofold.app"]));
        assert!(firefox.get("allowed_origins").is_none());
        let chromium = Browser::Chromium.manifest(program);
        assert_eq!(chromium["allowed_origins"], json!(["chrome-extension://iaeephlhokofkdpokoepobelmbnakmep/"]));
        assert!(chromium.get("allowed_extensions").is_none());
    }

    #[test]
    fn installing_writes_the_manifest_where_the_browser_reads_it_and_rewrites_it() {
        let home = tempfile::tempdir().unwrap();
        let path = Browser::Chromium.install(home.path(), Path::new("/opt/twofold/twofold")).unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(path, home.path().join(".config/chromium/NativeMessagingHosts/app.twofold.connector.json"));
        }
        let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(written["path"], "/opt/twofold/twofold");
        assert_eq!(Browser::Chromium.connection(home.path(), Path::new("/usr/bin/twofold")), Connection::Stale);
        Browser::Chromium.install(home.path(), Path::new("/usr/bin/twofold")).unwrap();
        let rewritten: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(rewritten["path"], "/usr/bin/twofold", "Repair points it at the program again");
        assert_eq!(Browser::Chromium.connection(home.path(), Path::new("/usr/bin/twofold")), Connection::On);
        Browser::Chromium.uninstall(home.path()).unwrap();
        Browser::Chromium.uninstall(home.path()).unwrap();
        assert_eq!(Browser::Chromium.connection(home.path(), Path::new("/usr/bin/twofold")), Connection::Off);
    }
}
