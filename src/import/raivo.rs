//! Raivo OTP's export (<https://github.com/raivo-otp/ios-application>, `DataExportFeature.swift`): a ZIP file
//! encrypted with the app's master password (WinZip AES, which the `zip` crate reads) holding
//! `raivo-otp-export.json` (and a page of QR codes, not read). The JSON is a list of objects whose values are all
//! text: `issuer`, `account`, `secret` (base32), `algorithm`, `digits`, `kind` (TOTP or HOTP), `timer` (the period),
//! `counter`, and in later versions `pinned`, `iconType` and `iconValue`. The JSON alone, unzipped, is read too.
//!
//! What the conversion loses: icons. The pinned mark is kept.

use std::io::Read;

use serde_json::Value;

use super::entry::{Entry, Fields, SecretText};
use super::{File, Format, ImportError, Importer, Parsed, Protection, number, text};

/// Raivo OTP's exports.
pub(crate) struct Raivo;

/// The file inside the ZIP that holds the accounts.
const JSON_NAME: &str = "raivo-otp-export.json";

fn archive(bytes: &[u8]) -> Option<zip::ZipArchive<std::io::Cursor<&[u8]>>> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()
}

impl Importer for Raivo {
    fn format(&self) -> Format {
        Format::Raivo
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        if let Some(archive) = archive(file.bytes) {
            return archive.file_names().any(|name| name == JSON_NAME).then_some(Protection::Encrypted);
        }
        let first = file.json.as_ref()?.as_array()?.first()?;
        (first.get("kind").is_some() && first.get("timer").is_some() && first.get("secret").is_some())
            .then_some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        if let Some(json) = &file.json {
            return Ok(read_list(json));
        }
        let damaged = |reason| ImportError::Damaged { format: Format::Raivo, reason };
        let wrong = ImportError::WrongPassword(Format::Raivo);
        let mut archive = archive(file.bytes).ok_or(damaged("it is not a readable ZIP file"))?;
        let mut entry =
            archive.by_name_decrypt(JSON_NAME, password.unwrap_or_default().as_bytes()).map_err(|e| match e {
                zip::result::ZipError::InvalidPassword => wrong.clone(),
                _ => damaged("its accounts file cannot be read"),
            })?;
        let mut plain = zeroize::Zeroizing::new(Vec::new());
        // The password check before the data is two bytes; the MAC after it settles the rare wrong password it
        // lets through.
        entry.read_to_end(&mut plain).map_err(|_| wrong)?;
        let json: Value = serde_json::from_slice(&plain).map_err(|_| damaged("its accounts file is not JSON"))?;
        Ok(read_list(&json))
    }
}

fn read_list(json: &Value) -> Parsed {
    let mut parsed = Parsed::default();
    for item in json.as_array().into_iter().flatten() {
        let fields = Fields {
            kind: text(item, "kind"),
            algorithm: item.get("algorithm").and_then(Value::as_str),
            digits: number(item, "digits"),
            period: number(item, "timer"),
            counter: number(item, "counter"),
            ..Fields::totp(text(item, "issuer"), text(item, "account"), SecretText::Base32(text(item, "secret")))
        };
        let pinned = item.get("pinned").is_some_and(|p| p.as_str() == Some("true") || p.as_bool() == Some(true));
        parsed.push(fields.account_or_skip().map(|account| Entry { favorite: pinned, ..Entry::new(account) }));
    }
    parsed
}
