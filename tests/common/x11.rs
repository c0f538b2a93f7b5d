//! Talking to an X display: as a window manager would, on the tests' displays that have none, and reading what a
//! real one (Openbox) says of a window.
#![allow(dead_code)]

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

/// The space a window manager's frame adds around `window`: left, right, top, bottom (`_NET_FRAME_EXTENTS`).
/// Zeros when it adds none.
pub fn frame_extents(display: &str, window: u32) -> [u32; 4] {
    match property(display, window, b"_NET_FRAME_EXTENTS")[..] {
        [left, right, top, bottom] => [left, right, top, bottom],
        _ => [0; 4],
    }
}

/// Whether the window manager shows `window` in all these states (`_NET_WM_STATE_MAXIMIZED_VERT`, say).
pub fn has_states(display: &str, window: u32, names: &[&str]) -> bool {
    use x11rb::protocol::xproto::ConnectionExt;

    let (connection, _) = x11rb::connect(Some(display)).expect("the display is reachable");
    let states = property(display, window, b"_NET_WM_STATE");
    names.iter().all(|name| {
        let atom = connection.intern_atom(false, name.as_bytes()).expect("a request").reply().expect("an atom").atom;
        states.contains(&atom)
    })
}

/// A window's property of 32-bit values (cardinals or atoms); empty when it is not set.
fn property(display: &str, window: u32, name: &[u8]) -> Vec<u32> {
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt};

    let (connection, _) = x11rb::connect(Some(display)).expect("the display is reachable");
    let atom = connection.intern_atom(false, name).expect("a request").reply().expect("an atom").atom;
    let reply = connection
        .get_property(false, window, atom, AtomEnum::ANY, 0, 64)
        .expect("a request")
        .reply()
        .expect("the display answers");
    reply.value32().map(Iterator::collect).unwrap_or_default()
}

/// A window of another program, which the tests give the keyboard to before Twofold is asked for something. It
/// goes with its connection when dropped.
pub struct OtherWindow {
    _connection: x11rb::rust_connection::RustConnection,
    /// Its X window id.
    pub id: u32,
}

/// Opens a window titled `title` on `display` and gives it the keyboard, as a text editor the user types in.
pub fn open_other_window(display: &str, title: &str) -> OtherWindow {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, CreateWindowAux, InputFocus, PropMode, WindowClass};
    use x11rb::wrapper::ConnectionExt as _;

    let (connection, screen) = x11rb::connect(Some(display)).expect("the display is reachable");
    let root = connection.setup().roots[screen].root;
    let id = connection.generate_id().expect("an id");
    let aux = CreateWindowAux::new().background_pixel(0x00ff_ffff);
    connection.create_window(0, id, root, 20, 20, 400, 300, 0, WindowClass::INPUT_OUTPUT, 0, &aux).expect("a request");
    connection
        .change_property8(PropMode::REPLACE, id, AtomEnum::WM_NAME, AtomEnum::STRING, title.as_bytes())
        .expect("a request");
    connection.map_window(id).expect("a request");
    connection.set_input_focus(InputFocus::PARENT, id, x11rb::CURRENT_TIME).expect("a request");
    connection.sync().expect("the display answers");
    OtherWindow { _connection: connection, id }
}

/// The X window that has the keyboard on `display`.
pub fn focused(display: &str) -> u32 {
    use x11rb::protocol::xproto::ConnectionExt;

    let (connection, _) = x11rb::connect(Some(display)).expect("the display is reachable");
    connection.get_input_focus().expect("a request").reply().expect("the display answers").focus
}

/// A key combination taken by another program, as a desktop's own shortcut holds it; free again when dropped.
pub struct GrabbedKey {
    _connection: x11rb::rust_connection::RustConnection,
}

/// Grabs `keysym` (`0x6b` for K) with these modifiers on `display`'s root window, as another program that set
/// that shortcut would.
pub fn grab_key(display: &str, modifiers: x11rb::protocol::xproto::ModMask, keysym: u32) -> GrabbedKey {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, GrabMode};

    let (connection, screen) = x11rb::connect(Some(display)).expect("the display is reachable");
    let root = connection.setup().roots[screen].root;
    let (first, last) = (connection.setup().min_keycode, connection.setup().max_keycode);
    let map = connection.get_keyboard_mapping(first, last - first + 1).expect("a request").reply().expect("a map");
    let per = usize::from(map.keysyms_per_keycode);
    let index = map.keysyms.iter().position(|&k| k == keysym).expect("the key is on the keyboard");
    let keycode = first + u8::try_from(index / per).expect("a keycode");
    connection
        .grab_key(false, root, modifiers, keycode, GrabMode::ASYNC, GrabMode::ASYNC)
        .expect("a request")
        .check()
        .expect("the key is free");
    GrabbedKey { _connection: connection }
}

/// Gives the keyboard to `window` on `display`.
pub fn give_keyboard_to(display: &str, window: u32) {
    use x11rb::protocol::xproto::{ConnectionExt, InputFocus};

    let (connection, _) = x11rb::connect(Some(display)).expect("the display is reachable");
    connection.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME).expect("a request");
    connection.get_input_focus().expect("a request").reply().expect("the display answers");
}
