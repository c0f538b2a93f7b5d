//! andOTP's backup (<https://github.com/andOTP/andOTP>, its `Entry`, `BackupHelper` and `EncryptionHelper`): a JSON
//! list of entries `{"secret", "issuer", "label", "digits", "type", "algorithm", "period", "counter", "tags",
//! "thumbnail", "last_used", "used_frequency"}`, the secret in base32; `type` is TOTP, HOTP or STEAM. Very old
//! backups have no `issuer` and a label `Issuer - Account`.
//!
//! Encrypted (`.json.aes`), the file has no magic: 4 bytes of PBKDF2 rounds (big-endian), a 12-byte salt, a
//! 12-byte nonce, then the JSON sealed with AES-256-GCM under PBKDF2-HMAC-SHA1 of the password. The format before
//! it, a 12-byte nonce and the JSON sealed under SHA-256 of the password, is tried when the newer one does not open:
//! it cannot be told apart from other binary files by its bytes alone.
//!
//! What the conversion loses: thumbnails and usage counts. Tags are kept as groups.

use serde_json::Value;
use sha2::Digest;

use super::entry::{Entry, Fields, SecretText};
use super::{File, Format, ImportError, Importer, Parsed, Protection, cipher, number, text};

/// andOTP's plain and encrypted backups.
pub(crate) struct AndOtp;

/// The PBKDF2 rounds an encrypted backup may ask for: andOTP picks 140,000 to 160,000; more than this is another
/// kind of file.
const MAX_ROUNDS: u32 = 10_000_000;

/// The bytes before the sealed JSON: rounds, salt and nonce.
const HEADER: usize = 4 + 12 + 12;

/// The PBKDF2 rounds of an encrypted backup in the newer format, if `bytes` can be one.
fn rounds(bytes: &[u8]) -> Option<u32> {
    let rounds = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
    ((1..=MAX_ROUNDS).contains(&rounds) && bytes.len() >= HEADER + 16).then_some(rounds)
}

impl Importer for AndOtp {
    fn format(&self) -> Format {
        Format::AndOtp
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        if file.text.is_none() && rounds(file.bytes).is_some() {
            return Some(Protection::Encrypted);
        }
        let first = file.json.as_ref()?.as_array()?.first()?;
        (first.get("secret").is_some() && first.get("type").is_some() && first.get("label").is_some())
            .then_some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        let damaged = |reason| ImportError::Damaged { format: Format::AndOtp, reason };
        match (&file.json, password) {
            (Some(json), _) => read_entries(json),
            (None, Some(password)) => {
                let plain = decrypt(file.bytes, password).ok_or(ImportError::WrongPassword(Format::AndOtp))?;
                read_entries(&serde_json::from_slice(&plain).map_err(|_| damaged("its decrypted backup is not JSON"))?)
            }
            (None, None) => Err(ImportError::NeedsPassword(Format::AndOtp)),
        }
    }
}

/// An encrypted backup, opened in the newer format or, failing that, the older one.
pub(crate) fn decrypt(bytes: &[u8], password: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let newer = rounds(bytes).and_then(|rounds| {
        let key = cipher::pbkdf2_sha1(password.as_bytes(), &bytes[4..16], rounds);
        cipher::aes_gcm_open(key.as_ref(), &bytes[16..HEADER], &bytes[HEADER..], &[])
    });
    newer.or_else(|| {
        let key: zeroize::Zeroizing<[u8; 32]> =
            zeroize::Zeroizing::new(sha2::Sha256::digest(password.as_bytes()).into());
        cipher::aes_gcm_open(key.as_ref(), bytes.get(..12)?, bytes.get(12..)?, &[])
    })
}

fn read_entries(json: &Value) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::default();
    for item in json.as_array().into_iter().flatten() {
        let (issuer, label) = match (text(item, "issuer"), text(item, "label")) {
            ("", label) => label.split_once(" - ").unwrap_or(("", label)),
            both => both,
        };
        let fields = Fields {
            kind: text(item, "type"),
            algorithm: item.get("algorithm").and_then(Value::as_str),
            digits: number(item, "digits"),
            period: number(item, "period"),
            counter: number(item, "counter"),
            ..Fields::totp(issuer, label, SecretText::Base32(text(item, "secret")))
        };
        let tags = item["tags"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned);
        parsed.push(fields.account_or_skip().map(|account| Entry { groups: tags.collect(), ..Entry::new(account) }));
    }
    Ok(parsed)
}
