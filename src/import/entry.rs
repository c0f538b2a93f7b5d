//! What an import yields: entries to add, and the entries it cannot use, each with the reason in a sentence; and
//! the one place where another app's fields become an [`Account`].

use crate::account::{Account, display_name};
use crate::migration::MigrationError;
use crate::otp::{Algorithm, Digits, Otp, OtpError, Period};
use crate::secret::{Secret, SecretError};
use crate::uri::UriError;

pub use crate::account::Entry;

/// An entry of an export that cannot be added, and why. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} cannot be added. {reason}")]
pub struct Skipped {
    /// How the export names it: `Issuer (name)`.
    pub name: String,
    /// Why it cannot be added.
    pub reason: Reason,
}

impl Skipped {
    /// The entry of this issuer and name cannot be added, for `reason`.
    pub fn new(issuer: &str, name: &str, reason: Reason) -> Self {
        Skipped { name: display_name(issuer.trim(), name.trim()), reason }
    }
}

/// Why an entry of an export cannot be added: a whole sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// A hash Twofold does not compute, such as MD5.
    #[error(
        "It uses the {0} algorithm, which Twofold does not compute. Set the account up again with the service to get a SHA1 code."
    )]
    Algorithm(String),
    /// A kind of code other than TOTP, HOTP and Steam, such as mOTP or Yandex Key.
    #[error("It is a {0} account, a kind of code Twofold does not make.")]
    Kind(String),
    /// The secret key is missing or not valid base32.
    #[error("Its secret key cannot be read. {0}")]
    Secret(SecretError),
    /// A digit count or period outside what codes can have.
    #[error("Its {0}")]
    Parameter(OtpError),
    /// The link the export holds for it cannot be read.
    #[error("{0}")]
    Link(UriError),
    /// The other app keeps it in its trash.
    #[error("It is in {0}'s trash; restore it there first if you still need it.")]
    Trashed(&'static str),
    /// Something the entry must have is not there.
    #[error("It has no {0}, so no codes can be made from it.")]
    Missing(&'static str),
    /// A Google Authenticator export link in the file cannot be read.
    #[error("{0}")]
    Export(MigrationError),
}

impl From<UriError> for Reason {
    fn from(error: UriError) -> Self {
        match error {
            UriError::Secret(e) => Reason::Secret(e),
            UriError::Parameter(OtpError::UnsupportedAlgorithm(algorithm)) => Reason::Algorithm(algorithm),
            UriError::UnknownType(kind) => Reason::Kind(kind),
            other => Reason::Link(other),
        }
    }
}

/// The secret key as an export holds it.
#[derive(Clone, Copy)]
pub(crate) enum SecretText<'a> {
    /// Base32 text, in any case, padded or spaced.
    Base32(&'a str),
    /// The key bytes themselves.
    Bytes(&'a [u8]),
    /// Base32 as Bitwarden reads it: characters outside the alphabet dropped, and the bits after the last whole
    /// byte too, where [`SecretText::Base32`] would call the length impossible.
    Base32Lenient(&'a str),
}

/// The fields most exports keep for an account, as they come: the kind and algorithm as text in any case, the
/// numbers as given. [`Fields::account`] checks them.
pub(crate) struct Fields<'a> {
    pub issuer: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub secret: SecretText<'a>,
    pub algorithm: Option<&'a str>,
    pub digits: Option<u64>,
    pub period: Option<u64>,
    pub counter: Option<u64>,
}

impl Fields<'_> {
    /// A TOTP account with the common defaults (SHA1, 6 digits, 30 s) for whatever is not given.
    pub fn totp<'a>(issuer: &'a str, name: &'a str, secret: SecretText<'a>) -> Fields<'a> {
        Fields { issuer, name, kind: "totp", secret, algorithm: None, digits: None, period: None, counter: None }
    }

    /// The account these fields describe, or why there is none.
    pub fn account(&self) -> Result<Account, Reason> {
        let kind = self.kind.trim().to_ascii_lowercase();
        match kind.as_str() {
            "totp" | "hotp" | "steam" => {}
            "motp" => return Err(Reason::Kind("mOTP".into())),
            "yandex" => return Err(Reason::Kind("Yandex Key".into())),
            other => return Err(Reason::Kind(crate::otp::quote(other))),
        }
        let algorithm = match self.algorithm.map(str::trim).filter(|a| !a.is_empty()) {
            None => Algorithm::Sha1,
            Some(text) => Algorithm::parse(text).map_err(|_| Reason::Algorithm(text.to_ascii_uppercase()))?,
        };
        let digits = || match self.digits {
            None => Ok(Digits::SIX),
            Some(n) => Digits::new(u8::try_from(n).unwrap_or(u8::MAX)).map_err(|_| digits_error(n)),
        };
        let period = || match self.period {
            None | Some(0) => Ok(Period::THIRTY),
            Some(n) => Period::new(u32::try_from(n).unwrap_or(u32::MAX))
                .map_err(|_| Reason::Parameter(OtpError::InvalidPeriod(n.to_string()))),
        };
        let otp = match kind.as_str() {
            "hotp" => Otp::Hotp { algorithm, digits: digits()?, counter: self.counter.unwrap_or(0) },
            "steam" => Otp::Steam { period: period()? },
            _ => Otp::Totp { algorithm, digits: digits()?, period: period()? },
        };
        let secret = match self.secret {
            SecretText::Base32(text) => Secret::from_base32(text),
            SecretText::Bytes(bytes) => Secret::from_bytes(bytes.to_vec()),
            SecretText::Base32Lenient(text) => Secret::from_base32(&whole_bytes_of(text)),
        }
        .map_err(Reason::Secret)?;
        Ok(Account::new(self.issuer, self.name, secret, otp))
    }

    /// The account, or the entry the import lists as skipped.
    pub fn account_or_skip(&self) -> Result<Account, Skipped> {
        self.account().map_err(|reason| Skipped::new(self.issuer, self.name, reason))
    }
}

