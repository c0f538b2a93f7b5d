//! The messages between a front end (the command line, the browser connector) and the running app: one request,
//! then one answer, each a line of JSON. Every message carries the protocol's [`VERSION`]; a side that receives
//! another version answers with [`ErrorKind::Version`] instead of guessing.
//!
//! Answers carry names, codes and sentences. Secrets travel only towards the app, in [`Request::Add`] and as the
//! passwords of [`Request::Export`], over a channel only the same user can open; none ever comes back. An export
//! is written by the app itself, to the path asked for.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::otp::Kind;

/// The protocol's version. Raised when a message changes in a way an older side would misread.
pub const VERSION: u32 = 1;

/// The longest message read, in bytes: an import of a few thousand accounts fits.
pub const MAX_MESSAGE: usize = 4 << 20;

/// A request to the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Request {
    /// Every account with its codes, in the list's order.
    List,
    /// The code of the account `query` finds, as the quick-copy palette finds it.
    Code {
        /// A few letters of the issuer or name ([`crate::find`]).
        query: String,
        /// The next code rather than the current one.
        #[serde(default)]
        next: bool,
        /// With several accounts found, the best one rather than [`Answer::Ambiguous`].
        #[serde(default)]
        first: bool,
        /// Also put the code on the clipboard.
        #[serde(default)]
        copy: bool,
    },
    /// Adds accounts (from a link, a picture, the screen or an export read by the front end).
    Add {
        /// The accounts.
        entries: Vec<NewEntry>,
        /// An account named like one already there is added beside it rather than left out.
        #[serde(default)]
        keep_both: bool,
    },
    /// Writes every account to a new file.
    Export {
        /// The kind of file.
        format: crate::export::Format,
        /// Where, as an absolute path; never over a file.
        path: std::path::PathBuf,
        /// The file's own password (an encrypted Aegis file needs one).
        #[serde(default)]
        password: Option<Zeroizing<String>>,
        /// The vault's recovery password, which an export asks for where one is set.
        #[serde(default)]
        recovery: Option<Zeroizing<String>>,
    },
    /// Makes a backup now, or checks the newest one, in `folder`.
    Backup {
        /// Check the newest backup against the vault rather than make one.
        #[serde(default)]
        verify: bool,
        /// The backup folder, as an absolute path.
        folder: std::path::PathBuf,
        /// How many backups to keep (older ones are deleted).
        keep: u32,
    },
    /// A message of the browser extension, carried by the native-messaging host (see [`crate::browser::messages`]).
    /// Only the running app answers it.
    Browser {
        /// The extension's id, as the browser gave it to the host (never as the extension says).
        extension: String,
        /// The extension's message, as it sent it.
        message: crate::browser::messages::FromExtension,
    },
}

/// An account to add: its `otpauth://` link and what the user kept beside it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEntry {
    /// The account as an `otpauth://` link (it holds the secret).
    pub link: Zeroizing<String>,
    /// Marked favourite.
    #[serde(default)]
    pub favorite: bool,
    /// The groups it is filed under.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The user's note.
    #[serde(default)]
    pub note: Option<String>,
}

impl std::fmt::Debug for NewEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewEntry").field("link", &"<redacted>").field("favorite", &self.favorite).finish()
    }
}

/// The app's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Answer {
    /// [`Request::List`]: the accounts.
    Accounts {
        /// In the list's order.
        accounts: Vec<AccountInfo>,
    },
    /// [`Request::Code`]: the account found and its code.
    Code {
        /// The account.
        account: AccountInfo,
        /// The code asked for, without spaces.
        code: String,
        /// Whether `code` is the next one.
        next: bool,
        /// With `copy`: seconds until the clipboard is cleared (`None`: never, or not copied).
        clear_after: Option<u32>,
    },
    /// [`Request::Code`] found several accounts, equally good: the user picks one with a longer query.
    Ambiguous {
        /// Best first.
        accounts: Vec<AccountInfo>,
    },
    /// [`Request::Add`]: what became of each account, by name.
    Added {
        /// Added (or replacing an account with the same name, when asked).
        added: Vec<String>,
        /// Already there: the same secret.
        duplicates: Vec<String>,
        /// Left out: an account with the same name but another secret is there.
        conflicts: Vec<String>,
    },
    /// [`Request::Browser`]: the message for the extension, which the host passes on as it is.
    Browser {
        /// The message.
        message: crate::browser::messages::ToExtension,
    },
    /// [`Request::Export`] or [`Request::Backup`]: what was done, in a sentence.
    Done {
        /// The sentence.
        message: String,
    },
    /// The request failed.
    Error {
        /// What went wrong, for a program to branch on.
        kind: ErrorKind,
        /// What went wrong and what to do, for the user.
        message: String,
    },
}

