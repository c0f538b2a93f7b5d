//! One-time password generation: TOTP (RFC 6238), HOTP (RFC 4226) and Steam Guard.
//!
//! HMAC and dynamic truncation come from `totp-rs`. It has no HOTP mode, but HOTP is TOTP with a one-second
//! step evaluated at "time" = counter (RFC 6238 §4 defines TOTP as HOTP over ⌊t / step⌋), so both use one code path.
//! `totp-rs` is built with its non-compliant builder because real services hand out 80-bit secrets.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::secret::Secret;

/// The longest period accepted: one day.
pub const MAX_PERIOD: u32 = 86_400;

/// Why a set of code parameters is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OtpError {
    /// An algorithm other than SHA1, SHA256 or SHA512.
    #[error("algorithm={0} is not supported. Use SHA1, SHA256 or SHA512 (most services use SHA1).")]
    UnsupportedAlgorithm(String),
    /// A digit count other than 6, 7 or 8.
    #[error("digits={0} is not supported. Use 6, 7 or 8 digits (most services use 6).")]
    UnsupportedDigits(String),
    /// A period outside 1 second to 1 day.
    #[error("period={0} is not valid. Use a whole number of seconds from 1 to 86400 (most services use 30).")]
    InvalidPeriod(String),
    /// A counter that is not a whole number from 0 to 2^64 − 1.
    #[error("counter={0} is not valid. Use a whole number from 0 upwards.")]
    InvalidCounter(String),
}

/// Shortens a value quoted in an error message so no long input is echoed back.
pub(crate) fn quote(value: &str) -> String {
    const MAX: usize = 24;
    let mut shown: String = value.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if value.chars().count() > MAX {
        shown.push('…');
    }
    shown
}

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, what nearly every service uses.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in otpauth URIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Reads `SHA1`, `sha256`, `SHA-512`… in any case.
    pub fn parse(text: &str) -> Result<Self, OtpError> {
        match text.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpError::UnsupportedAlgorithm(quote(text))),
        }
    }

    fn to_totp_rs(self) -> totp_rs::Algorithm {
        match self {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The number of digits of a TOTP or HOTP code: 6, 7 or 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digits(u8);

impl Digits {
    /// Six digits, the common default.
    pub const SIX: Digits = Digits(6);

    /// Accepts 6, 7 or 8.
    pub fn new(digits: u8) -> Result<Self, OtpError> {
        match digits {
            6..=8 => Ok(Digits(digits)),
            other => Err(OtpError::UnsupportedDigits(other.to_string())),
        }
    }

    /// Reads the text of a `digits=` parameter.
    pub fn parse(text: &str) -> Result<Self, OtpError> {
        text.trim().parse::<u8>().map_err(|_| OtpError::UnsupportedDigits(quote(text))).and_then(Digits::new)
    }

    /// The count as a number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for Digits {
    fn default() -> Self {
        Digits::SIX
    }
}

/// How long a TOTP code lives: 1 second to 1 day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period(u32);

impl Period {
    /// Thirty seconds, the common default.
    pub const THIRTY: Period = Period(30);

    /// Accepts 1 to 86 400 seconds.
    pub fn new(seconds: u32) -> Result<Self, OtpError> {
        match seconds {
            1..=MAX_PERIOD => Ok(Period(seconds)),
            other => Err(OtpError::InvalidPeriod(other.to_string())),
        }
    }

    /// Reads the text of a `period=` parameter.
    pub fn parse(text: &str) -> Result<Self, OtpError> {
        text.trim().parse::<u32>().map_err(|_| OtpError::InvalidPeriod(quote(text))).and_then(Period::new)
    }

    /// The period in seconds.
    pub fn seconds(self) -> u32 {
        self.0
    }
}

impl Default for Period {
    fn default() -> Self {
        Period::THIRTY
    }
}

/// Reads the text of a `counter=` parameter.
pub fn parse_counter(text: &str) -> Result<u64, OtpError> {
    text.trim().parse::<u64>().map_err(|_| OtpError::InvalidCounter(quote(text)))
}

/// The kind of code an account makes, without its parameters: what the UI shows and the manual form asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Time-based (most services).
    #[default]
    Totp,
    /// Counter-based.
    Hotp,
    /// Steam Guard.
    Steam,
}

/// How an account's codes are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Otp {
    /// Time-based codes that change every period.
    Totp {
        /// The HMAC hash.
        algorithm: Algorithm,
        /// Code length.
        digits: Digits,
        /// Code lifetime.
        period: Period,
    },
    /// Counter-based codes that change when the user asks for the next one.
    Hotp {
        /// The HMAC hash.
        algorithm: Algorithm,
        /// Code length.
        digits: Digits,
        /// The counter of the code shown now.
        counter: u64,
    },
    /// Steam Guard: TOTP with HMAC-SHA1 written as 5 characters from Steam's alphabet.
    Steam {
        /// Code lifetime (Steam uses 30 s).
        period: Period,
    },
}

