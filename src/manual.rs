//! Accounts typed in by hand: what the set-up page shows as "can't scan? enter this key".

use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::{Algorithm, Digits, Kind, Otp, OtpError, Period};
use crate::secret::{Secret, SecretError};

/// The fields of the manual form. Unset advanced fields take the common defaults (TOTP, SHA1, 6 digits, 30 s).
#[derive(Clone, Default)]
pub struct ManualEntry {
    /// The service, e.g. `Kaltura Events`.
    pub issuer: String,
    /// The user's name or e-mail there.
    pub name: String,
    /// The secret key as the service shows it (base32; spaces, dashes and lower case are fine).
    pub secret: Zeroizing<String>,
    /// TOTP, HOTP or Steam.
    pub kind: Kind,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// 6, 7 or 8, as typed.
    pub digits: Option<String>,
    /// Seconds per code (TOTP and Steam), as typed.
    pub period: Option<String>,
    /// The counter of the next code (HOTP), as typed.
    pub counter: Option<String>,
}

/// Leaves the secret out.
impl std::fmt::Debug for ManualEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualEntry")
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("secret", &format_args!("<redacted>"))
            .field("kind", &self.kind)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .field("counter", &self.counter)
            .finish()
    }
}

/// Why a manual entry is not usable. Each message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManualError {
    /// Neither an issuer nor an account name.
    #[error("Give the account a name: fill in the service, the account, or both.")]
    NoName,
    /// The key could not be read.
    #[error("The secret key is not valid. {0}")]
    Secret(#[from] SecretError),
    /// An advanced setting is out of range.
    #[error("The setting {0}")]
    Otp(#[from] OtpError),
}

impl ManualEntry {
    /// Builds the account.
    ///
    /// ```
    /// use twofold::manual::ManualEntry;
    /// let entry = ManualEntry {
    ///     issuer: "Example".into(),
    ///     name: "alice".into(),
    ///     secret: String::from("jbsw y3dp ehpk 3pxp").into(),
    ///     ..ManualEntry::default()
    /// };
    /// assert_eq!(entry.to_account()?.codes_at(59).current.as_str(), "996554");
    /// # Ok::<(), twofold::manual::ManualError>(())
    /// ```
    pub fn to_account(&self) -> Result<Account, ManualError> {
        if self.issuer.trim().is_empty() && self.name.trim().is_empty() {
            return Err(ManualError::NoName);
        }
        let secret = Secret::from_base32(self.secret.trim())?;
        let algorithm = match self.algorithm.as_deref().filter(|a| !a.is_empty()) {
            Some(text) => Algorithm::parse(text)?,
            None => Algorithm::Sha1,
        };
        // The numbers come as typed: a form's number field lets "-1" or "1e3" through, and each gets its sentence.
        let digits = typed(&self.digits).map_or(Ok(Digits::SIX), Digits::parse)?;
        let period = typed(&self.period).map_or(Ok(Period::THIRTY), Period::parse)?;
        let otp = match self.kind {
            Kind::Totp => Otp::Totp { algorithm, digits, period },
            Kind::Hotp => {
                let counter = typed(&self.counter).map_or(Ok(0), crate::otp::parse_counter)?;
                Otp::Hotp { algorithm, digits, counter }
            }
            Kind::Steam => Otp::Steam { period },
        };
        Ok(Account::new(&self.issuer, &self.name, secret, otp))
    }
}

/// A typed field's text, or `None` when it was left blank (the default applies).
fn typed(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(secret: &str) -> ManualEntry {
        ManualEntry {
            issuer: "Example".into(),
            name: "bob".into(),
            secret: secret.to_owned().into(),
            ..Default::default()
        }
    }

    #[test]
    fn debug_output_leaves_the_typed_key_out() {
        let shown = format!("{:?}", entry("JBSWY3DPEHPK3PXP"));
        assert!(!shown.contains("JBSW"), "{shown}");
        assert!(shown.contains("Example") && shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn a_key_typed_with_spaces_and_lower_case_gives_the_same_codes_as_the_link() {
        let typed = entry("jbsw-y3dp ehpk 3pxp").to_account().unwrap();
        let linked = crate::uri::parse("otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(typed.codes_at(1_700_000_000), linked.codes_at(1_700_000_000));
    }

    #[test]
    fn advanced_settings_make_hotp_and_totp_variants() {
        let mut hotp = entry("JBSWY3DPEHPK3PXP");
        hotp.kind = Kind::Hotp;
        hotp.counter = Some("5".into());
        hotp.digits = Some("8".into());
        let account = hotp.to_account().unwrap();
        assert!(matches!(account.otp, Otp::Hotp { counter: 5, .. }));
        assert_eq!(account.otp.digits(), 8);

        let mut totp = entry("JBSWY3DPEHPK3PXP");
        totp.algorithm = Some("sha256".into());
        totp.period = Some(" 60 ".into());
        let account = totp.to_account().unwrap();
        assert_eq!(account.otp.algorithm(), Algorithm::Sha256);
        assert_eq!(account.otp.period().map(Period::seconds), Some(60));
    }

    #[test]
    fn each_mistake_gets_its_own_sentence() {
        assert_eq!(
            ManualEntry { secret: String::from("JBSWY3DP").into(), ..Default::default() }.to_account().unwrap_err(),
            ManualError::NoName
        );
        assert!(matches!(entry("").to_account(), Err(ManualError::Secret(SecretError::Empty))));
        assert!(matches!(entry("JBSW1Y3D").to_account(), Err(ManualError::Secret(SecretError::InvalidCharacter))));
        let mut bad = entry("JBSWY3DPEHPK3PXP");
        bad.digits = Some("9".into());
        assert!(matches!(bad.to_account(), Err(ManualError::Otp(OtpError::UnsupportedDigits(_)))));
    }

    #[test]
    fn numbers_a_number_field_lets_through_get_a_sentence_and_blank_ones_take_the_default() {
        let with = |period: &str, counter: &str| {
            let mut e = entry("JBSWY3DPEHPK3PXP");
            e.period = Some(period.into());
            e.counter = Some(counter.into());
            e
        };
        let negative_period = with("-1", "").to_account().unwrap_err();
        assert_eq!(
            negative_period.to_string(),
            "The setting period=-1 is not valid. Use a whole number of seconds from 1 to 86400 (most services use 30)."
        );
        assert!(matches!(with("1e3", "").to_account(), Err(ManualError::Otp(OtpError::InvalidPeriod(_)))));
        assert!(matches!(with("99999999999", "").to_account(), Err(ManualError::Otp(OtpError::InvalidPeriod(_)))));
        let mut hotp = with("", "-1");
        hotp.kind = Kind::Hotp;
        assert_eq!(
            hotp.to_account().unwrap_err().to_string(),
            "The setting counter=-1 is not valid. Use a whole number from 0 upwards."
        );
        hotp.counter = Some(" ".into());
        assert!(matches!(hotp.to_account().unwrap().otp, Otp::Hotp { counter: 0, .. }));
        assert_eq!(with("  ", "").to_account().unwrap().otp.period(), Some(Period::THIRTY));
    }
}