/// What kind of failure an [`Answer::Error`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The other side speaks another version of the protocol.
    Version,
    /// The message could not be read.
    BadRequest,
    /// Twofold is locked: the user unlocks it in its window.
    Locked,
    /// No account matches the query.
    NotFound,
    /// An account or link could not be read.
    Invalid,
    /// The vault could not be changed.
    Vault,
    /// The clipboard could not be used.
    Clipboard,
    /// The recovery password was needed and not given, was wrong, or must wait after wrong tries.
    Password,
    /// An export or a backup could not be made; the sentence says why.
    Failed,
}

/// An account as a front end shows it: names and codes, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// Its id in the vault.
    pub id: String,
    /// The service.
    pub issuer: String,
    /// The user's name at the service.
    pub name: String,
    /// TOTP, HOTP or Steam.
    pub kind: Kind,
    /// The current code, without spaces.
    pub code: String,
    /// The next code.
    pub next_code: String,
    /// Seconds until `code` expires; `None` for HOTP.
    pub seconds_left: Option<u32>,
    /// Pinned by the user.
    pub favorite: bool,
}

/// A message with the version it is written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The protocol's version.
    pub version: u32,
    /// The request or answer.
    #[serde(flatten)]
    pub body: T,
}

impl<T> Envelope<T> {
    /// `body` in this version of the protocol.
    pub fn new(body: T) -> Self {
        Envelope { version: VERSION, body }
    }
}

/// Why a message was not read: what [`Answer::Error`] sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The sentence.
    pub message: String,
}

impl From<Refused> for Answer {
    fn from(refused: Refused) -> Self {
        Answer::Error { kind: refused.kind, message: refused.message }
    }
}

/// Reads one request from a line of JSON; a line of another version, or one that is not a request, is refused.
pub fn read_request(line: &[u8]) -> Result<Request, Refused> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let bad = |reason: String| Refused {
        kind: ErrorKind::BadRequest,
        message: format!("Twofold could not read the request ({reason})."),
    };
    let version: Version = serde_json::from_slice(line).map_err(|e| bad(e.to_string()))?;
    if version.version != VERSION {
        return Err(version_mismatch(version.version));
    }
    let envelope: Envelope<Request> = serde_json::from_slice(line).map_err(|e| bad(e.to_string()))?;
    Ok(envelope.body)
}

