//! The decrypted payload: the accounts, the trash and the paired browsers as JSON records, and their conversion
//! from and to the in-memory model.
//!
//! ```json
//! {
//!   "generation": 7,                          // the header's, sealed so that it cannot be changed unnoticed
//!   "accounts": [
//!     { "id": "32 hex digits", "issuer": "Example", "name": "alice@example.com", "secret": "BASE32",
//!       "otp": { "type": "totp", "algorithm": "SHA1", "digits": 6, "period": 30 },
//!       "favorite": false, "note": "optional", "groups": ["optional"], "websites": ["github.com"],
//!       "added_at": 1795400000 }
//!   ],
//!   "trash": [ { "account": { "...": "as above" }, "deleted_at": 1795400000, "position": 0,
//!                "replaced_by": "id of the account that replaced it, if any" } ],
//!   "pairings": [ { "id": "32 hex digits", "browser": "Firefox", "extension": "its id",
//!                   "key": "base64url of 32 bytes", "paired_at": 1795400000 } ]
//! }
//! ```
//! `otp.type` is `totp` (with `period`), `hotp` (with `counter`: the counter of the code shown now) or `steam`
//! (with `period`). Every record keeps the fields it does not know in `extra`, so they survive a rewrite. Secrets
//! are base32 text inside the encrypted data only.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use data_encoding::BASE64URL_NOPAD;

use super::model::{AccountId, Payload, Stored, StoredPairing, TrashEntry};
use crate::account::Account;
use crate::browser::pairing::PairingKey;
use crate::otp::{Algorithm, Digits, Otp, Period};
use crate::secret::Secret;

/// The decrypted payload: accounts and trash. Secrets are base32 text inside the encrypted data only.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(super) struct PayloadRecord {
    /// The header's generation, repeated inside the sealed data so that it cannot be changed unnoticed. Absent
    /// from files saved before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<u64>,
    #[serde(default)]
    pub accounts: Vec<AccountRecord>,
    #[serde(default)]
    pub trash: Vec<TrashRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairings: Vec<PairingRecord>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A paired browser extension. `Debug` leaves the key out.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct PairingRecord {
    pub id: String,
    pub browser: String,
    pub extension: String,
    /// The pairing's key, base64url.
    pub key: Zeroizing<String>,
    pub paired_at: u64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for PairingRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairingRecord")
            .field("id", &self.id)
            .field("browser", &self.browser)
            .field("extension", &self.extension)
            .field("key", &format_args!("<redacted>"))
            .field("paired_at", &self.paired_at)
            .field("extra", &self.extra)
            .finish()
    }
}

impl StoredPairing {
    fn to_record(&self) -> PairingRecord {
        PairingRecord {
            id: self.id.clone(),
            browser: self.browser.clone(),
            extension: self.extension.clone(),
            key: Zeroizing::new(BASE64URL_NOPAD.encode(self.key.as_bytes())),
            paired_at: self.paired_at,
            extra: self.extra.clone(),
        }
    }

    fn from_record(record: PairingRecord) -> Option<StoredPairing> {
        let bytes = Zeroizing::new(BASE64URL_NOPAD.decode(record.key.as_bytes()).ok()?);
        let key: [u8; 32] = bytes.as_slice().try_into().ok()?;
        Some(StoredPairing {
            id: record.id,
            browser: record.browser,
            extension: record.extension,
            key: PairingKey::from_bytes(key),
            paired_at: record.paired_at,
            extra: record.extra,
        })
    }
}

