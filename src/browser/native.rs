//! The native-messaging host's side of the browser's pipe: one JSON message per frame, each preceded by its length
//! in bytes as a 32-bit number in the machine's byte order, on standard input (from the browser) and output (to it).
//! Specifications: <https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging> and
//! <https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Native_messaging>.
//!
//! Also which extension started the host, from the arguments the browser gives it.

use std::io::{self, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The longest message a browser accepts from a host (Chromium's limit; Firefox takes more).
pub const MAX_TO_BROWSER: usize = 1024 * 1024;

/// The longest message read from the browser: requests are small, and a larger length is a broken pipe or not a
/// browser at all, refused before anything is allocated.
pub const MAX_FROM_BROWSER: usize = 64 * 1024;

/// Why a message could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum NativeError {
    /// The pipe ended inside a message.
    #[error("The browser's message was cut short.")]
    Truncated,
    /// A message longer than the limit.
    #[error("A message of {0} bytes is longer than a browser message may be.")]
    TooLong(usize),
    /// Not JSON of the expected shape.
    #[error("The browser's message is not one Twofold understands ({0}).")]
    NotUnderstood(String),
    /// The pipe itself failed.
    #[error("The connection to the browser failed ({0}).")]
    Io(#[from] io::Error),
}

/// Reads the next message; `None` when the browser closed the pipe between messages (it does so to stop the host).
pub fn read_message<T: DeserializeOwned>(input: &mut impl Read) -> Result<Option<T>, NativeError> {
    let mut length = [0u8; 4];
    let mut filled = 0;
    while filled < length.len() {
        match input.read(&mut length[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(NativeError::Truncated),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let length = u32::from_ne_bytes(length) as usize;
    if length > MAX_FROM_BROWSER {
        return Err(NativeError::TooLong(length));
    }
    let mut body = vec![0u8; length];
    input.read_exact(&mut body).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => NativeError::Truncated,
        _ => NativeError::Io(e),
    })?;
    serde_json::from_slice(&body).map(Some).map_err(|e| NativeError::NotUnderstood(e.to_string()))
}

/// Writes one message and flushes it, so that the browser has it at once.
pub fn write_message<T: Serialize>(output: &mut impl Write, message: &T) -> Result<(), NativeError> {
    let body = serde_json::to_vec(message).map_err(|e| NativeError::NotUnderstood(e.to_string()))?;
    if body.len() > MAX_TO_BROWSER {
        return Err(NativeError::TooLong(body.len()));
    }
    let length = u32::try_from(body.len()).map_err(|_| NativeError::TooLong(body.len()))?;
    output.write_all(&length.to_ne_bytes())?;
    output.write_all(&body)?;
    output.flush()?;
    Ok(())
}

/// The extension that started the host, as the browser names it in the host's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A Chromium browser's extension, by its id (the browser passes `chrome-extension://ID/` first).
    Chromium(String),
    /// A Firefox extension, by its id (the browser passes the host manifest's path, then the id).
    Firefox(String),
}

impl Caller {
    /// Reads the caller from the host's arguments (the program's name left out); `None` when they name none.
    pub fn from_args<S: AsRef<str>>(args: &[S]) -> Option<Caller> {
        let first = args.first()?.as_ref();
        if let Some(rest) = first.strip_prefix("chrome-extension://") {
            let id = rest.trim_end_matches('/');
            let valid = id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b));
            return valid.then(|| Caller::Chromium(id.to_owned()));
        }
        let id = args.get(1)?.as_ref();
        let valid =
            first.ends_with(".json") && !id.is_empty() && id.len() <= 255 && !id.chars().any(char::is_whitespace);
        valid.then(|| Caller::Firefox(id.to_owned()))
    }

    /// The extension's id.
    pub fn id(&self) -> &str {
        match self {
            Caller::Chromium(id) | Caller::Firefox(id) => id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut bytes = u32::try_from(body.len()).unwrap().to_ne_bytes().to_vec();
        bytes.extend_from_slice(body);
        bytes
    }

    #[test]
    fn messages_are_read_and_written_with_their_length_first() {
        let mut pipe = Vec::new();
        write_message(&mut pipe, &json!({"type": "fill", "origin": "https://github.com"})).unwrap();
        write_message(&mut pipe, &json!("second")).unwrap();
        assert_eq!(&pipe[..4], &u32::try_from(pipe.len() - 4 - 12).unwrap().to_ne_bytes());
        let mut input = pipe.as_slice();
        let first: Value = read_message(&mut input).unwrap().unwrap();
        assert_eq!(first["origin"], "https://github.com");
        assert_eq!(read_message::<Value>(&mut input).unwrap(), Some(json!("second")));
        assert!(read_message::<Value>(&mut input).unwrap().is_none(), "a closed pipe ends the host");
    }

    #[test]
    fn a_cut_short_message_or_a_huge_length_is_refused() {
        let whole = framed(br#"{"type":"fill"}"#);
        assert!(matches!(read_message::<Value>(&mut &whole[..2]), Err(NativeError::Truncated)));
        assert!(matches!(read_message::<Value>(&mut &whole[..10]), Err(NativeError::Truncated)));
        let huge = u32::MAX.to_ne_bytes();
        assert!(matches!(read_message::<Value>(&mut &huge[..]), Err(NativeError::TooLong(_))));
        let not_json = framed(b"hello");
        assert!(matches!(read_message::<Value>(&mut not_json.as_slice()), Err(NativeError::NotUnderstood(_))));
    }

    #[test]
    fn a_message_too_long_for_the_browser_is_not_written() {
        let mut pipe = Vec::new();
        let long = "x".repeat(MAX_TO_BROWSER);
        assert!(matches!(write_message(&mut pipe, &long), Err(NativeError::TooLong(_))));
        assert!(pipe.is_empty());
    }

    #[test]
    fn the_caller_is_read_from_what_each_browser_passes() {
        let chromium = ["chrome-extension://abcdefghijklmnopabcdefghijklmnop/"];
        assert_eq!(Caller::from_args(&chromium), Some(Caller::Chromium("abcdefghijklmnopabcdefghijklmnop".into())));
        let on_windows = ["chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "--parent-window=0"];
        assert_eq!(Caller::from_args(&on_windows).map(|c| c.id().to_owned()).as_deref(), Some(&chromium[0][19..51]));
        let firefox = ["/home/alice/.mozilla/native-messaging-hosts/app.twofold.json", "twofold@example.org"];
        assert_eq!(Caller::from_args(&firefox), Some(Caller::Firefox("twofold@example.org".into())));
        assert_eq!(Caller::from_args(&["chrome-extension://short/"]), None);
        assert_eq!(Caller::from_args::<&str>(&[]), None);
        assert_eq!(Caller::from_args(&["/path/only"]), None);
        assert_eq!(Caller::from_args(&["list", "--json"]), None, "a command line is not a browser");
    }
}
