//! The window shows Twofold's own pages and nothing else: a navigation anywhere else (a link in a name, a page
//! that was tampered with) is refused, so that no other site ever runs beside the commands. Twofold's page has no
//! link to follow; a request to open a new window is refused by the webview itself, which is given no handler for
//! it.

use tauri::plugin::TauriPlugin;
use tauri::{Runtime, Url};

/// A plugin that refuses every navigation away from the app's own pages, in every webview.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard").on_navigation(|_webview, url| is_own(url)).build()
}

/// Whether `url` is one of the app's own pages: `tauri://localhost/…` (Linux and macOS) or
/// `http(s)://tauri.localhost/…` (Windows).
pub fn is_own(url: &Url) -> bool {
    matches!((url.scheme(), url.host_str()), ("tauri", Some("localhost")) | ("http" | "https", Some("tauri.localhost")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        for own in ["tauri://localhost/index.html", "tauri://localhost/", "http://tauri.localhost/index.html"] {
            assert!(is_own(&Url::parse(own).unwrap()), "{own}");
        }
        for other in [
            "https://example.com/",
            "http://localhost:1430/",
            "file:///etc/passwd",
            "tauri://example.com/",
            "https://tauri.localhost.example.com/",
            "data:text/html,<script>alert(1)</script>",
            "javascript:alert(1)",
        ] {
            assert!(!is_own(&Url::parse(other).unwrap()), "{other}");
        }
    }
}
