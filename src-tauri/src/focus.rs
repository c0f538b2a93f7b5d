//! The window that had the keyboard before the quick-copy palette opened, and giving the keyboard back to it when
//! the palette closes, so that the code copied is pasted where the user was typing.
//!
//! On X11 the window is asked of the window manager (`_NET_ACTIVE_WINDOW`), or of the X server when there is none,
//! and given back the same way. On Windows it is the foreground window. Elsewhere (Wayland, macOS) the desktop gives
//! the keyboard back by itself when the palette hides, and nothing is remembered.

/// A window of another program that had the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Previous {
    #[cfg(target_os = "linux")]
    window: u32,
    /// Whether a window manager chose it, and is asked to activate it again.
    #[cfg(target_os = "linux")]
    managed: bool,
    #[cfg(windows)]
    window: isize,
}

/// The window that has the keyboard now, if it can be known.
pub fn remember() -> Option<Previous> {
    platform::remember()
}

/// Gives the keyboard back to `previous`. A window closed meanwhile is ignored.
pub fn give_back(previous: Previous) {
    platform::give_back(previous);
}

#[cfg(target_os = "linux")]
mod platform {
    use x11rb::CURRENT_TIME;
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, InputFocus};
    use x11rb::wrapper::ConnectionExt as _;

    use super::Previous;

    /// X11 only: under Wayland (unless GTK was asked for X11) the compositor hands the keyboard back itself.
    fn connect() -> Option<(x11rb::rust_connection::RustConnection, u32)> {
        let x11 = std::env::var_os("WAYLAND_DISPLAY").is_none()
            || std::env::var("GDK_BACKEND").is_ok_and(|backend| backend.starts_with("x11"));
        if !x11 {
            return None;
        }
        let (connection, screen) = x11rb::connect(None).ok()?;
        let root = connection.setup().roots.get(screen)?.root;
        Some((connection, root))
    }

    fn active_window_atom(connection: &impl Connection) -> Option<u32> {
        Some(connection.intern_atom(false, b"_NET_ACTIVE_WINDOW").ok()?.reply().ok()?.atom)
    }

    pub fn remember() -> Option<Previous> {
        let (connection, root) = connect()?;
        let atom = active_window_atom(&connection)?;
        let managed = connection
            .get_property(false, root, atom, AtomEnum::WINDOW, 0, 1)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .and_then(|reply| reply.value32().and_then(|mut values| values.next()))
            .filter(|&window| window != 0);
        if let Some(window) = managed {
            return Some(Previous { window, managed: true });
        }
        let focus = connection.get_input_focus().ok()?.reply().ok()?.focus;
        // 0 is no window, 1 is "wherever the pointer is": neither can be given back.
        (focus > 1).then_some(Previous { window: focus, managed: false })
    }

    pub fn give_back(previous: Previous) {
        let Some((connection, root)) = connect() else { return };
        let sent = if previous.managed {
            active_window_atom(&connection).and_then(|atom| {
                // Source 2: a pager or the like, which a window manager obeys without its focus-stealing rules.
                let message = ClientMessageEvent::new(32, previous.window, atom, [2, CURRENT_TIME, 0, 0, 0]);
                let mask = EventMask::SUBSTRUCTURE_REDIRECT | EventMask::SUBSTRUCTURE_NOTIFY;
                connection.send_event(false, root, mask, message).ok()
            })
        } else {
            connection.set_input_focus(InputFocus::PARENT, previous.window, CURRENT_TIME).ok()
        };
        // Waited for, so that the request is made before the connection closes; an error (the window is gone)
        // only means there is nothing to give the keyboard back to.
        if sent.is_some() {
            let _ = connection.sync();
        }
    }
}

#[cfg(windows)]
mod platform {
    use windows_sys::Win32::UI::WindowsAndMessaging::{GetForegroundWindow, SetForegroundWindow};

    use super::Previous;

    pub fn remember() -> Option<Previous> {
        // SAFETY: GetForegroundWindow takes nothing and returns a handle or null.
        let window = unsafe { GetForegroundWindow() };
        (!window.is_null()).then_some(Previous { window: window as isize })
    }

    pub fn give_back(previous: Previous) {
        // SAFETY: SetForegroundWindow takes any window handle; one no longer valid makes it fail, harmlessly.
        unsafe {
            SetForegroundWindow(previous.window as _);
        }
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
mod platform {
    use super::Previous;

    pub fn remember() -> Option<Previous> {
        None
    }

    pub fn give_back(_previous: Previous) {}
}
