//! What a decoded QR code holds, from Twofold's point of view.

use crate::account::Account;
use crate::migration::{self, BatchCollector, Imported, MigrationError, MigrationPart, Progress};
use crate::uri::split_scheme;
use crate::uri::{self, UriError};

/// The meaning of a QR code's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// One account to pair.
    Account(Account),
    /// One code of a Google Authenticator export.
    Export(MigrationPart),
    /// Not an authenticator code; the sentence says what it is and what to do.
    Other(NotAuthenticator),
}

/// A QR code that Twofold cannot pair, with a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotAuthenticator {
    /// A web address.
    #[error(
        "This QR code holds a web link, not an authenticator code. On the service's two-factor set-up page, scan the QR code meant for an authenticator app."
    )]
    WebLink,
    /// Wi-Fi credentials.
    #[error(
        "This QR code holds Wi-Fi network details, not an authenticator code. Scan the QR code on the service's two-factor set-up page."
    )]
    Wifi,
    /// A contact card, e-mail, phone number or similar.
    #[error(
        "This QR code holds contact or messaging details, not an authenticator code. Scan the QR code on the service's two-factor set-up page."
    )]
    Contact,
    /// Plain text or anything else.
    #[error(
        "This QR code holds text that is not an authenticator code. Scan the QR code on the service's two-factor set-up page."
    )]
    Text,
    /// An otpauth link with a problem.
    #[error("{0}")]
    BadLink(UriError),
    /// An export with a problem.
    #[error("{0}")]
    BadExport(MigrationError),
}

/// Classifies a QR code's text.
///
/// ```
/// use twofold::scan::{classify, Scanned};
/// let web = classify("https://example.com/welcome");
/// assert!(matches!(web, Scanned::Other(_)));
/// assert!(matches!(classify("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP"), Scanned::Account(_)));
/// ```
pub fn classify(text: &str) -> Scanned {
    let scheme = split_scheme(text).map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    match scheme.as_str() {
        "otpauth" => match uri::parse(text) {
            Ok(account) => Scanned::Account(account),
            Err(e) => Scanned::Other(NotAuthenticator::BadLink(e)),
        },
        "otpauth-migration" => match migration::decode(text) {
            Ok(part) => Scanned::Export(part),
            Err(e) => Scanned::Other(NotAuthenticator::BadExport(e)),
        },
        "http" | "https" => Scanned::Other(NotAuthenticator::WebLink),
        _ => {
            let upper = text.trim_start().to_ascii_uppercase();
            let other = if upper.starts_with("WIFI:") {
                NotAuthenticator::Wifi
            } else if ["BEGIN:VCARD", "MECARD:", "MAILTO:", "TEL:", "SMSTO:", "SMS:", "MATMSG:"]
                .iter()
                .any(|p| upper.starts_with(p))
            {
                NotAuthenticator::Contact
            } else if upper.starts_with("WWW.") {
                NotAuthenticator::WebLink
            } else {
                NotAuthenticator::Text
            };
            Scanned::Other(other)
        }
    }
}

/// Gathers scans until something can be paired: one account at once, or every code of an export.
#[derive(Debug, Default)]
pub struct Pairing {
    export: BatchCollector,
}

/// What a scan added up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairingStep {
    /// Ready to pair these accounts (one from an otpauth link, or all of an export), and the sentences naming the
    /// accounts of an export that could not be read.
    Ready(Imported),
    /// Part of an export is in; scan the rest ("2 of 3 codes scanned.").
    NeedMore(Progress),
    /// This code cannot be paired; the sentence says why.
    Rejected(NotAuthenticator),
}

impl Pairing {
    /// A fresh pairing.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many codes of an export are in, while some are and some are still missing.
    pub fn progress(&self) -> Option<Progress> {
        let progress = self.export.progress();
        (progress.scanned > 0 && !progress.is_complete()).then_some(progress)
    }

    /// Takes the text of one scanned code.
    pub fn add(&mut self, text: &str) -> PairingStep {
        match classify(text) {
            Scanned::Account(account) => PairingStep::Ready(Imported::from(account)),
            Scanned::Other(why) => PairingStep::Rejected(why),
            Scanned::Export(part) => {
                // A code of another export than the codes read so far: the user made a new export (the phone locked,
                // the first was given up), so the pairing starts over with it rather than refuse it.
                if !self.export.belongs(&part) {
                    self.export = BatchCollector::new();
                }
                self.add_part(part)
            }
        }
    }

    fn add_part(&mut self, part: MigrationPart) -> PairingStep {
        match self.export.add(part) {
            Err(e) => PairingStep::Rejected(NotAuthenticator::BadExport(e)),
            Ok(progress) if !progress.is_complete() => PairingStep::NeedMore(progress),
            Ok(_) => match std::mem::take(&mut self.export).finish() {
                // Nothing to add: the code is refused with the reason for each account.
                Ok(Imported { accounts, mut left_out }) if accounts.is_empty() && !left_out.is_empty() => {
                    let why = if left_out.len() == 1 {
                        left_out.swap_remove(0)
                    } else {
                        MigrationError::NothingReadable(left_out)
                    };
                    PairingStep::Rejected(NotAuthenticator::BadExport(why))
                }
                Ok(imported) => PairingStep::Ready(imported),
                Err(e) => PairingStep::Rejected(NotAuthenticator::BadExport(e)),
            },
        }
    }
}
