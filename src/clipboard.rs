//! Copying codes to the system clipboard, marked sensitive, and clearing them again.
//!
//! One [`CodeClipboard`] lives as long as the app: on X11 and Wayland the owning process serves the clipboard, so
//! dropping it would empty the clipboard at once. Every copy asks clipboard managers and cloud clipboards to skip
//! it (`x-kde-passwordManagerHint` on Linux, the concealed type on macOS, no monitoring or cloud sync on Windows).
//! The automatic clear only empties the clipboard if it still holds the code copied: something copied in between
//! is left alone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

/// Why the clipboard could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClipboardError {
    /// The system clipboard is unavailable.
    #[error("The clipboard cannot be used ({0}). Type the code instead.")]
    Unavailable(String),
}

struct Inner {
    clipboard: arboard::Clipboard,
    /// The code last copied and a counter that tells one copy from the next.
    last: Option<(u64, Zeroizing<String>)>,
    copies: u64,
}

/// The app's clipboard for codes.
#[derive(Clone)]
pub struct CodeClipboard {
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for CodeClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeClipboard")
    }
}

impl CodeClipboard {
    /// Connects to the system clipboard.
    pub fn new() -> Result<Self, ClipboardError> {
        let clipboard = arboard::Clipboard::new().map_err(|e| ClipboardError::Unavailable(e.to_string()))?;
        Ok(CodeClipboard { inner: Arc::new(Mutex::new(Inner { clipboard, last: None, copies: 0 })) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        crate::sync::lock(&self.inner)
    }

    /// Copies a code, marked sensitive, and clears it after `clear_after` if it is still there.
    pub fn copy(&self, code: &str, clear_after: Option<Duration>) -> Result<(), ClipboardError> {
        let generation = {
            let mut inner = self.lock();
            let set = inner.clipboard.set();
            #[cfg(all(unix, not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))))]
            let set = arboard::SetExtLinux::exclude_from_history(set);
            #[cfg(target_os = "macos")]
            let set = arboard::SetExtApple::exclude_from_history(set);
            #[cfg(windows)]
            let set = arboard::SetExtWindows::exclude_from_cloud(arboard::SetExtWindows::exclude_from_monitoring(set));
            set.text(code.to_owned()).map_err(|e| ClipboardError::Unavailable(e.to_string()))?;
            inner.copies += 1;
            let generation = inner.copies;
            inner.last = Some((generation, Zeroizing::new(code.to_owned())));
            generation
        };
        if let Some(delay) = clear_after {
            let this = self.clone();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                this.clear_copy(generation);
            });
        }
        Ok(())
    }

    /// Empties the clipboard if it still holds the code of copy `generation`.
    fn clear_copy(&self, generation: u64) {
        let mut inner = self.lock();
        let Some((last, code)) = inner.last.take() else { return };
        if last != generation {
            inner.last = Some((last, code));
            return;
        }
        let current = inner.clipboard.get_text().map(Zeroizing::new).unwrap_or_default();
        if *current == *code {
            let _ = inner.clipboard.clear();
        }
    }

    /// Whether the clipboard still holds `code` (nothing else was copied since).
    pub fn holds(&self, code: &str) -> bool {
        self.lock().clipboard.get_text().is_ok_and(|text| Zeroizing::new(text).as_str() == code)
    }

    /// Empties the clipboard if it still holds the last code copied; for quitting the app.
    pub fn clear_if_ours(&self) {
        let last = self.lock().last.as_ref().map(|(g, _)| *g);
        if let Some(generation) = last {
            self.clear_copy(generation);
        }
    }
}
