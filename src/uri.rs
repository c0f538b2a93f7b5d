//! `otpauth://` URIs, the text inside nearly every two-factor QR code.
//!
//! Format: Google's "Key Uri Format" (<https://github.com/google/google-authenticator/wiki/Key-Uri-Format>):
//! `otpauth://TYPE/LABEL?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30&counter=N`.
//!
//! Parsing is lenient where real QR codes differ from the spec: the type in any case; a label separated by `:` or
//! `%3A`; `%20` or `+` for spaces; secrets in lower case, padded or spaced; unknown parameters (`image`, `color`,
//! `codeDisplay`…) ignored; Steam Guard as `otpauth://steam/` or `encoder=steam`. When the `issuer` parameter and
//! the label prefix differ, the parameter wins, as the spec recommends. Parameter values that are out of range are
//! errors that name the field and what is allowed: a code computed with a silently changed parameter would be
//! wrong without anyone noticing.
//!
//! Formatting writes every parameter explicitly and percent-encodes the label, so [`parse`] reads back exactly
//! the same account.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::{self, Algorithm, Digits, Otp, OtpError, Period, quote};
use crate::secret::{Secret, SecretError};

/// Why a text is not a usable `otpauth://` URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// The text has no `scheme://` at all.
    #[error(
        "This text is not an authenticator link. Authenticator links start with otpauth://; scan or paste the QR code the service shows for two-factor set-up."
    )]
    NotALink,
    /// A link of another kind, such as `https://`.
    #[error(
        "This is a {0}:// link, not an authenticator link. Authenticator links start with otpauth://; scan or paste the QR code the service shows for two-factor set-up."
    )]
    WrongScheme(String),
    /// A Google Authenticator export, which holds several accounts.
    #[error(
        "This is a Google Authenticator export (otpauth-migration://), which can hold several accounts. Import it as an export rather than as a single account."
    )]
    MigrationLink,
    /// A type other than `totp`, `hotp` or `steam`.
    #[error("The link is of the kind \"{0}\", which Twofold does not know. Twofold reads totp, hotp and steam links.")]
    UnknownType(String),
    /// No `secret` parameter.
    #[error(
        "The link has no secret= parameter, so no codes can be made from it. Ask the service for a new QR code or for the secret key."
    )]
    MissingSecret,
    /// The secret is not valid base32.
    #[error("The link's secret= parameter is not valid. {0}")]
    Secret(#[from] SecretError),
    /// An HOTP link without a counter.
    #[error(
        "This counter-based (hotp) link has no counter= parameter, so the current code is unknown. Ask the service for a new QR code, or add counter=0 if it says codes start at zero."
    )]
    MissingCounter,
    /// A parameter with a value outside what is allowed.
    #[error("The link's {0}")]
    Parameter(#[from] OtpError),
    /// Percent-encoding that does not decode to UTF-8 text.
    #[error("The link's {0} is not valid text (broken %-encoding). Scan the QR code again or copy the whole link.")]
    BadEncoding(&'static str),
}

/// Characters written as-is in a label or parameter value: unreserved URI characters and `@`.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'@');

/// Decodes `%XX` escapes and `+` as a space (as form encoding does, and as real QR codes expect).
fn decode_component<'a>(text: &'a str, what: &'static str) -> Result<Cow<'a, str>, UriError> {
    let spaced: Cow<'a, str> =
        if text.contains('+') { Cow::Owned(text.replace('+', " ")) } else { Cow::Borrowed(text) };
    let decoded = percent_decode_str(&spaced).decode_utf8().map_err(|_| UriError::BadEncoding(what))?;
    Ok(Cow::Owned(decoded.into_owned()))
}

fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, KEEP).to_string()
}

/// Splits `scheme://rest` and reports links that are not `otpauth://`.
pub(crate) fn split_scheme(text: &str) -> Result<(&str, &str), UriError> {
    let (scheme, rest) = text.trim().split_once("://").ok_or(UriError::NotALink)?;
    let valid_scheme =
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Err(UriError::NotALink);
    }
    Ok((scheme, rest))
}

/// The `key=value` pairs of a query string, keys lower-cased. Values stay encoded until used.
fn query_pairs(query: &str) -> impl Iterator<Item = (String, &str)> {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key.to_ascii_lowercase(), value)
    })
}

/// The decoded value of the query parameter `name` (in any case) of a link, if it has one.
///
/// ```
/// let link = "otpauth://totp/A?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%22pinned%22%3Atrue%7D";
/// assert_eq!(twofold::uri::parameter(link, "codedisplay").as_deref(), Some(r#"{"pinned":true}"#));
/// ```
pub fn parameter(link: &str, name: &str) -> Option<String> {
    let query = link.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(before, _)| before);
    let name = name.to_ascii_lowercase();
    let (_, value) = query_pairs(query).find(|(key, _)| *key == name)?;
    decode_component(value, "parameter").ok().map(Cow::into_owned)
}

