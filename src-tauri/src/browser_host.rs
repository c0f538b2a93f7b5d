//! `twofold` as the browser's native-messaging host. The browser starts the program with the extension's identity
//! in its arguments (`chrome-extension://ID/`, or Firefox's manifest path and the extension's id) and talks to it
//! in length-prefixed JSON frames on standard input and output ([`twofold::browser::native`]). The host only
//! relays: each message of the extension goes to the running app through its socket, with the extension's id as
//! the browser gave it, and the app's answer goes back as it is. With no app running, the host starts it and waits
//! for its socket. Nothing else is written to standard output: it is the browser's pipe.

use std::ffi::OsString;
use std::io::Write;
use std::time::{Duration, Instant};

use twofold::browser::hosts::EXTENSIONS;
use twofold::browser::messages::{BrowserErrorKind, FromExtension, ToExtension};
use twofold::browser::native::{self, Caller, NativeError};
use twofold::ipc::socket::{self, Endpoint};
use twofold::ipc::{Answer, Request};

/// How long the host waits for an app it started to listen.
const START_PATIENCE: Duration = Duration::from_secs(20);

/// The extension that started the program as its host, if a browser did.
pub fn caller(args: &[OsString]) -> Option<Caller> {
    let args: Vec<&str> = args.iter().skip(1).map(|a| a.to_str()).collect::<Option<_>>()?;
    Caller::from_args(&args)
}

/// Relays the extension's messages until the browser closes the pipe; returns the exit status.
pub fn run(caller: &Caller) -> i32 {
    if !EXTENSIONS.contains(&caller.id()) {
        // The browser starts the host only for the extensions its manifest names; this one is not Twofold's.
        return 1;
    }
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    loop {
        let answer = match native::read_message::<FromExtension>(&mut input) {
            Ok(None) => return 0,
            Ok(Some(message)) => relay(caller, message),
            // A frame that is not a message Twofold knows: said, and the next one is read.
            Err(NativeError::NotUnderstood(reason)) => ToExtension::Error {
                kind: BrowserErrorKind::BadMessage,
                message: format!("Twofold could not read the extension's message ({reason}). Update the extension."),
            },
            Err(_) => return 1,
        };
        if native::write_message(&mut output, &answer).is_err() || output.flush().is_err() {
            return 1;
        }
    }
}

/// Asks the app, starting it first when none runs.
fn relay(caller: &Caller, message: FromExtension) -> ToExtension {
    let not_running = |why: &str| ToExtension::Error { kind: BrowserErrorKind::NotRunning, message: why.to_owned() };
    let Some(endpoint) = Endpoint::for_user() else {
        return not_running("Twofold cannot find where its app listens on this system.");
    };
    let request = Request::Browser { extension: caller.id().to_owned(), message };
    let mut started: Option<Instant> = None;
    loop {
        match socket::call(&endpoint, &request) {
            Ok(Some(Answer::Browser { message })) => return message,
            Ok(Some(Answer::Error { message, .. })) => {
                return ToExtension::Error { kind: BrowserErrorKind::BadMessage, message };
            }
            Ok(Some(_)) => return not_running("Twofold answered something else than was asked. Update Twofold."),
            Err(problem) => return not_running(&format!("{problem} Start Twofold, then try again.")),
            Ok(None) => match started {
                None => {
                    if start_app().is_err() {
                        return not_running(
                            "Twofold is not running, and could not be started. Start it, then try again.",
                        );
                    }
                    started = Some(Instant::now());
                }
                Some(at) if at.elapsed() > START_PATIENCE => {
                    return not_running("Twofold was started but did not answer. Open it, then try again.");
                }
                Some(_) => std::thread::sleep(Duration::from_millis(100)),
            },
        }
    }
}

/// Starts the app, as the user would, with nothing of the browser's pipe.
fn start_app() -> std::io::Result<()> {
    let program = std::env::current_exe()?;
    std::process::Command::new(program)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
}