/// The refusal of a message of version `theirs`.
pub fn version_mismatch(theirs: u32) -> Refused {
    Refused {
        kind: ErrorKind::Version,
        message: format!(
            "The running Twofold speaks version {VERSION} of its protocol and was asked in version {theirs}. Quit Twofold and start it again, so that the app and the command line are the same version."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(body: T, json: &str) {
        let written = serde_json::to_string(&Envelope::new(body)).unwrap();
        assert_eq!(written, json);
        let read: Envelope<T> = serde_json::from_str(&written).unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), json);
    }

    #[test]
    fn every_request_is_written_as_the_documented_json() {
        round_trip(Request::List, r#"{"version":1,"type":"list"}"#);
        round_trip(
            Request::Code { query: "git hub".into(), next: true, first: false, copy: true },
            r#"{"version":1,"type":"code","query":"git hub","next":true,"first":false,"copy":true}"#,
        );
        let entry = NewEntry {
            link: Zeroizing::new("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP".into()),
            favorite: true,
            groups: vec!["Work".into()],
            note: None,
        };
        round_trip(
            Request::Add { entries: vec![entry], keep_both: false },
            r#"{"version":1,"type":"add","entries":[{"link":"otpauth://totp/A?secret=JBSWY3DPEHPK3PXP","favorite":true,"groups":["Work"],"note":null}],"keepBoth":false}"#,
        );
    }

    #[test]
    fn export_and_backup_requests_are_written_as_the_documented_json() {
        round_trip(
            Request::Export {
                format: crate::export::Format::Aegis,
                path: "/home/me/aegis.json".into(),
                password: Some(Zeroizing::new("file".into())),
                recovery: None,
            },
            r#"{"version":1,"type":"export","format":"aegis","path":"/home/me/aegis.json","password":"file","recovery":null}"#,
        );
        round_trip(
            Request::Backup { verify: true, folder: "/media/backups".into(), keep: 10 },
            r#"{"version":1,"type":"backup","verify":true,"folder":"/media/backups","keep":10}"#,
        );
        round_trip(Answer::Done { message: "Done.".into() }, r#"{"version":1,"type":"done","message":"Done."}"#);
    }

    #[test]
    fn browser_messages_travel_inside_the_documented_json() {
        use crate::browser::messages::{FromExtension, ToExtension};
        round_trip(
            Request::Browser {
                extension: "connector@twofold.app".into(),
                message: FromExtension::PairWait { offer: "o1".into() },
            },
            r#"{"version":1,"type":"browser","extension":"connector@twofold.app","message":{"type":"pairWait","offer":"o1"}}"#,
        );
        round_trip(
            Answer::Browser { message: ToExtension::Paired { pairing: "p1".into() } },
            r#"{"version":1,"type":"browser","message":{"type":"paired","pairing":"p1"}}"#,
        );
    }

    #[test]
    fn every_answer_is_written_as_the_documented_json() {
        let account = AccountInfo {
            id: "a1".into(),
            issuer: "GitHub".into(),
            name: "alice".into(),
            kind: Kind::Totp,
            code: "123456".into(),
            next_code: "654321".into(),
            seconds_left: Some(12),
            favorite: false,
        };
        let account_json = r#"{"id":"a1","issuer":"GitHub","name":"alice","kind":"totp","code":"123456","nextCode":"654321","secondsLeft":12,"favorite":false}"#;
        round_trip(
            Answer::Accounts { accounts: vec![account.clone()] },
            &format!(r#"{{"version":1,"type":"accounts","accounts":[{account_json}]}}"#),
        );
        round_trip(
            Answer::Code { account: account.clone(), code: "654321".into(), next: true, clear_after: Some(30) },
            &format!(
                r#"{{"version":1,"type":"code","account":{account_json},"code":"654321","next":true,"clearAfter":30}}"#
            ),
        );
        round_trip(
            Answer::Ambiguous { accounts: vec![account] },
            &format!(r#"{{"version":1,"type":"ambiguous","accounts":[{account_json}]}}"#),
        );
        round_trip(
            Answer::Added { added: vec!["A".into()], duplicates: vec![], conflicts: vec!["B".into()] },
            r#"{"version":1,"type":"added","added":["A"],"duplicates":[],"conflicts":["B"]}"#,
        );
        round_trip(
            Answer::Error { kind: ErrorKind::NotFound, message: "No account matches.".into() },
            r#"{"version":1,"type":"error","kind":"notFound","message":"No account matches."}"#,
        );
    }

    #[test]
    fn a_request_of_another_version_or_shape_is_answered_with_an_error_not_guessed() {
        assert_eq!(read_request(br#"{"version":1,"type":"list"}"#), Ok(Request::List));
        let Err(Refused { kind, message }) = read_request(br#"{"version":2,"type":"list"}"#) else { panic!() };
        assert_eq!(kind, ErrorKind::Version);
        assert!(message.contains("version 1") && message.contains("version 2"), "{message}");
        for line in [&b"{"[..], br#"{"type":"list"}"#, br#"{"version":1,"type":"format the disk"}"#] {
            let Err(Refused { kind, .. }) = read_request(line) else { panic!() };
            assert_eq!(kind, ErrorKind::BadRequest);
        }
    }

    #[test]
    fn a_new_entry_keeps_its_link_out_of_debug_output() {
        let entry = NewEntry {
            link: Zeroizing::new("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP".into()),
            favorite: false,
            groups: vec![],
            note: None,
        };
        assert!(!format!("{entry:?}").contains("JBSW"));
    }
}
