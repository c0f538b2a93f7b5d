//! A stand-in for a file manager in end-to-end tests: a small GTK window that offers one file for dragging, as
//! Nautilus or Thunar do (a `text/uri-list` drag over the X drag-and-drop protocol). The test moves the pointer
//! with xdotool from this window onto the app; the program exits when the drag ends.
//!
//! Usage: `drag_source FILE X Y` shows a 120×120 window at (X, Y) on `$DISPLAY`, titled `drag source`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a developer tool: it prints its results and stops at the first problem"
)]

#[cfg(target_os = "linux")]
fn main() {
    use gtk::prelude::*;

    let mut args = std::env::args().skip(1);
    let (Some(file), Some(x), Some(y)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: drag_source FILE X Y");
        std::process::exit(2);
    };
    let path = std::fs::canonicalize(&file).unwrap_or_else(|e| panic!("{file} is readable: {e}"));
    let uri = gtk::glib::filename_to_uri(&path, None).expect("the file's path is a valid URI");
    let position = |text: String| text.parse::<i32>().unwrap_or_else(|_| panic!("{text} is a pixel position"));
    let (x, y) = (position(x), position(y));
    gtk::init().expect("GTK reaches the display in DISPLAY");

    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_title("drag source");
    window.set_default_size(120, 120);
    window.move_(x, y);
    let handle = gtk::EventBox::new();
    handle.add(&gtk::Label::new(Some("drag me")));
    let targets = [gtk::TargetEntry::new("text/uri-list", gtk::TargetFlags::OTHER_APP, 0)];
    handle.drag_source_set(gtk::gdk::ModifierType::BUTTON1_MASK, &targets, gtk::gdk::DragAction::COPY);
    handle.connect_drag_data_get(move |_, _, data, _, _| {
        data.set_uris(&[uri.as_str()]);
    });
    handle.connect_drag_end(|_, _| gtk::main_quit());
    window.add(&handle);
    window.connect_destroy(|_| gtk::main_quit());
    window.show_all();
    gtk::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("drag_source drags over X11 and runs on Linux only");
    std::process::exit(2);
}
