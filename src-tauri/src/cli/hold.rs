//! Copying a code from the command line. On X11 and Wayland the clipboard is served by the program that copied,
//! so a command that ends would take its code with it: the copy is made by a second process of this program
//! (`twofold hold-clipboard`, not for users), which serves the code until the clear delay has passed (and clears it
//! if it is still there) or, with no delay, until something else is copied. The code reaches it through a pipe,
//! never on its command line, where other users could read it.

use std::io::{BufRead, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use twofold::clipboard::CodeClipboard;
use twofold::ipc::CopyFailed;
use zeroize::Zeroizing;

/// The hidden command that serves a copy.
pub const HOLD: &str = "hold-clipboard";

/// Said by the holder once the code is on the clipboard.
const READY: &str = "copied";

/// Puts `code` on the clipboard through a holder process, cleared after `clear_after` seconds if still there;
/// returns once it is on the clipboard.
pub fn copy_in_background(code: &str, clear_after: Option<u32>) -> Result<(), CopyFailed> {
    let failed = |reason: String| CopyFailed(format!("The code could not be copied ({reason}). Type it instead."));
    let program = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
    let mut command = Command::new(program);
    command.arg(HOLD).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
    if let Some(seconds) = clear_after {
        command.args(["--clear-after", &seconds.to_string()]);
    }
    // Its own process group: closing the terminal the command ran in does not end the holder.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut holder = command.spawn().map_err(|e| failed(e.to_string()))?;
    let mut stdin = holder.stdin.take().ok_or_else(|| failed("no pipe to the holder".into()))?;
    stdin.write_all(format!("{code}\n").as_bytes()).map_err(|e| failed(e.to_string()))?;
    drop(stdin);
    let mut said = String::new();
    let stdout = holder.stdout.take().ok_or_else(|| failed("no pipe from the holder".into()))?;
    std::io::BufReader::new(stdout).read_line(&mut said).map_err(|e| failed(e.to_string()))?;
    if said.trim() == READY {
        Ok(())
    } else {
        let _ = holder.wait();
        Err(failed("the clipboard cannot be reached".into()))
    }
}

/// The holder: reads the code from standard input, copies it, says so, and serves it as long as it should.
/// Returns the exit status.
pub fn hold(clear_after: Option<u32>) -> i32 {
    let mut code = Zeroizing::new(String::new());
    if std::io::stdin().lock().take(64).read_line(&mut code).is_err() {
        return 1;
    }
    let code = Zeroizing::new(code.trim().to_owned());
    let Ok(clipboard) = CodeClipboard::new() else { return 1 };
    let delay = clear_after.map(|s| Duration::from_secs(u64::from(s)));
    if clipboard.copy(&code, delay).is_err() {
        return 1;
    }
    println!("{READY}");
    let _ = std::io::stdout().flush();
    match delay {
        // The copy's own timer clears it; a moment more lets it finish.
        Some(delay) => std::thread::sleep(delay + Duration::from_millis(500)),
        None => {
            while clipboard.holds(&code) {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
    0
}
