//! The per-user local socket the running app listens on: a Unix socket in `$XDG_RUNTIME_DIR` (else the data
//! folder, both private to the user) with mode 0600 on Linux and the BSDs, in the user's own temporary folder on
//! macOS; a named pipe named after the user, with an access list that admits its owner only, on Windows. (On
//! Windows the data folder's override does not move the pipe.) One
//! request and one answer per connection, each a line of JSON ([`super::protocol`]).

use std::io::{BufRead, BufReader, Read, Write};
#[cfg(unix)]
use std::path::PathBuf;
use std::sync::Arc;

use interprocess::local_socket::prelude::*;
use interprocess::local_socket::{ListenerOptions, Name, Stream};

use super::protocol::{self, Answer, Envelope, MAX_MESSAGE, Request, VERSION};

/// Where this user's app listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    #[cfg(unix)]
    path: PathBuf,
    #[cfg(windows)]
    pipe: String,
}

/// The socket file's name on Unix.
#[cfg(unix)]
const FILE_NAME: &str = "twofold.sock";

impl Endpoint {
    /// This user's endpoint; `None` when no private place for it is known (no runtime folder and no home). With
    /// the data folder overridden (`TWOFOLD_DATA_DIR`), it is in that folder: another folder is another vault,
    /// held by another app.
    pub fn for_user() -> Option<Endpoint> {
        #[cfg(unix)]
        if let Some(dir) = std::env::var_os(crate::paths::DATA_DIR_ENV).filter(|dir| !dir.is_empty()) {
            return Some(Endpoint { path: PathBuf::from(dir).join(FILE_NAME) });
        }
        #[cfg(target_os = "macos")]
        let folder = Some(std::env::temp_dir());
        #[cfg(all(unix, not(target_os = "macos")))]
        let folder = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|dir| dir.is_absolute())
            .or_else(crate::paths::data_dir);
        #[cfg(unix)]
        return folder.map(|folder| Endpoint { path: folder.join(FILE_NAME) });
        #[cfg(windows)]
        {
            let user = std::env::var("USERNAME").ok()?;
            let user: String = user.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
            Some(Endpoint { pipe: format!("twofold-{user}") })
        }
    }

    /// A socket at `path`, for tests.
    #[cfg(unix)]
    pub fn at(path: PathBuf) -> Endpoint {
        Endpoint { path }
    }

    /// Where it is, for messages: the socket's path, or the pipe's name.
    pub fn describe(&self) -> String {
        #[cfg(unix)]
        return self.path.display().to_string();
        #[cfg(windows)]
        return format!(r"\\.\pipe\{}", self.pipe);
    }

    fn name(&self) -> std::io::Result<Name<'_>> {
        #[cfg(unix)]
        return self.path.as_path().to_fs_name::<interprocess::local_socket::GenericFilePath>();
        #[cfg(windows)]
        return self.pipe.as_str().to_ns_name::<interprocess::local_socket::GenericNamespaced>();
    }
}

/// Why a request did not get an answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The app took the request, then went away without answering (it quit).
    #[error("Twofold quit before it answered.")]
    Interrupted,
    /// Talking to the app failed.
    #[error("Twofold could not be asked through {endpoint} ({reason}).")]
    Io {
        /// Where.
        endpoint: String,
        /// What the system said.
        reason: String,
    },
    /// The app's answer could not be read.
    #[error(
        "The running Twofold answered something this command cannot read ({0}). Quit Twofold and start it again, so that both are the same version."
    )]
    Unreadable(String),
}

