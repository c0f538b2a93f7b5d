//! The browser extensions paired with Twofold (see [`crate::browser::pairing`]): kept inside the encrypted payload
//! with the key their messages are signed with, listed in the settings, and unpaired there.

use data_encoding::HEXLOWER;
use serde_json::Map;

use super::error::VaultError;
use super::model::StoredPairing;
use super::unlocked::Vault;
use crate::browser::pairing::PairingKey;
use crate::otp::unix_now;

/// What the settings show of a paired browser: everything but its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingSummary {
    /// Its id, which its messages name.
    pub id: String,
    /// The browser, as the extension names it (`Firefox`, `Chromium`).
    pub browser: String,
    /// The extension's id, as the browser gave it to the native-messaging host.
    pub extension: String,
    /// When it was paired, in seconds since 1970.
    pub paired_at: u64,
}

impl Vault {
    /// The paired browsers, oldest first.
    pub fn pairings(&self) -> Vec<PairingSummary> {
        self.payload
            .pairings
            .iter()
            .map(|p| PairingSummary {
                id: p.id.clone(),
                browser: p.browser.clone(),
                extension: p.extension.clone(),
                paired_at: p.paired_at,
            })
            .collect()
    }

    /// Keeps a pairing the user confirmed, and returns its new id.
    pub fn add_pairing(&mut self, browser: &str, extension: &str, key: PairingKey) -> Result<String, VaultError> {
        let id = HEXLOWER.encode(&crate::random::bytes::<16>());
        let pairing = StoredPairing {
            id: id.clone(),
            browser: browser.trim().to_owned(),
            extension: extension.to_owned(),
            key,
            paired_at: unix_now(),
            extra: Map::new(),
        };
        self.change(|p| {
            p.pairings.push(pairing);
            Ok(())
        })?;
        Ok(id)
    }

    /// The key of a pairing, and the extension it was made with, to check a message that names it.
    pub fn pairing(&self, id: &str) -> Result<(&PairingKey, &str), VaultError> {
        let found = self.payload.pairings.iter().find(|p| p.id == id).ok_or(VaultError::UnknownPairing)?;
        Ok((&found.key, &found.extension))
    }

    /// Unpairs a browser: its key is gone, and its messages are refused from now on.
    pub fn remove_pairing(&mut self, id: &str) -> Result<(), VaultError> {
        self.change(|p| {
            let before = p.pairings.len();
            p.pairings.retain(|pairing| pairing.id != id);
            if p.pairings.len() == before { Err(VaultError::UnknownPairing) } else { Ok(()) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::pairing::{Direction, Pairer};
    use crate::vault::{MemoryKeyStore, Unlock};

    #[test]
    fn a_pairing_is_kept_encrypted_across_reopening_and_unpairing_forgets_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.json");
        let keychain = MemoryKeyStore::new();
        let mut vault = Vault::create(&path, Some(&keychain), None).unwrap();
        let agreed = Pairer::new().agree(&Pairer::new().public_key()).unwrap();
        let signature = agreed.key.sign(Direction::ToApp, "x", 1, "{}");
        let id = vault.add_pairing(" Firefox ", "twofold@example.org", agreed.key).unwrap();
        drop(vault);

        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(!on_disk.contains("twofold@example.org"), "pairings are inside the encrypted payload");
        let mut vault = Vault::open(&path, Unlock::Keychain(&keychain)).unwrap();
        let listed = vault.pairings();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].id.as_str(), listed[0].browser.as_str()), (id.as_str(), "Firefox"));
        let (key, extension) = vault.pairing(&id).unwrap();
        assert_eq!(extension, "twofold@example.org");
        assert_eq!(key.verify(Direction::ToApp, "x", 1, "{}", &signature), Ok(()), "the same key came back");

        vault.remove_pairing(&id).unwrap();
        assert!(matches!(vault.pairing(&id), Err(VaultError::UnknownPairing)));
        assert!(matches!(vault.remove_pairing(&id), Err(VaultError::UnknownPairing)));
        drop(vault);
        let vault = Vault::open(&path, Unlock::Keychain(&keychain)).unwrap();
        assert!(vault.pairings().is_empty());
    }
}