/// `Debug` leaves the secret out.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct AccountRecord {
    pub id: String,
    pub issuer: String,
    pub name: String,
    pub secret: Zeroizing<String>,
    pub otp: OtpRecord,
    #[serde(default)]
    pub favorite: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub websites: Vec<String>,
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
            .field("note", &self.note)
            .field("groups", &self.groups)
            .field("websites", &self.websites)
            .field("added_at", &self.added_at)
            .field("extra", &self.extra)
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct OtpRecord {
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
pub(super) struct TrashRecord {
    pub account: AccountRecord,
    pub deleted_at: u64,
    pub position: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Stored {
    fn to_record(&self) -> AccountRecord {
        let otp = match self.account.otp {
            Otp::Totp { algorithm, digits, period } => OtpRecord {
                kind: "totp".into(),
                algorithm: Some(algorithm.as_str().into()),
                digits: Some(digits.get()),
                period: Some(period.seconds()),
                counter: None,
                extra: Map::new(),
            },
            Otp::Hotp { algorithm, digits, counter } => OtpRecord {
                kind: "hotp".into(),
                algorithm: Some(algorithm.as_str().into()),
                digits: Some(digits.get()),
                period: None,
                counter: Some(counter),
                extra: Map::new(),
            },
            Otp::Steam { period } => OtpRecord {
                kind: "steam".into(),
                algorithm: None,
                digits: None,
                period: Some(period.seconds()),
                counter: None,
                extra: Map::new(),
            },
        };
        AccountRecord {
            id: self.id.0.clone(),
            issuer: self.account.issuer.clone(),
            name: self.account.name.clone(),
            secret: self.account.secret.to_base32(),
            otp,
            favorite: self.favorite,
            note: self.note.clone(),
            groups: self.groups.clone(),
            websites: self.websites.clone(),
            added_at: self.added_at,
            extra: self.extra.clone(),
        }
    }

    fn from_record(record: AccountRecord) -> Option<Stored> {
        let r = &record.otp;
        let algorithm = || r.algorithm.as_deref().map_or(Ok(Algorithm::Sha1), Algorithm::parse).ok();
        let digits = || r.digits.map_or(Ok(Digits::SIX), Digits::new).ok();
        let period = || r.period.map_or(Ok(Period::THIRTY), Period::new).ok();
        let otp = match r.kind.as_str() {
            "totp" => Otp::Totp { algorithm: algorithm()?, digits: digits()?, period: period()? },
            "hotp" => Otp::Hotp { algorithm: algorithm()?, digits: digits()?, counter: r.counter? },
            "steam" => Otp::Steam { period: period()? },
            _ => return None,
        };
        let secret = Secret::from_base32(&record.secret).ok()?;
        Some(Stored {
            id: AccountId(record.id.clone()),
            account: Account { issuer: record.issuer.clone(), name: record.name.clone(), secret, otp },
            favorite: record.favorite,
            note: record.note.clone(),
            groups: record.groups.clone(),
            websites: record.websites.clone(),
            added_at: record.added_at,
            extra: record.extra.clone(),
        })
    }
}

impl Payload {
    /// The payload of save number `generation` as JSON, in a buffer that is zeroed when dropped.
    pub(super) fn to_json(&self, generation: u64) -> Zeroizing<Vec<u8>> {
        let record = PayloadRecord {
            generation: Some(generation),
            accounts: self.accounts.iter().map(Stored::to_record).collect(),
            trash: self
                .trash
                .iter()
                .map(|t| TrashRecord {
                    account: t.entry.to_record(),
                    deleted_at: t.deleted_at,
                    position: t.position,
                    replaced_by: t.replaced_by.as_ref().map(|id| id.0.clone()),
                    extra: t.extra.clone(),
                })
                .collect(),
            pairings: self.pairings.iter().map(StoredPairing::to_record).collect(),
            extra: self.extra.clone(),
        };
        // Sized up front so the buffer holding secrets is not reallocated (and copied) while it grows.
        let mut out = Zeroizing::new(Vec::with_capacity(1024 + 512 * (record.accounts.len() + record.trash.len())));
        serde_json::to_writer(&mut *out, &record).unwrap_or_else(|e| panic!("the payload always serialises: {e}"));
        out
    }

    /// Reads a payload and the generation sealed in it; `None` if any record is not valid.
    pub(super) fn from_json(bytes: &[u8]) -> Option<(Payload, Option<u64>)> {
        let record: PayloadRecord = serde_json::from_slice(bytes).ok()?;
        let accounts = record.accounts.into_iter().map(Stored::from_record).collect::<Option<Vec<_>>>()?;
        let trash = record
            .trash
            .into_iter()
            .map(|t| {
                Some(TrashEntry {
                    entry: Stored::from_record(t.account)?,
                    deleted_at: t.deleted_at,
                    position: t.position,
                    replaced_by: t.replaced_by.map(AccountId),
                    extra: t.extra,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let pairings = record.pairings.into_iter().map(StoredPairing::from_record).collect::<Option<Vec<_>>>()?;
        Some((Payload { accounts, trash, pairings, extra: record.extra }, record.generation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            note: None,
            groups: Vec::new(),
            websites: Vec::new(),
            added_at: 0,
            extra: Map::new(),
        };
        let shown = format!("{record:?}");
        assert!(!shown.contains("JBSW") && shown.contains("Example"), "{shown}");
    }
}
