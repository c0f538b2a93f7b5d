//! The vault file's JSON, its checksum, and the upgrade path between format versions.
//!
//! The schema is documented in the [module docs of `vault`](super). Every struct keeps the fields it does not
//! know in `extra`, so a file written by a newer minor release keeps them when this release rewrites it.

use data_encoding::{BASE64, HEXLOWER};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::crypto::{KdfParams, NONCE_LEN, Sealed};
use super::keychain::KeychainItem;

/// The `format` field's value.
pub const FORMAT: &str = "twofold-vault";
/// The format version this release writes.
pub const VERSION: u32 = 1;

const CHECKSUM_PLACEHOLDER: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The outer, unencrypted part of the vault file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Header {
    pub format: String,
    pub version: u32,
    pub vault_id: String,
    pub generation: u64,
    pub saved_at: u64,
    pub slots: Vec<Slot>,
    pub cipher: String,
    pub nonce: String,
    pub data: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One way to unlock the master key: the keychain, or the recovery password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Slot {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<KeychainItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<Kdf>,
    pub nonce: String,
    pub wrapped_key: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

pub(crate) const SLOT_KEYCHAIN: &str = "keychain";
pub(crate) const SLOT_PASSWORD: &str = "password";
pub(crate) const CIPHER: &str = "xchacha20-poly1305";

/// The password slot's key derivation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Kdf {
    pub algorithm: String,
    #[serde(flatten)]
    pub params: KdfParams,
    pub salt: String,
}

/// Why a file could not be read as a vault of this version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FormatProblem {
    /// Damaged: cut short, altered, or not a vault at all.
    Damaged(&'static str),
    /// Written by a newer release.
    TooNew(u64),
}

pub(crate) fn encode_sealed(sealed: &Sealed) -> (String, String) {
    (BASE64.encode(&sealed.nonce), BASE64.encode(&sealed.ciphertext))
}

pub(crate) fn decode_sealed(nonce: &str, data: &str) -> Option<Sealed> {
    let nonce: [u8; NONCE_LEN] = BASE64.decode(nonce.as_bytes()).ok()?.try_into().ok()?;
    let ciphertext = BASE64.decode(data.as_bytes()).ok()?;
    Some(Sealed { nonce, ciphertext })
}

impl Header {
    /// The file's bytes: pretty JSON whose last field is a SHA-256 checksum of the file with the checksum zeroed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).unwrap_or_else(|e| panic!("a vault header always serialises: {e}"));
        if let Value::Object(map) = &mut value {
            map.remove("checksum");
            map.insert("checksum".into(), Value::String(CHECKSUM_PLACEHOLDER.into()));
        }
        let mut bytes =
            serde_json::to_vec_pretty(&value).unwrap_or_else(|e| panic!("a JSON value always serialises: {e}"));
        bytes.push(b'\n');
        let digest = HEXLOWER.encode(&Sha256::digest(&bytes));
        let at = find_last(&bytes, CHECKSUM_PLACEHOLDER.as_bytes()).unwrap_or_else(|| panic!("checksum just written"));
        bytes[at..at + digest.len()].copy_from_slice(digest.as_bytes());
        bytes
    }

    /// Reads and checks a vault file, upgrading older format versions.
    pub fn from_bytes(bytes: &[u8]) -> Result<Header, FormatProblem> {
        verify_checksum(bytes)?;
        let value: Value = serde_json::from_slice(bytes).map_err(|_| FormatProblem::Damaged("it is not valid JSON"))?;
        let mut value = upgrade(value)?;
        if let Value::Object(map) = &mut value {
            map.remove("checksum");
        }
        serde_json::from_value(value).map_err(|_| FormatProblem::Damaged("required fields are missing"))
    }
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn verify_checksum(bytes: &[u8]) -> Result<(), FormatProblem> {
    const KEY: &[u8] = b"\"checksum\": \"";
    let start =
        find_last(bytes, KEY).ok_or(FormatProblem::Damaged("it is cut short or not a Twofold vault"))? + KEY.len();
    let stored =
        bytes.get(start..start + CHECKSUM_PLACEHOLDER.len()).ok_or(FormatProblem::Damaged("it is cut short"))?;
    let mut zeroed = bytes.to_vec();
    zeroed[start..start + CHECKSUM_PLACEHOLDER.len()].copy_from_slice(CHECKSUM_PLACEHOLDER.as_bytes());
    let digest = HEXLOWER.encode(&Sha256::digest(&zeroed));
    if digest.as_bytes() != stored {
        return Err(FormatProblem::Damaged("its checksum does not match, so it was altered or cut short"));
    }
    Ok(())
}

/// Brings a file of any supported version to the current one.
///
/// Version 1 is the first and current version. When version 2 exists, a `v1_to_v2(Value) -> Value` step goes
/// here, applied to files whose `version` is 1, and the function loops until `version == VERSION`.
fn upgrade(value: Value) -> Result<Value, FormatProblem> {
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(FormatProblem::Damaged("it is not a Twofold vault"));
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => Ok(value),
        Some(v) if v > u64::from(VERSION) => Err(FormatProblem::TooNew(v)),
        _ => Err(FormatProblem::Damaged("its format version is missing")),
    }
}