/// Reads an `otpauth://` URI into an account.
///
/// ```
/// let account = twofold::uri::parse(
///     "otpauth://totp/Kaltura%20Events:user@example.com?secret=jbswy3dpehpk3pxp&issuer=Kaltura%20Events",
/// ).unwrap();
/// assert_eq!(account.issuer, "Kaltura Events");
/// assert_eq!(account.name, "user@example.com");
/// assert_eq!(account.otp.digits(), 6);
/// ```
pub fn parse(text: &str) -> Result<Account, UriError> {
    let (scheme, rest) = split_scheme(text)?;
    if scheme.eq_ignore_ascii_case("otpauth-migration") {
        return Err(UriError::MigrationLink);
    }
    if !scheme.eq_ignore_ascii_case("otpauth") {
        return Err(UriError::WrongScheme(quote(scheme)));
    }
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (kind, raw_label) = path.split_once('/').unwrap_or((path, ""));
    let kind = kind.to_ascii_lowercase();

    let mut secret = None;
    let mut issuer = None;
    let mut algorithm = None;
    let mut digits = None;
    let mut period = None;
    let mut counter = None;
    let mut steam_encoder = false;
    for (key, value) in query_pairs(query) {
        match key.as_str() {
            "secret" if secret.is_none() => {
                let text = Zeroizing::new(decode_component(value, "secret")?.into_owned());
                secret = Some(Secret::from_base32(&text)?);
            }
            "issuer" if issuer.is_none() => issuer = Some(decode_component(value, "issuer")?.into_owned()),
            "algorithm" if algorithm.is_none() => {
                algorithm = Some(Algorithm::parse(&decode_component(value, "algorithm")?)?)
            }
            "digits" if digits.is_none() => digits = Some(decode_component(value, "digits")?.into_owned()),
            "period" if period.is_none() => period = Some(Period::parse(&decode_component(value, "period")?)?),
            "counter" if counter.is_none() => counter = Some(otp::parse_counter(&decode_component(value, "counter")?)?),
            "encoder" => steam_encoder |= decode_component(value, "encoder")?.eq_ignore_ascii_case("steam"),
            _ => {}
        }
    }

    let secret = secret.ok_or(UriError::MissingSecret)?;
    let algorithm = algorithm.unwrap_or_default();
    let period = period.unwrap_or_default();
    let otp = match kind.as_str() {
        "steam" => Otp::Steam { period },
        "totp" if steam_encoder => Otp::Steam { period },
        "totp" => Otp::Totp {
            algorithm,
            digits: digits.as_deref().map(Digits::parse).transpose()?.unwrap_or_default(),
            period,
        },
        "hotp" => Otp::Hotp {
            algorithm,
            digits: digits.as_deref().map(Digits::parse).transpose()?.unwrap_or_default(),
            counter: counter.ok_or(UriError::MissingCounter)?,
        },
        other => return Err(UriError::UnknownType(quote(other))),
    };

    let label = decode_component(raw_label, "label")?;
    let (issuer, name) = Account::split_label(&label, issuer.as_deref());
    Ok(Account { issuer, name, secret, otp })
}

