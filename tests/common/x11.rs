//! Talking to an X display as a window manager would; the tests' displays have none.

/// Sends a window the `WM_DELETE_WINDOW` message, which is how window managers ask a program to close it.
pub fn ask_to_close(display: &str, window: u32) {
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt, EventMask};

    let (connection, _) = x11rb::connect(Some(display)).expect("the display is reachable");
    let atom = |name: &[u8]| connection.intern_atom(false, name).expect("a request").reply().expect("an atom").atom;
    let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
    let message = ClientMessageEvent::new(32, window, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
    connection.send_event(false, window, EventMask::NO_EVENT, message).expect("the message is sent");
    // A round trip: once it is answered, the server has handled the message (closing the connection straight after
    // a flush could leave it unread).
    connection.get_input_focus().expect("a request").reply().expect("the display answers");
}