/// Asks the app at `endpoint`. `Ok(None)`: no app can be reached there.
pub fn call(endpoint: &Endpoint, request: &Request) -> Result<Option<Answer>, CallError> {
    let io = |e: std::io::Error| CallError::Io { endpoint: endpoint.describe(), reason: e.to_string() };
    // Nobody to connect to, whatever the reason (no socket, one left by an app that crashed, a path too long for a
    // socket, which no app could have listened on either): the caller goes on without an app. An app that does
    // hold the vault is then met as the vault's lock, with its own sentence.
    let Ok(stream) = endpoint.name().and_then(Stream::connect) else { return Ok(None) };
    let mut line = serde_json::to_vec(&Envelope::new(request)).map_err(|e| CallError::Unreadable(e.to_string()))?;
    line.push(b'\n');
    (&stream).write_all(&line).map_err(io)?;
    (&stream).flush().map_err(io)?;
    let answer = match read_line(&stream) {
        Ok(Some(answer)) => answer,
        Ok(None) => return Err(CallError::Interrupted),
        Err(e) if is_gone(&e) => return Err(CallError::Interrupted),
        Err(e) => return Err(io(e)),
    };
    #[derive(serde::Deserialize)]
    struct Version {
        version: u32,
    }
    let version: Version = serde_json::from_slice(&answer).map_err(|e| CallError::Unreadable(e.to_string()))?;
    if version.version != VERSION {
        return Ok(Some(protocol::version_mismatch(version.version).into()));
    }
    let envelope: Envelope<Answer> =
        serde_json::from_slice(&answer).map_err(|e| CallError::Unreadable(e.to_string()))?;
    Ok(Some(envelope.body))
}

/// The other side went away.
fn is_gone(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(error.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::UnexpectedEof)
}

/// Reads one line (without its newline), at most [`MAX_MESSAGE`] bytes; `None` at the end of the stream.
fn read_line(stream: &Stream) -> std::io::Result<Option<Vec<u8>>> {
    let mut reader = BufReader::new(stream.take(MAX_MESSAGE as u64 + 1));
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return if line.len() > MAX_MESSAGE {
            Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "the message is too long"))
        } else {
            Ok(None)
        };
    }
    line.pop();
    Ok(Some(line))
}

/// The listening app's side: answers each connection on a thread of its own with `answer`, until the process ends.
#[derive(Debug)]
pub struct Server {
    endpoint: Endpoint,
}

impl Server {
    /// Where it listens.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }
}

/// Listens at `endpoint` and answers every request with `answer`, each connection on a thread of its own. A socket
/// file left by an app that crashed is replaced.
pub fn serve(
    endpoint: Endpoint,
    answer: impl Fn(Request) -> Answer + Send + Sync + 'static,
) -> std::io::Result<Server> {
    let options = ListenerOptions::new().name(endpoint.name()?).try_overwrite(true);
    #[cfg(unix)]
    let options = {
        use interprocess::os::unix::local_socket::ListenerOptionsExt;
        options.mode(0o600)
    };
    #[cfg(windows)]
    let options = {
        use interprocess::os::windows::local_socket::ListenerOptionsExt;
        use interprocess::os::windows::security_descriptor::SecurityDescriptor;
        // Full access for the pipe's owner (the user running the app), nothing for anyone else.
        let owner_only = widestring::U16CString::from_str("D:P(A;;GA;;;OW)")
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        options.security_descriptor(SecurityDescriptor::deserialize(&owner_only)?)
    };
    let listener = options.create_sync()?;
    let answer = Arc::new(answer);
    std::thread::Builder::new().name("twofold-socket".into()).spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = Arc::clone(&answer);
            let _ =
                std::thread::Builder::new().name("twofold-request".into()).spawn(move || serve_one(&stream, &*answer));
        }
    })?;
    Ok(Server { endpoint })
}

