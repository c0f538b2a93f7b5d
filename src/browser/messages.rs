//! The messages between the browser extension and Twofold, as JSON. The native-messaging host carries them
//! unchanged inside the local socket's [`Request::Browser`](crate::ipc::protocol::Request::Browser) and
//! [`Answer::Browser`](crate::ipc::protocol::Answer::Browser), adding the extension's id as the browser gave it.
//!
//! Pairing is two requests, so that the extension can show the code while the user compares it:
//! `pair` → `pairOffer` (Twofold's public key and the code; Twofold asks the user), then `pairWait` → `paired` once
//! the user confirms. After that every request is `signed` (see [`super::pairing`]): its body, a JSON text, is a
//! [`SignedRequest`], and the answer's body a [`SignedAnswer`], signed by Twofold.

use serde::{Deserialize, Serialize};

/// What the extension sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FromExtension {
    /// Asks to pair, with the extension's public key (base64url, 65 bytes uncompressed).
    Pair {
        /// The browser, as the extension names it (`Firefox`, `Chromium`).
        browser: String,
        /// The extension's public key.
        public_key: String,
    },
    /// Waits until the user confirms (or refuses) the offer.
    PairWait {
        /// The offer's id, from [`ToExtension::PairOffer`].
        offer: String,
    },
    /// A request of a paired extension.
    Signed(Signed),
}

/// A signed message, either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signed {
    /// The pairing's id.
    pub pairing: String,
    /// Greater than the number of every message before it on this pairing (requests); the request's (answers).
    pub sequence: u64,
    /// The JSON text of a [`SignedRequest`] or [`SignedAnswer`], signed as it is.
    pub body: String,
    /// Its signature (base64url).
    pub signature: String,
}

/// What a paired extension asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum SignedRequest {
    /// Whether the pairing still holds (the extension's options page asks).
    Hello,
    /// The code for the frame of `origin`, as the browser reported it to the extension's background script.
    Fill {
        /// The origin of the frame that asked (`https://github.com`).
        origin: String,
    },
}

/// Twofold's answer to a [`SignedRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum SignedAnswer {
    /// The pairing holds.
    Hello,
    /// The code to fill.
    Code {
        /// The code, without spaces.
        code: String,
        /// Whose it is, as the extension may say (`GitHub (alice)`).
        account: String,
        /// Seconds it stays valid; `None` for HOTP.
        seconds_left: Option<u32>,
    },
    /// No code for this page, and why, in a sentence the extension shows.
    Nothing {
        /// Why.
        reason: NothingReason,
        /// The sentence.
        message: String,
    },
}

/// Why a page gets no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NothingReason {
    /// No account is for this site.
    NoAccount,
    /// The page only looks like the website of an account.
    Lookalike,
    /// Plain HTTP, an IP address or a port, that no account names exactly.
    Unsafe,
    /// The user said no.
    Denied,
    /// The user did not answer in time, or closed the question.
    NoAnswer,
    /// Twofold stayed locked.
    Locked,
}

/// What Twofold sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ToExtension {
    /// [`FromExtension::Pair`]: Twofold's public key and the code it shows; the user confirms in Twofold.
    PairOffer {
        /// The offer's id, for [`FromExtension::PairWait`].
        offer: String,
        /// Twofold's public key (base64url).
        public_key: String,
        /// The six digits Twofold shows.
        code: String,
    },
    /// [`FromExtension::PairWait`]: the user confirmed; the pairing's id.
    Paired {
        /// Its id.
        pairing: String,
    },
    /// The answer to a signed request, signed by Twofold.
    Signed(Signed),
    /// A request refused before it was answered: not paired, a bad signature, too many, declined.
    Error {
        /// What went wrong, for the extension to branch on.
        kind: BrowserErrorKind,
        /// The sentence to show.
        message: String,
    },
}

/// What kind of refusal a [`ToExtension::Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BrowserErrorKind {
    /// The message could not be read.
    BadMessage,
    /// The pairing is unknown (it was removed in Twofold): pair again.
    NotPaired,
    /// The signature does not check out, or the message came again.
    BadSignature,
    /// Too many requests in a short time.
    TooMany,
    /// The user refused the pairing, or did not confirm it in time.
    Declined,
    /// Twofold is not running and could not be started.
    NotRunning,
    /// Twofold stayed locked.
    Locked,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn round_trip<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T, shape: Value) {
        assert_eq!(serde_json::to_value(value).unwrap(), shape);
        assert_eq!(&serde_json::from_value::<T>(shape).unwrap(), value);
    }

    #[test]
    fn every_message_of_the_extension_has_its_json_shape() {
        round_trip(
            &FromExtension::Pair { browser: "Firefox".into(), public_key: "BAAA".into() },
            json!({"type": "pair", "browser": "Firefox", "publicKey": "BAAA"}),
        );
        round_trip(&FromExtension::PairWait { offer: "o1".into() }, json!({"type": "pairWait", "offer": "o1"}));
        round_trip(
            &FromExtension::Signed(Signed {
                pairing: "p1".into(),
                sequence: 7,
                body: r#"{"type":"fill","origin":"https://github.com"}"#.into(),
                signature: "c2ln".into(),
            }),
            json!({"type": "signed", "pairing": "p1", "sequence": 7,
                   "body": "{\"type\":\"fill\",\"origin\":\"https://github.com\"}", "signature": "c2ln"}),
        );
        round_trip(&SignedRequest::Hello, json!({"type": "hello"}));
        round_trip(
            &SignedRequest::Fill { origin: "https://github.com".into() },
            json!({"type": "fill", "origin": "https://github.com"}),
        );
    }

    #[test]
    fn every_message_of_twofold_has_its_json_shape() {
        round_trip(
            &ToExtension::PairOffer { offer: "o1".into(), public_key: "BAAA".into(), code: "123456".into() },
            json!({"type": "pairOffer", "offer": "o1", "publicKey": "BAAA", "code": "123456"}),
        );
        round_trip(&ToExtension::Paired { pairing: "p1".into() }, json!({"type": "paired", "pairing": "p1"}));
        round_trip(
            &ToExtension::Error { kind: BrowserErrorKind::NotPaired, message: "Pair again.".into() },
            json!({"type": "error", "kind": "notPaired", "message": "Pair again."}),
        );
        round_trip(
            &SignedAnswer::Code { code: "123456".into(), account: "GitHub (alice)".into(), seconds_left: Some(17) },
            json!({"type": "code", "code": "123456", "account": "GitHub (alice)", "secondsLeft": 17}),
        );
        round_trip(
            &SignedAnswer::Nothing { reason: NothingReason::Lookalike, message: "No.".into() },
            json!({"type": "nothing", "reason": "lookalike", "message": "No."}),
        );
        round_trip(&SignedAnswer::Hello, json!({"type": "hello"}));
    }
}
