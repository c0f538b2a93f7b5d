//! The pairing of the browser extension, checked against the extension's own code (`browser/pairing.js`) on
//! Node's WebCrypto: both sides show the same code, and each checks the other's signatures.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use data_encoding::BASE64URL_NOPAD;
use twofold::browser::pairing::{Direction, Pairer};

const FILL: &str = r#"{"type":"fill","origin":"https://github.com"}"#;
const REPLY: &str = r#"{"type":"code","code":"123456"}"#;

#[test]
fn the_extension_and_twofold_show_the_same_code_and_check_each_others_signatures() {
    if !common::have("node") && common::missing("Node.js", "Install it with `apt-get install nodejs`.").is_none() {
        return;
    }
    let peer = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/pairing_peer.mjs");
    let mut node =
        Command::new("node").arg(peer).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("node starts");
    let mut to_node = node.stdin.take().unwrap();
    let mut from_node = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut line = || from_node.next().expect("a line from the extension's side").unwrap();

    let app = Pairer::new();
    let agreed = app.agree(&BASE64URL_NOPAD.decode(line().as_bytes()).unwrap()).unwrap();
    writeln!(to_node, "{}", BASE64URL_NOPAD.encode(&app.public_key())).unwrap();
    assert_eq!(line(), agreed.code, "both sides show the same code");
    let signature = line();
    assert_eq!(agreed.key.verify(Direction::ToApp, "p-test", 1, FILL, &signature), Ok(()));
    assert!(agreed.key.verify(Direction::ToApp, "p-test", 2, FILL, &signature).is_err());

    writeln!(to_node, "{}", agreed.key.sign(Direction::ToExtension, "p-test", 1, REPLY)).unwrap();
    assert_eq!(line(), "true", "the extension checks Twofold's signature");
    assert_eq!(line(), "false", "and refuses it on an altered reply");
    assert!(node.wait().unwrap().success());
}
