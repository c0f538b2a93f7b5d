//! Authenticator Pro's (now Stratum's) `.authpro` backup (<https://github.com/stratumauth/app>, `Stratum.Core`:
//! `Backup/Backup.cs` and `Backup/Encryption/`).
//!
//! Plain: `{"Authenticators": [{"Type", "Issuer", "Username", "Secret", "Pin", "Algorithm", "Digits", "Period",
//! "Counter"}], "Categories": [{"Id", "Name"}], "AuthenticatorCategories": [{"CategoryId",
//! "AuthenticatorSecret"}]}`; `Type` 1 is HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex, `Algorithm` 0 SHA1, 1 SHA256,
//! 2 SHA512. Encrypted: `AUTHENTICATORPRO`, a 16-byte salt, a 12-byte nonce, then the JSON sealed with AES-256-GCM
//! under Argon2id of the password (64 MiB, 3 passes, 4 lanes); or, from older versions, `AuthenticatorPro`, a
//! 20-byte salt, a 16-byte IV, then the JSON in AES-256-CBC under PBKDF2-HMAC-SHA1 of the password (64,000 rounds),
//! which has no MAC: a wrong password shows as bad padding or as a file that is not JSON.
//!
//! What the conversion loses: icons and the order. Categories are kept as groups; mOTP and Yandex entries are
//! listed as skipped.

use serde_json::Value;

use super::entry::{Entry, Fields, SecretText};
use super::{File, Format, ImportError, Importer, Parsed, Protection, cipher, number, text};

/// Authenticator Pro's plain and encrypted backups.
pub(crate) struct AuthenticatorPro;

/// The mark of an encrypted backup, and of one from before its Argon2id encryption.
const STRONG: &[u8] = b"AUTHENTICATORPRO";
const LEGACY: &[u8] = b"AuthenticatorPro";

impl Importer for AuthenticatorPro {
    fn format(&self) -> Format {
        Format::AuthenticatorPro
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        if file.bytes.starts_with(STRONG) || file.bytes.starts_with(LEGACY) {
            return Some(Protection::Encrypted);
        }
        file.json.as_ref()?.get("Authenticators")?.as_array().map(|_| Protection::Plain)
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        let plain;
        let json = match (&file.json, password) {
            (Some(json), _) => json,
            (None, Some(password)) => {
                let bytes = decrypt(file.bytes, password)?;
                plain = serde_json::from_slice::<Value>(&bytes);
                // Without a MAC, a wrong password for the older format can only show as data that is not JSON.
                let legacy = file.bytes.starts_with(LEGACY);
                match &plain {
                    Ok(json) => json,
                    Err(_) if legacy => return Err(ImportError::WrongPassword(Format::AuthenticatorPro)),
                    Err(_) => return Err(damaged("its decrypted backup is not JSON")),
                }
            }
            (None, None) => return Err(ImportError::NeedsPassword(Format::AuthenticatorPro)),
        };
        Ok(read_backup(json))
    }
}

fn damaged(reason: &'static str) -> ImportError {
    ImportError::Damaged { format: Format::AuthenticatorPro, reason }
}

fn decrypt(bytes: &[u8], password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    let wrong = ImportError::WrongPassword(Format::AuthenticatorPro);
    if bytes.starts_with(STRONG) {
        let (Some(salt), Some(nonce), Some(sealed)) = (bytes.get(16..32), bytes.get(32..44), bytes.get(44..)) else {
            return Err(damaged("it is cut short"));
        };
        let key =
            cipher::argon2id(password.as_bytes(), salt, 64 * 1024, 3, 4).ok_or(damaged("its salt is too short"))?;
        cipher::aes_gcm_open(key.as_ref(), nonce, sealed, &[]).ok_or(wrong)
    } else {
        let (Some(salt), Some(iv), Some(sealed)) = (bytes.get(16..36), bytes.get(36..52), bytes.get(52..)) else {
            return Err(damaged("it is cut short"));
        };
        let key = cipher::pbkdf2_sha1(password.as_bytes(), salt, 64_000);
        cipher::aes_cbc_open(key.as_ref(), iv, sealed).ok_or(wrong)
    }
}

fn read_backup(json: &Value) -> Parsed {
    let list = |key| json[key].as_array().map_or(&[][..], Vec::as_slice);
    let (categories, bindings) = (list("Categories"), list("AuthenticatorCategories"));
    let mut parsed = Parsed::default();
    for item in list("Authenticators") {
        let kind = match number(item, "Type").unwrap_or(2) {
            1 => "hotp",
            2 => "totp",
            3 => "motp",
            4 => "steam",
            5 => "yandex",
            _ => "unknown",
        };
        let algorithm = match number(item, "Algorithm").unwrap_or(0) {
            0 => "SHA1",
            1 => "SHA256",
            2 => "SHA512",
            _ => "unknown",
        };
        let secret = text(item, "Secret");
        let fields = Fields {
            kind,
            algorithm: Some(algorithm),
            digits: number(item, "Digits"),
            period: number(item, "Period"),
            counter: number(item, "Counter"),
            ..Fields::totp(text(item, "Issuer"), text(item, "Username"), SecretText::Base32(secret))
        };
        // Categories bind to an authenticator by its secret.
        let groups = bindings
            .iter()
            .filter(|b| text(b, "AuthenticatorSecret") == secret)
            .filter_map(|b| categories.iter().find(|c| text(c, "Id") == text(b, "CategoryId")))
            .map(|c| text(c, "Name").to_owned());
        parsed.push(fields.account_or_skip().map(|account| Entry { groups: groups.collect(), ..Entry::new(account) }));
    }
    parsed
}
