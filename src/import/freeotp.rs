//! FreeOTP+'s JSON export (<https://github.com/helloworld1/FreeOTPPlus>, its `Token` and backup code).
//!
//! `{"tokenOrder": [...], "tokens": [{"type", "algo", "digits", "period", "counter", "issuerExt", "issuerInt",
//! "label", "secret"}]}`, the secret as a list of signed bytes (-128 to 127). FreeOTP+ keeps as a token's counter
//! the one its last code used; the next code uses one more, which is the counter Twofold keeps.
//!
//! What the conversion loses: icons, the issuer FreeOTP+ shows when it differs from the link's (`issuerInt`: the
//! link's, `issuerExt`, is kept), and the order (`tokenOrder`); the tokens come in the file's order.

use serde_json::Value;

use super::entry::{Entry, Fields, Reason, SecretText, Skipped};
use super::{File, Format, ImportError, Importer, Parsed, Protection, number, text};

/// FreeOTP+'s exports.
pub(crate) struct FreeOtpPlus;

impl Importer for FreeOtpPlus {
    fn format(&self) -> Format {
        Format::FreeOtpPlus
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        let json = file.json.as_ref()?;
        (json.get("tokens")?.is_array() && json.get("tokenOrder").is_some()).then_some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, _password: Option<&str>) -> Result<Parsed, ImportError> {
        let json =
            file.json.as_ref().ok_or(ImportError::Damaged { format: Format::FreeOtpPlus, reason: "it is not JSON" })?;
        let mut parsed = Parsed::default();
        for token in json["tokens"].as_array().into_iter().flatten() {
            let issuer = Some(text(token, "issuerExt")).filter(|i| !i.is_empty()).unwrap_or(text(token, "issuerInt"));
            let name = text(token, "label");
            let Some(secret) = signed_bytes(&token["secret"]) else {
                parsed.skipped.push(Skipped::new(issuer, name, Reason::Missing("readable secret key")));
                continue;
            };
            let fields = Fields {
                kind: text(token, "type"),
                algorithm: token.get("algo").and_then(Value::as_str),
                digits: number(token, "digits"),
                period: number(token, "period"),
                counter: number(token, "counter").map(|last| last.saturating_add(1)),
                ..Fields::totp(issuer, name, SecretText::Bytes(&secret))
            };
            parsed.push(fields.account_or_skip().map(Entry::new));
        }
        Ok(parsed)
    }
}

/// A list of numbers from -128 to 127 as the bytes they stand for.
fn signed_bytes(value: &Value) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let list = value.as_array()?;
    let bytes = list.iter().map(|n| n.as_i64().and_then(|n| i8::try_from(n).ok()).map(|b| b as u8));
    bytes.collect::<Option<Vec<u8>>>().map(zeroize::Zeroizing::new)
}
