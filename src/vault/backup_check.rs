//! Checking a backup against the open vault: does it decrypt, is it this vault's, and does it hold the same
//! accounts. A backup made by [`Vault::export_backup`] keeps the vault's own master key, so the open vault reads
//! it without asking for the password its slot wraps the key with.

use super::crypto;
use super::format::{self, FormatProblem, Header};
use super::model::Payload;
use super::unlocked::{Vault, payload_context};

/// What a backup holds, compared with the open vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupCheck {
    /// The backup decrypts with this vault's key.
    Readable {
        /// How many accounts it holds.
        accounts: usize,
        /// Whether they are the vault's accounts as they are now (names, keys, favourites, groups, notes, order).
        same_accounts: bool,
        /// Whether its password slot is the vault's current recovery password's, so that password opens it.
        current_password: bool,
    },
    /// A backup of another vault (another computer's, or one made before this vault was created).
    OtherVault,
    /// A backup of this vault made before its recovery password changed, which re-keyed it: it opens with the
    /// password of then.
    EarlierKey,
    /// A file that is not a Twofold backup, or is damaged.
    Damaged(&'static str),
}

impl Vault {
    /// Reads `bytes` as a backup of this vault, with this vault's key, and compares it with the vault.
    pub fn check_backup(&self, bytes: &[u8]) -> BackupCheck {
        let header = match Header::from_bytes(bytes) {
            Ok(header) => header,
            Err(FormatProblem::Damaged(reason)) => return BackupCheck::Damaged(reason),
            Err(FormatProblem::TooNew(_)) => return BackupCheck::Damaged("it was written by a newer Twofold"),
        };
        if header.vault_id != self.header.vault_id {
            return BackupCheck::OtherVault;
        }
        let Some(sealed) = format::decode_sealed(&header.nonce, &header.data) else {
            return BackupCheck::Damaged("its data is not base64");
        };
        // The checksum held, so a payload that does not open with this key was sealed with an earlier one.
        let Some(plaintext) = crypto::open(&self.key, &payload_context(&header.vault_id), &sealed) else {
            return BackupCheck::EarlierKey;
        };
        let Some((payload, _)) = Payload::from_json(&plaintext) else {
            return BackupCheck::Damaged("its accounts cannot be read");
        };
        let entries = |p: &Payload| p.accounts.iter().map(|s| (s.id.clone(), s.entry())).collect::<Vec<_>>();
        let password_slot = |h: &Header| {
            h.slots
                .iter()
                .find(|s| s.kind == format::SLOT_PASSWORD)
                .map(|s| (s.id.clone(), s.nonce.clone(), s.wrapped_key.clone()))
        };
        let current = password_slot(&self.header);
        BackupCheck::Readable {
            accounts: payload.accounts.len(),
            same_accounts: entries(&payload) == entries(&self.payload),
            current_password: current.is_some() && password_slot(&header) == current,
        }
    }

    /// The number of saves this vault has had: it grows by one with every change written.
    pub fn generation(&self) -> u64 {
        self.header.generation
    }
}