/// The decrypted payload: accounts and trash. Secrets are base32 text inside the encrypted data only.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct PayloadRecord {
    #[serde(default)]
    pub accounts: Vec<AccountRecord>,
    #[serde(default)]
    pub trash: Vec<TrashRecord>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Debug` leaves the secret out.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct AccountRecord {
    pub id: String,
    pub issuer: String,
    pub name: String,
    pub secret: Zeroizing<String>,
    pub otp: OtpRecord,
    #[serde(default)]
    pub favorite: bool,
    #[serde(default)]
    pub added_at: u64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for AccountRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRecord")
            .field("id", &self.id)
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("secret", &format_args!("<redacted>"))
            .field("otp", &self.otp)
            .field("favorite", &self.favorite)
            .field("added_at", &self.added_at)
            .field("extra", &self.extra)
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OtpRecord {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digits: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TrashRecord {
    pub account: AccountRecord,
    pub deleted_at: u64,
    pub position: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            format: FORMAT.into(),
            version: VERSION,
            vault_id: "id".into(),
            generation: 1,
            saved_at: 0,
            slots: vec![],
            cipher: CIPHER.into(),
            nonce: String::new(),
            data: String::new(),
            extra: Map::new(),
        }
    }

    #[test]
    fn the_checksum_catches_any_changed_byte_and_a_cut() {
        let bytes = header().to_bytes();
        assert!(Header::from_bytes(&bytes).is_ok());
        for i in [0, bytes.len() / 3, bytes.len() / 2, bytes.len() - 2] {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x04;
            assert!(matches!(Header::from_bytes(&flipped), Err(FormatProblem::Damaged(_))), "byte {i}");
        }
        assert!(matches!(Header::from_bytes(&bytes[..bytes.len() / 2]), Err(FormatProblem::Damaged(_))));
    }

    #[test]
    fn an_account_record_debug_output_leaves_the_secret_out() {
        let record = AccountRecord {
            id: "a1".into(),
            issuer: "Example".into(),
            name: "bob".into(),
            secret: "JBSWY3DPEHPK3PXP".to_owned().into(),
            otp: OtpRecord {
                kind: "totp".into(),
                algorithm: None,
                digits: None,
                period: None,
                counter: None,
                extra: Map::new(),
            },
            favorite: false,
            added_at: 0,
            extra: Map::new(),
        };
        let shown = format!("{record:?}");
        assert!(!shown.contains("JBSW") && shown.contains("Example"), "{shown}");
    }

    #[test]
    fn unknown_fields_survive_a_rewrite() {
        let mut h = header();
        h.extra.insert("future_field".into(), Value::from(42));
        let again = Header::from_bytes(&h.to_bytes()).unwrap();
        assert_eq!(again.extra.get("future_field"), Some(&Value::from(42)));
        assert!(!again.extra.contains_key("checksum"));
    }

    #[test]
    fn a_newer_version_is_reported_as_too_new() {
        let mut value = serde_json::to_value(header()).unwrap();
        value["version"] = Value::from(9);
        let mut h: Header = serde_json::from_value(value).unwrap();
        h.version = 9;
        assert_eq!(Header::from_bytes(&h.to_bytes()).unwrap_err(), FormatProblem::TooNew(9));
    }
}