/// The base32 characters of `text` that encode whole bytes: anything else dropped, then the characters after the
/// last whole byte.
pub(crate) fn whole_bytes_of(text: &str) -> zeroize::Zeroizing<String> {
    let mut kept: zeroize::Zeroizing<String> = zeroize::Zeroizing::new(
        text.chars()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| c.is_ascii_uppercase() || ('2'..='7').contains(c))
            .collect(),
    );
    let bytes = kept.len() * 5 / 8;
    kept.truncate((bytes * 8).div_ceil(5));
    kept
}

fn digits_error(n: u64) -> Reason {
    Reason::Parameter(OtpError::UnsupportedDigits(n.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: &str) -> Fields<'_> {
        Fields { kind, ..Fields::totp("Example", "alice", SecretText::Base32("JBSWY3DPEHPK3PXP")) }
    }

    #[test]
    fn a_lenient_secret_keeps_the_whole_bytes_as_bitwarden_does() {
        let lenient = |text| Fields::totp("", "", SecretText::Base32Lenient(text)).account().unwrap().secret;
        let strict = |text| Secret::from_base32(text).unwrap();
        // 17 characters carry 85 bits: 10 whole bytes, which the first 16 characters already give.
        assert_eq!(lenient("JDKSNDJJDNDJJDBXB"), strict("JDKSNDJJDNDJJDBX"));
        assert_eq!(lenient("piud1is!eqya="), strict("PIUDISEQYA"));
    }

    #[test]
    fn missing_numbers_take_the_common_defaults() {
        let account = fields("TOTP").account().unwrap();
        assert_eq!(account.otp, Otp::default());
        let hotp = fields("hotp").account().unwrap();
        assert!(matches!(hotp.otp, Otp::Hotp { counter: 0, .. }));
    }

    #[test]
    fn a_kind_or_hash_twofold_cannot_make_is_skipped_with_a_sentence_naming_the_account() {
        let motp = fields("MOTP").account_or_skip().unwrap_err();
        assert_eq!(
            motp.to_string(),
            "Example (alice) cannot be added. It is a mOTP account, a kind of code Twofold does not make."
        );
        let md5 = Fields { algorithm: Some("md5"), ..fields("totp") }.account_or_skip().unwrap_err();
        assert!(md5.to_string().contains("the MD5 algorithm"), "{md5}");
        let broken = Fields { secret: SecretText::Base32("JBSW1"), ..fields("totp") }.account().unwrap_err();
        assert!(matches!(broken, Reason::Secret(SecretError::InvalidCharacter)));
        let nine = Fields { digits: Some(9), ..fields("totp") }.account().unwrap_err();
        assert!(nine.to_string().starts_with("Its digits=9 is not supported"), "{nine}");
    }
}