fn serve_one(stream: &Stream, answer: &dyn Fn(Request) -> Answer) {
    let reply = match read_line(stream) {
        Ok(Some(line)) => match protocol::read_request(&line) {
            Ok(request) => answer(request),
            Err(refused) => refused.into(),
        },
        _ => return,
    };
    if let Ok(mut line) = serde_json::to_vec(&Envelope::new(reply)) {
        line.push(b'\n');
        let _ = (&*stream).write_all(&line);
        let _ = (&*stream).flush();
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use super::*;
    use crate::ipc::protocol::ErrorKind;

    fn endpoint(dir: &tempfile::TempDir) -> Endpoint {
        Endpoint::at(dir.path().join(FILE_NAME))
    }

    #[test]
    fn the_app_answers_through_a_socket_only_its_user_can_open() {
        let dir = tempfile::tempdir().unwrap();
        let server = serve(endpoint(&dir), |request| match request {
            Request::List => Answer::Accounts { accounts: vec![] },
            _ => Answer::Error { kind: ErrorKind::NotFound, message: "no".into() },
        })
        .unwrap();
        let mode = std::fs::metadata(dir.path().join(FILE_NAME)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(call(server.endpoint(), &Request::List).unwrap(), Some(Answer::Accounts { accounts: vec![] }));
    }

    #[test]
    fn with_no_app_listening_the_caller_is_told_so() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(call(&endpoint(&dir), &Request::List).unwrap(), None);
        // A socket file left by an app that crashed: nobody listens.
        drop(std::os::unix::net::UnixListener::bind(dir.path().join(FILE_NAME)).unwrap());
        assert_eq!(call(&endpoint(&dir), &Request::List).unwrap(), None);
        // A new app takes its place.
        let server = serve(endpoint(&dir), |_| Answer::Accounts { accounts: vec![] }).unwrap();
        assert!(call(server.endpoint(), &Request::List).unwrap().is_some());
    }

    #[test]
    fn a_socket_path_too_long_for_any_app_means_no_app() {
        let dir = tempfile::tempdir().unwrap();
        let endpoint = Endpoint::at(dir.path().join("x".repeat(200)));
        assert!(serve(endpoint.clone(), |_| Answer::Accounts { accounts: vec![] }).is_err(), "no app could listen");
        assert_eq!(call(&endpoint, &Request::List).unwrap(), None);
    }

    #[test]
    fn requests_at_once_are_each_answered() {
        let dir = tempfile::tempdir().unwrap();
        let server = serve(endpoint(&dir), |request| {
            std::thread::sleep(Duration::from_millis(200));
            match request {
                Request::Code { query, .. } => Answer::Error { kind: ErrorKind::NotFound, message: query },
                _ => Answer::Accounts { accounts: vec![] },
            }
        })
        .unwrap();
        let callers: Vec<_> = (0..4)
            .map(|n| {
                let endpoint = server.endpoint().clone();
                std::thread::spawn(move || {
                    let request = Request::Code { query: format!("q{n}"), next: false, first: false, copy: false };
                    call(&endpoint, &request).unwrap()
                })
            })
            .collect();
        for (n, caller) in callers.into_iter().enumerate() {
            let Some(Answer::Error { message, .. }) = caller.join().unwrap() else { panic!() };
            assert_eq!(message, format!("q{n}"));
        }
    }

    #[test]
    fn an_app_that_goes_away_before_answering_is_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let quitter = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap();
            line
        });
        assert!(matches!(call(&Endpoint::at(path), &Request::List), Err(CallError::Interrupted)));
        assert_eq!(quitter.join().unwrap(), "{\"version\":1,\"type\":\"list\"}\n", "the request went out whole");
    }

    #[test]
    fn a_request_of_another_version_gets_the_version_error() {
        let dir = tempfile::tempdir().unwrap();
        let server = serve(endpoint(&dir), |_| Answer::Accounts { accounts: vec![] }).unwrap();
        let stream = Stream::connect(server.endpoint().name().unwrap()).unwrap();
        (&stream).write_all(b"{\"version\":99,\"type\":\"list\"}\n").unwrap();
        let answer = read_line(&stream).unwrap().unwrap();
        let envelope: Envelope<Answer> = serde_json::from_slice(&answer).unwrap();
        assert!(matches!(envelope.body, Answer::Error { kind: ErrorKind::Version, .. }), "{envelope:?}");
    }
}