/// Writes an account as an `otpauth://` URI. The result holds the secret and is wiped from memory when dropped.
///
/// ```
/// use twofold::{Account, Otp, Secret};
/// let account = Account::new("Example", "alice@example.com", Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(), Otp::default());
/// let uri = twofold::uri::format(&account);
/// assert_eq!(
///     uri.as_str(),
///     "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30",
/// );
/// assert_eq!(twofold::uri::parse(&uri).unwrap(), account);
/// ```
pub fn format(account: &Account) -> Zeroizing<String> {
    let kind = match account.otp {
        Otp::Totp { .. } => "totp",
        Otp::Hotp { .. } => "hotp",
        Otp::Steam { .. } => "steam",
    };
    let label = if !account.issuer.is_empty() {
        format!("{}:{}", encode_component(&account.issuer), encode_component(&account.name))
    } else if account.name.contains(':') {
        // An empty prefix keeps a colon in the name from being read as an issuer.
        format!(":{}", encode_component(&account.name))
    } else {
        encode_component(&account.name)
    };
    let mut uri = Zeroizing::new(format!("otpauth://{kind}/{label}?secret="));
    uri.push_str(&account.secret.to_base32());
    if !account.issuer.is_empty() {
        uri.push_str("&issuer=");
        uri.push_str(&encode_component(&account.issuer));
    }
    let params = match account.otp {
        Otp::Totp { algorithm, digits, period } => {
            format!("&algorithm={algorithm}&digits={}&period={}", digits.get(), period.seconds())
        }
        Otp::Hotp { algorithm, digits, counter } => {
            format!("&algorithm={algorithm}&digits={}&counter={counter}", digits.get())
        }
        Otp::Steam { period } => {
            format!("&digits={}&period={}", otp::STEAM_DIGITS, period.seconds())
        }
    };
    uri.push_str(&params);
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXP";

    fn parse_ok(uri: &str) -> Account {
        parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"))
    }

    #[test]
    fn type_is_read_in_any_case() {
        assert!(matches!(parse_ok("OTPAUTH://TOTP/a?secret=JBSWY3DPEHPK3PXP").otp, Otp::Totp { .. }));
        assert!(matches!(
            parse_ok("otpauth://HoTp/a?secret=JBSWY3DPEHPK3PXP&counter=3").otp,
            Otp::Hotp { counter: 3, .. }
        ));
    }

    #[test]
    fn label_separators_and_spaces_are_decoded() {
        for uri in [
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/ACME+Co%3Ajohn.doe@email.com?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/ACME%20Co%3A%20%20john.doe@email.com?secret=JBSWY3DPEHPK3PXP",
        ] {
            let a = parse_ok(uri);
            assert_eq!((a.issuer.as_str(), a.name.as_str()), ("ACME Co", "john.doe@email.com"), "{uri}");
        }
    }

    #[test]
    fn issuer_parameter_wins_over_label_prefix() {
        let a = parse_ok("otpauth://totp/Old:bob?secret=JBSWY3DPEHPK3PXP&issuer=New");
        assert_eq!((a.issuer.as_str(), a.name.as_str()), ("New", "bob"));
    }

    #[test]
    fn lower_case_padded_and_spaced_secrets_are_normalised() {
        let canonical = parse_ok("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP").secret;
        for secret in [
            "jbswy3dpehpk3pxp",
            "JBSWY3DPEHPK3PXP%3D%3D%3D%3D%3D%3D",
            "JBSW%20Y3DP+EHPK%203PXP",
            "JBSWY3DPEHPK3PXP======",
        ] {
            assert_eq!(parse_ok(&format!("otpauth://totp/a?secret={secret}")).secret, canonical, "{secret}");
        }
    }

    #[test]
    fn unknown_parameters_are_ignored() {
        let a = parse_ok(
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fx%2Fy.png&color=red&codeDisplay=%7B%7D",
        );
        assert_eq!(a.otp, Otp::default());
    }

    #[test]
    fn steam_is_read_from_its_type_or_its_encoder() {
        for uri in [
            "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&digits=5",
            "otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&encoder=steam",
        ] {
            assert_eq!(parse_ok(uri).otp, Otp::Steam { period: Period::THIRTY }, "{uri}");
        }
    }

    #[test]
    fn each_kind_of_malformed_uri_has_its_own_error() {
        let cases: [(&str, UriError); 9] = [
            ("otpauth://totp/a?issuer=x", UriError::MissingSecret),
            ("otpauth://totp/a?secret=JBSWY3DP1HPK3PXP", UriError::Secret(SecretError::InvalidCharacter)),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=12",
                UriError::Parameter(OtpError::UnsupportedDigits("12".into())),
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
                UriError::Parameter(OtpError::InvalidPeriod("0".into())),
            ),
            ("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP", UriError::MissingCounter),
            ("https://example.com/?secret=JBSWY3DPEHPK3PXP", UriError::WrongScheme("https".into())),
            ("otpauth://motp/a?secret=JBSWY3DPEHPK3PXP", UriError::UnknownType("motp".into())),
            ("otpauth-migration://offline?data=CgA", UriError::MigrationLink),
            ("hello world", UriError::NotALink),
        ];
        for (uri, expected) in cases {
            assert_eq!(parse(uri).unwrap_err(), expected, "{uri}");
        }
    }

    #[test]
    fn errors_never_repeat_the_secret_or_the_link() {
        let uri = format!("otpauth://totp/a?secret={SECRET}&digits=12");
        let message = parse(&uri).unwrap_err().to_string();
        assert!(!message.contains(SECRET) && !message.contains("otpauth://totp/a"), "{message}");
        assert!(message.contains("digits=12") && message.contains("6, 7 or 8"), "{message}");
    }

    #[test]
    fn formatting_escapes_separators_in_names() {
        let account = Account::new("A:B & C", "x+y%z", Secret::from_base32(SECRET).unwrap(), Otp::default());
        let uri = format(&account);
        assert!(uri.starts_with("otpauth://totp/A%3AB%20%26%20C:x%2By%25z?"), "{}", uri.as_str());
        assert_eq!(parse(&uri).unwrap(), account);
        let colon_name = Account::new("", "a:b", Secret::from_base32(SECRET).unwrap(), Otp::default());
        assert_eq!(parse(&format(&colon_name)).unwrap(), colon_name);
    }
}
