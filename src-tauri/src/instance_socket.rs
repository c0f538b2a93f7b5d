//! One running Twofold per user on macOS: a second launch hands its arguments to the first over a Unix socket and
//! ends. The socket lives in the user's own temporary folder (`$TMPDIR`, private to the user on macOS) and is
//! private to the user itself (0600), so another local user can neither take the name first nor send it anything.
//! Linux and Windows use the single-instance plugin, whose D-Bus name (in the user's session bus) and named mutex
//! and window (in the user's logon session) are the user's own already; its macOS socket is a fixed name in the
//! shared `/tmp`, which this replaces.
//!
//! Built on every Unix so that its tests run here; only macOS uses it.
#![cfg_attr(not(target_os = "macos"), allow(dead_code))]

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// The socket's file name.
const NAME: &str = "twofold-instance.sock";

/// Where the socket of this user's Twofold is: in `folder`, normally [`std::env::temp_dir`].
pub fn path_in(folder: &Path) -> PathBuf {
    folder.join(NAME)
}

/// Becomes the running instance, or hands `args` to the one that runs. `Ok(true)`: this process is the running
/// instance, and `on_second_launch` is called (from a thread of its own) with the arguments of each later launch.
/// `Ok(false)`: another instance took the arguments; this one should end.
pub fn claim(
    socket: &Path,
    args: &[String],
    on_second_launch: impl Fn(Vec<String>) + Send + 'static,
) -> std::io::Result<bool> {
    if let Ok(mut running) = UnixStream::connect(socket) {
        running.write_all(args.join("\0").as_bytes())?;
        return Ok(false);
    }
    // Nobody answers: a socket left by an instance that crashed, or none at all.
    match std::fs::remove_file(socket) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let listener = UnixListener::bind(socket)?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut text = String::new();
            // A launch that sends nothing readable still asks for the window.
            let _ = stream.take(64 * 1024).read_to_string(&mut text);
            on_second_launch(text.split('\0').filter(|a| !a.is_empty()).map(str::to_owned).collect());
        }
    });
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_second_launch_hands_its_arguments_to_the_first_through_a_socket_only_the_user_can_use() {
        let dir = tempfile::tempdir().unwrap();
        let socket = path_in(dir.path());
        let (tx, rx) = mpsc::channel();
        assert!(claim(&socket, &["twofold".into()], move |args| tx.send(args).unwrap()).unwrap());
        assert_eq!(std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777, 0o600);

        let second = ["twofold".to_owned(), "--palette".to_owned()];
        assert!(!claim(&socket, &second, |_| panic!("the second launch does not listen")).unwrap());
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), second);
    }

    #[test]
    fn a_socket_left_by_a_crashed_instance_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let socket = path_in(dir.path());
        drop(UnixListener::bind(&socket).unwrap()); // bound, then gone: nobody listens
        assert!(claim(&socket, &[], |_| {}).unwrap());
    }
}