impl Default for Otp {
    fn default() -> Self {
        Otp::Totp { algorithm: Algorithm::Sha1, digits: Digits::SIX, period: Period::THIRTY }
    }
}

/// The number of characters of a Steam Guard code.
pub const STEAM_DIGITS: u8 = 5;

impl Otp {
    /// Whether codes are time-based, counter-based or Steam's.
    pub fn kind(&self) -> Kind {
        match self {
            Otp::Totp { .. } => Kind::Totp,
            Otp::Hotp { .. } => Kind::Hotp,
            Otp::Steam { .. } => Kind::Steam,
        }
    }

    /// The HMAC hash (Steam always uses SHA1).
    pub fn algorithm(&self) -> Algorithm {
        match *self {
            Otp::Totp { algorithm, .. } | Otp::Hotp { algorithm, .. } => algorithm,
            Otp::Steam { .. } => Algorithm::Sha1,
        }
    }

    /// The number of characters in a code.
    pub fn digits(&self) -> u8 {
        match *self {
            Otp::Totp { digits, .. } | Otp::Hotp { digits, .. } => digits.get(),
            Otp::Steam { .. } => STEAM_DIGITS,
        }
    }

    /// The period of time-based codes; `None` for HOTP.
    pub fn period(&self) -> Option<Period> {
        match *self {
            Otp::Totp { period, .. } | Otp::Steam { period } => Some(period),
            Otp::Hotp { .. } => None,
        }
    }

    /// The code for a moving factor: the time step number for TOTP and Steam, the counter for HOTP.
    fn code_for_step(&self, secret: &Secret, step: u64) -> Code {
        let (algorithm, digits) = match *self {
            Otp::Totp { algorithm, digits, .. } | Otp::Hotp { algorithm, digits, .. } => {
                (algorithm.to_totp_rs(), digits.get())
            }
            Otp::Steam { .. } => (totp_rs::Algorithm::Steam, STEAM_DIGITS),
        };
        // A one-second step makes totp-rs use the given value itself as the moving factor.
        let engine = totp_rs::Builder::new()
            .with_algorithm(algorithm)
            .with_digits(digits)
            .with_step_duration(1)
            .with_secret(secret.expose())
            .build_noncompliant();
        Code(engine.generate(step).to_string())
    }

    /// The codes at a Unix time in seconds (ignored by HOTP, which uses its counter).
    pub fn codes_at(&self, secret: &Secret, unix_time: u64) -> Codes {
        match *self {
            Otp::Totp { period, .. } | Otp::Steam { period } => {
                let period = u64::from(period.seconds());
                let step = unix_time / period;
                Codes {
                    current: self.code_for_step(secret, step),
                    next: self.code_for_step(secret, step + 1),
                    // Always 1..=period, which fits in u32 because a period does.
                    seconds_left: Some((period - unix_time % period) as u32),
                }
            }
            Otp::Hotp { counter, .. } => Codes {
                current: self.code_for_step(secret, counter),
                next: self.code_for_step(secret, counter.wrapping_add(1)),
                seconds_left: None,
            },
        }
    }
}

/// The codes of an account at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codes {
    /// The code valid now.
    pub current: Code,
    /// The code that follows: the next period's, or the next counter's for HOTP.
    pub next: Code,
    /// Seconds until `current` expires (1 to the period); `None` for HOTP.
    pub seconds_left: Option<u32>,
}

/// Below this many seconds left, a quick copy takes the next code ([`Codes::to_copy`]).
pub const NEXT_CODE_UNDER_SECONDS: u32 = 5;

impl Codes {
    /// The code a quick copy takes, and whether it is the next one: with fewer than
    /// [`NEXT_CODE_UNDER_SECONDS`] left, the current code would expire while it is pasted and sent, so the next
    /// one is taken (services accept the code of the next period too). HOTP codes do not expire: the current one.
    pub fn to_copy(&self) -> (&Code, bool) {
        match self.seconds_left {
            Some(left) if left < NEXT_CODE_UNDER_SECONDS => (&self.next, true),
            _ => (&self.current, false),
        }
    }
}

