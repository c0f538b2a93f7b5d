//! The palette's shortcut on Wayland, through the desktop portal's GlobalShortcuts interface
//! (<https://flatpak.github.io/xdg-desktop-portal/docs/doc-org.freedesktop.portal.GlobalShortcuts.html>), as KDE
//! Plasma and GNOME offer it. Twofold asks for one shortcut, "quick-copy", with the combination in the settings as
//! the one it would like; the desktop may ask the user, and has the last word on the keys. What it says they are is
//! shown in the settings. A desktop without the interface gets the sentence of
//! [`ShortcutError::Unavailable`].

use ashpd::desktop::global_shortcuts::{GlobalShortcuts, NewShortcut};
use ashpd::desktop::{ResponseError, Session};
use futures_util::StreamExt;
use tauri::async_runtime::{JoinHandle, Mutex};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{Code, Modifiers, Shortcut};

use crate::error::ShortcutError;

/// The id of the one shortcut Twofold binds, as the desktop lists it.
const QUICK_COPY: &str = "quick-copy";

/// The shortcut bound through the portal now, if any: managed app state.
#[derive(Default)]
pub struct PortalShortcut(Mutex<Option<Bound>>);

/// A session with the portal, and the task that opens the palette on its signal.
struct Bound {
    session: Session<GlobalShortcuts>,
    listener: JoinHandle<()>,
}

/// Ends the session bound before, if any, then binds `wanted` (the parsed shortcut and its text) in a new one.
/// Returns the keys as the desktop describes them, when it says.
pub async fn bind<R: Runtime>(app: &AppHandle<R>, wanted: Option<Shortcut>) -> Result<Option<String>, ShortcutError> {
    let state = app.state::<PortalShortcut>();
    let mut bound = state.0.lock().await;
    if let Some(before) = bound.take() {
        before.listener.abort();
        // A session the desktop already ended is as good as closed.
        let _ = before.session.close().await;
    }
    let Some(wanted) = wanted else { return Ok(None) };
    let portal = GlobalShortcuts::new().await.map_err(unavailable)?;
    let session = portal.create_session(Default::default()).await.map_err(unavailable)?;
    let activated = portal.receive_activated().await.map_err(failed)?;
    let trigger = trigger(&wanted);
    let shortcut =
        NewShortcut::new(QUICK_COPY, "Open the Twofold quick-copy palette").preferred_trigger(trigger.as_deref());
    let answer = portal.bind_shortcuts(&session, &[shortcut], None, Default::default()).await.map_err(failed)?;
    let bound_now = match answer.response() {
        Ok(bound_now) => bound_now,
        Err(problem) => {
            let _ = session.close().await;
            return Err(refused(problem));
        }
    };
    let described = bound_now
        .shortcuts()
        .iter()
        .find(|shortcut| shortcut.id() == QUICK_COPY)
        .map(|shortcut| shortcut.trigger_description().to_owned())
        .filter(|text| !text.is_empty());
    let app = app.clone();
    let listener = tauri::async_runtime::spawn(async move {
        let mut activated = activated;
        while let Some(signal) = activated.next().await {
            if signal.shortcut_id() == QUICK_COPY {
                crate::palette::open(&app);
            }
        }
    });
    *bound = Some(Bound { session, listener });
    Ok(described)
}

/// The shortcut as the XDG shortcuts specification writes it (`CTRL+SHIFT+space`), for the desktop to offer first;
/// `None` for a key this does not name, which leaves the choice to the desktop.
fn trigger(shortcut: &Shortcut) -> Option<String> {
    let key = key_name(shortcut.key)?;
    let mut parts: Vec<String> = [
        (Modifiers::CONTROL, "CTRL"),
        (Modifiers::ALT, "ALT"),
        (Modifiers::SHIFT, "SHIFT"),
        (Modifiers::SUPER, "LOGO"),
    ]
    .into_iter()
    .filter(|(modifier, _)| shortcut.mods.contains(*modifier))
    .map(|(_, name)| name.to_owned())
    .collect();
    parts.push(key);
    Some(parts.join("+"))
}

/// The X keysym name of a key (`a`, `5`, `F5`, `space`, `Return`).
fn key_name(code: Code) -> Option<String> {
    let text = code.to_string();
    if let Some(letter) = text.strip_prefix("Key") {
        return Some(letter.to_lowercase());
    }
    if let Some(digit) = text.strip_prefix("Digit") {
        return Some(digit.to_owned());
    }
    if text.len() > 1 && text.starts_with('F') && text[1..].chars().all(|c| c.is_ascii_digit()) {
        return Some(text);
    }
    let name = match code {
        Code::Space => "space",
        Code::Enter => "Return",
        Code::Tab => "Tab",
        Code::Backspace => "BackSpace",
        Code::Insert => "Insert",
        Code::Delete => "Delete",
        Code::Home => "Home",
        Code::End => "End",
        Code::PageUp => "Prior",
        Code::PageDown => "Next",
        Code::ArrowUp => "Up",
        Code::ArrowDown => "Down",
        Code::ArrowLeft => "Left",
        Code::ArrowRight => "Right",
        Code::Minus => "minus",
        Code::Equal => "equal",
        Code::Comma => "comma",
        Code::Period => "period",
        Code::Slash => "slash",
        Code::Backslash => "backslash",
        Code::Semicolon => "semicolon",
        Code::Quote => "apostrophe",
        Code::Backquote => "grave",
        Code::BracketLeft => "bracketleft",
        Code::BracketRight => "bracketright",
        _ => return None,
    };
    Some(name.to_owned())
}

/// No portal, or one without the interface: the desktop offers no way to set a shortcut.
fn unavailable(problem: ashpd::Error) -> ShortcutError {
    match problem {
        ashpd::Error::PortalNotFound(_) | ashpd::Error::Zbus(_) => ShortcutError::Unavailable,
        other => failed(other),
    }
}

/// The user (or the desktop) said no to the shortcut.
fn refused(problem: ashpd::Error) -> ShortcutError {
    match problem {
        ashpd::Error::Response(ResponseError::Cancelled) => ShortcutError::Declined,
        other => failed(other),
    }
}

fn failed(problem: ashpd::Error) -> ShortcutError {
    ShortcutError::Failed(problem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xdg(text: &str) -> Option<String> {
        trigger(&text.parse().expect("a shortcut"))
    }

    #[test]
    fn the_wanted_shortcut_is_offered_in_the_xdg_shortcuts_notation() {
        assert_eq!(xdg("Ctrl+Shift+Space").as_deref(), Some("CTRL+SHIFT+space"));
        assert_eq!(xdg("Super+Alt+K").as_deref(), Some("ALT+LOGO+k"));
        assert_eq!(xdg("Ctrl+F5").as_deref(), Some("CTRL+F5"));
        assert_eq!(xdg("Ctrl+7").as_deref(), Some("CTRL+7"));
        assert_eq!(xdg("Alt+Enter").as_deref(), Some("ALT+Return"));
        assert_eq!(xdg("Ctrl+Backquote").as_deref(), Some("CTRL+grave"));
    }

    #[test]
    fn a_key_without_an_xdg_name_leaves_the_choice_to_the_desktop() {
        assert_eq!(xdg("Ctrl+NumpadAdd"), None);
    }
}
