//! Proton Authenticator's export (<https://github.com/protonpass/proton-pass-common>, `proton-authenticator`:
//! `entry/exporter.rs` and `entry/password_exporter.rs`).
//!
//! Plain: `{"version": 1, "entries": [{"id", "content": {"uri", "entry_type", "name"}, "note"}]}`, each entry an
//! `otpauth://` link (read as [`crate::uri`] reads any) or, for Steam, `steam://` and the secret in base32 or
//! base64. Encrypted with a password: `{"version": 1, "salt", "content"}`, `content` being base64 of a 12-byte
//! nonce and the plain export sealed with AES-256-GCM (associated data `proton.authenticator.export.v1`) under
//! Argon2id of the password (19 MiB, 2 passes, 1 lane; the 16-byte salt in base64).
//!
//! What the conversion loses: entry ids. The link's parameters, the name and the note are kept.

use serde_json::Value;

use super::entry::{Entry, Fields, Reason, SecretText, Skipped};
use super::{File, Format, ImportError, Importer, Parsed, Protection, cipher, text};
use crate::account::Account;

/// Proton Authenticator's plain and encrypted exports.
pub(crate) struct Proton;

/// What Proton binds an encrypted export to.
const ASSOCIATED_DATA: &[u8] = b"proton.authenticator.export.v1";

impl Importer for Proton {
    fn format(&self) -> Format {
        Format::Proton
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        let json = file.json.as_ref()?;
        json.get("version")?;
        if json.get("salt").is_some_and(Value::is_string) && json.get("content").is_some_and(Value::is_string) {
            return Some(Protection::Encrypted);
        }
        json.get("entries")?.as_array()?.first()?.get("content")?.get("uri")?;
        Some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        let json = file.json.as_ref().ok_or(damaged("it is not JSON"))?;
        match password {
            Some(password) => {
                let plain = decrypt(json, password)?;
                read_entries(&serde_json::from_slice(&plain).map_err(|_| damaged("its decrypted export is not JSON"))?)
            }
            None => read_entries(json),
        }
    }
}

fn damaged(reason: &'static str) -> ImportError {
    ImportError::Damaged { format: Format::Proton, reason }
}

fn decrypt(json: &Value, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    let salt =
        cipher::base64(text(json, "salt")).filter(|s| s.len() == 16).ok_or(damaged("its salt is not 16 bytes"))?;
    let content = cipher::base64(text(json, "content")).ok_or(damaged("its content is not base64"))?;
    if content.len() < 12 + 16 {
        return Err(damaged("its content is cut short"));
    }
    let key = cipher::argon2id(password.as_bytes(), &salt, 19 * 1024, 2, 1).ok_or(damaged("its salt is too short"))?;
    cipher::aes_gcm_open(key.as_ref(), &content[..12], &content[12..], ASSOCIATED_DATA)
        .ok_or(ImportError::WrongPassword(Format::Proton))
}

fn read_entries(json: &Value) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::default();
    for entry in json["entries"].as_array().into_iter().flatten() {
        let content = &entry["content"];
        let name = text(content, "name");
        let account = account(text(content, "uri"), name).map_err(|reason| Skipped::new("", name, reason));
        parsed.push(account.map(|account| Entry {
            note: entry.get("note").and_then(Value::as_str).filter(|n| !n.is_empty()).map(str::to_owned),
            ..Entry::new(account)
        }));
    }
    Ok(parsed)
}

/// The account of an entry's link: an `otpauth://` link, or `steam://` and its secret in base32 or base64.
fn account(uri: &str, name: &str) -> Result<Account, Reason> {
    let Some(secret) = uri.strip_prefix("steam://") else {
        return Ok(crate::uri::parse(uri)?);
    };
    let base32 = !secret.is_empty()
        && secret.trim_end_matches('=').bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
    let steam = |secret| Fields { kind: "steam", ..Fields::totp("Steam", name, secret) }.account();
    if base32 {
        return steam(SecretText::Base32(secret));
    }
    let bytes = cipher::base64(&secret.replace('-', "+").replace('_', "/"))
        .ok_or(Reason::Secret(crate::secret::SecretError::InvalidCharacter))?;
    steam(SecretText::Bytes(&bytes))
}