/// A one-time code as shown to the user: digits, or Steam's letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code(String);

impl Code {
    /// The code without spaces, as it is typed or pasted.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code split in two groups for reading: `123 456`, `123 4567`, `1234 5678`; Steam codes stay whole.
    pub fn grouped(&self) -> String {
        grouped(&self.0)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A code's text split in two groups for reading, as [`Code::grouped`] does: for codes that arrive as text (from
/// the running app, say).
pub fn grouped(code: &str) -> String {
    let len = code.len();
    if len < 6 || !code.is_ascii() {
        return code.to_owned();
    }
    let (head, tail) = code.split_at(len / 2);
    format!("{head} {tail}")
}

/// Seconds since the Unix epoch by the system clock (0 if the clock is set before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_copy_takes_the_next_code_when_fewer_than_five_seconds_are_left() {
        let otp = Otp::default();
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        // 30-second periods: at 25 five seconds are left, at 26 four.
        let at = |t| otp.codes_at(&secret, t);
        assert_eq!(at(25).to_copy(), (&at(25).current, false));
        assert_eq!(at(26).to_copy(), (&at(26).next, true));
        assert_eq!(at(29).to_copy().0, &at(30).current);
        let hotp = Otp::Hotp { algorithm: Algorithm::Sha1, digits: Digits::SIX, counter: 0 };
        assert_eq!(hotp.codes_at(&secret, 29).to_copy(), (&hotp.codes_at(&secret, 29).current, false));
    }

    fn totp(algorithm: Algorithm, digits: u8, period: u32) -> Otp {
        Otp::Totp { algorithm, digits: Digits::new(digits).unwrap(), period: Period::new(period).unwrap() }
    }

    #[test]
    fn seconds_left_counts_down_to_one_within_a_period() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let otp = totp(Algorithm::Sha1, 6, 30);
        assert_eq!(otp.codes_at(&secret, 60).seconds_left, Some(30));
        assert_eq!(otp.codes_at(&secret, 89).seconds_left, Some(1));
        assert_eq!(otp.codes_at(&secret, 89).next, otp.codes_at(&secret, 90).current);
    }

    #[test]
    fn hotp_next_code_is_the_next_counters_code() {
        let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
        let at = |counter| Otp::Hotp { algorithm: Algorithm::Sha1, digits: Digits::SIX, counter };
        let codes = at(4).codes_at(&secret, 0);
        assert_eq!(codes.current.as_str(), "338314");
        assert_eq!(codes.next, at(5).codes_at(&secret, 999).current);
        assert_eq!(codes.seconds_left, None);
    }

    #[test]
    fn codes_are_grouped_in_two_halves() {
        assert_eq!(Code("123456".into()).grouped(), "123 456");
        assert_eq!(Code("1234567".into()).grouped(), "123 4567");
        assert_eq!(Code("12345678".into()).grouped(), "1234 5678");
        assert_eq!(Code("4FR2K".into()).grouped(), "4FR2K");
    }

    #[test]
    fn steam_codes_are_five_characters_of_steams_alphabet() {
        let secret = Secret::from_base32("JRZCL47CMXVOQMNPZR2F7J4RGI").unwrap();
        let code = Otp::Steam { period: Period::THIRTY }.codes_at(&secret, 1_700_000_000).current;
        assert_eq!(code.as_str().len(), 5);
        assert!(code.as_str().chars().all(|c| "23456789BCDFGHJKMNPQRTVWXY".contains(c)), "{code}");
    }

    #[test]
    fn parameters_outside_their_ranges_name_the_field_and_the_allowed_values() {
        let msg = |e: OtpError| e.to_string();
        assert!(msg(Digits::new(12).unwrap_err()).contains("digits=12"));
        assert!(msg(Digits::new(5).unwrap_err()).contains("6, 7 or 8"));
        assert!(msg(Period::new(0).unwrap_err()).contains("period=0"));
        assert!(msg(Period::new(86_401).unwrap_err()).contains("1 to 86400"));
        assert!(msg(Algorithm::parse("MD5").unwrap_err()).contains("SHA1, SHA256 or SHA512"));
        assert!(msg(parse_counter("-1").unwrap_err()).contains("counter=-1"));
        assert_eq!(Algorithm::parse("sha-256"), Ok(Algorithm::Sha256));
        assert_eq!(Period::new(MAX_PERIOD).map(Period::seconds), Ok(86_400));
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let e = Digits::parse(&"9".repeat(200)).unwrap_err().to_string();
        assert!(e.len() < 150, "{e}");
    }
}
