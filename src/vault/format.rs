//! The vault file: its JSON header with the key slots, its checksum, and the upgrade path between versions.
//!
//! # Version 1
//! ```json
//! {
//!   "format": "twofold-vault",
//!   "version": 1,
//!   "vault_id": "32 hex digits, random",
//!   "generation": 7,                          // +1 on every save
//!   "saved_at": 1795400000,                   // Unix seconds
//!   "slots": [
//!     { "type": "keychain", "id": "16 hex digits",
//!       "item": { "service": "Twofold", "account": "vault-<vault_id>-<slot id>" },
//!       "nonce": "base64, 24 bytes", "wrapped_key": "base64: the master key sealed with the keychain key" },
//!     { "type": "password", "id": "16 hex digits",
//!       "kdf": { "algorithm": "argon2id", "memory_kib": 65536, "iterations": 3, "parallelism": 1,
//!                "salt": "base64, 16 bytes" },
//!       "nonce": "base64", "wrapped_key": "base64: the master key sealed with the password's key" }
//!   ],
//!   "cipher": "xchacha20-poly1305",
//!   "nonce": "base64, 24 bytes",
//!   "data": "base64: the payload, sealed with the master key",
//!   "checksum": "hex SHA-256 of this file with these 64 digits set to 0"
//! }
//! ```
//! Sealing binds context as associated data: `twofold-vault/1/<vault_id>` for the payload and
//! `twofold-slot/<vault_id>/<slot id>` for each slot. The payload's records are described in [`super::record`].
//! Every struct keeps the fields it does not know in `extra`, so a file written by a newer minor release keeps them
//! when this release rewrites it. A newer `version` is refused with a message to update Twofold; an older one is
//! upgraded in [`upgrade`].

use data_encoding::{BASE64, HEXLOWER};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

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
