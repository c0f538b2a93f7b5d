//! Key slots: the master key, wrapped once per way to unlock the vault, as Aegis does.
//!
//! - a **keychain slot**, whose wrapping key is one item in the OS keychain ([`super::keychain`]);
//! - an optional **password slot**, whose wrapping key comes from the recovery password through Argon2id.
//!
//! One keychain item rather than one per account keeps the file atomic and portable, avoids per-item prompts and
//! size limits, and with a password slot the vault opens even when the keychain is gone.

use data_encoding::{BASE64, HEXLOWER};
use serde_json::Map;
use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, KdfParams, Key256};
use super::error::{LoadError, VaultError};
use super::format::{self, Header, Kdf, Slot};
use super::keychain::{KeyStore, KeychainError, KeychainItem};
use super::unlocked::Vault;

/// The keychain service name under which vault keys are stored.
pub const KEYCHAIN_SERVICE: &str = "Twofold";

/// How the vault was unlocked.
#[derive(Clone, Copy)]
pub enum Unlock<'a> {
    /// With the key in the OS keychain.
    Keychain(&'a dyn KeyStore),
    /// With the recovery password.
    Password(&'a str),
}

/// Which unlock methods a vault on disk offers, read without unlocking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultStatus {
    /// No vault yet: the first run.
    Missing,
    /// A vault exists.
    Present {
        /// It has a keychain slot.
        keychain: bool,
        /// It has a recovery password.
        password: bool,
    },
}

fn slot_context(vault_id: &str, slot_id: &str) -> Vec<u8> {
    format!("twofold-slot/{vault_id}/{slot_id}").into_bytes()
}

pub(super) fn random_hex<const N: usize>() -> String {
    HEXLOWER.encode(&crypto::random::<N>())
}

/// Which unlock methods these slots offer.
pub(super) fn status_of(slots: &[Slot]) -> VaultStatus {
    let has = |kind| slots.iter().any(|s| s.kind == kind);
    VaultStatus::Present { keychain: has(format::SLOT_KEYCHAIN), password: has(format::SLOT_PASSWORD) }
}

impl Vault {
    /// Which unlock methods this vault has.
    pub fn status_now(&self) -> VaultStatus {
        status_of(&self.header.slots)
    }

    /// Whether `password` is the recovery password: [`VaultError::WrongPassword`] if not, and
    /// [`VaultError::NoPasswordSlot`] if none is set.
    pub fn check_password(&self, password: &str) -> Result<(), VaultError> {
        match unwrap_master_key(&self.header, Unlock::Password(password)) {
            Ok(_) => Ok(()),
            Err(LoadError::Final(e)) => Err(e),
            Err(LoadError::Damaged(_)) => Err(VaultError::WrongPassword),
        }
    }

    /// The vault as a backup file that opens with a password on any computer, without this one's keychain: the
    /// accounts as last saved, sealed as they are, with the recovery password's slot only, or with a new slot for
    /// `password` when one is given. [`VaultError::NoPasswordSlot`] without either.
    pub fn export_backup(&self, password: Option<(&str, KdfParams)>) -> Result<Vec<u8>, VaultError> {
        let slots: Vec<Slot> = match password {
            Some((password, params)) => vec![password_slot(&self.header.vault_id, &self.key, password, params)?],
            None => self.header.slots.iter().filter(|s| s.kind == format::SLOT_PASSWORD).cloned().collect(),
        };
        if slots.is_empty() {
            return Err(VaultError::NoPasswordSlot);
        }
        Ok(Header { slots, ..self.header.clone() }.to_bytes())
    }

    /// Sets or changes the recovery password.
    ///
    /// Changing it **re-keys** the vault: a new master key seals this and every later save, wrapped by the new
    /// password and, when the vault is linked to the keychain, by the keychain's key (read from `keychain`). So a
    /// copy of an earlier generation, a leftover temporary file or an old backup, opened with the old password,
    /// gives the accounts as they were then and never opens a later save; those earlier backups keep the password
    /// they were made with. Setting the first password adds a slot and keeps the key.
    pub fn set_password(
        &mut self,
        password: &str,
        params: KdfParams,
        keychain: &dyn KeyStore,
    ) -> Result<(), VaultError> {
        if !self.header.slots.iter().any(|s| s.kind == format::SLOT_PASSWORD) {
            let slot = password_slot(&self.header.vault_id, &self.key, password, params)?;
            return self.change_slots(|slots| {
                slots.push(slot);
                Ok(())
            });
        }
        let key = crypto::random_key();
        let slot = password_slot(&self.header.vault_id, &key, password, params)?;
        self.rekey(key, vec![slot], Some(keychain))
    }

    /// Removes the recovery password; refused when the keychain is not linked. Re-keys the vault as changing the
    /// password does ([`Vault::set_password`]), so the removed password opens no later save.
    pub fn remove_password(&mut self, keychain: &dyn KeyStore) -> Result<(), VaultError> {
        if !self.header.slots.iter().any(|s| s.kind == format::SLOT_KEYCHAIN) {
            return Err(VaultError::LastUnlockMethod);
        }
        if !self.header.slots.iter().any(|s| s.kind == format::SLOT_PASSWORD) {
            return Ok(());
        }
        self.rekey(crypto::random_key(), Vec::new(), Some(keychain))
    }

    /// Saves the accounts sealed with `key`, which `slots` wrap and, with `keychain`, the keychain's key too, and
    /// only then forgets the old key. The keychain item stays the same, so the previous generation still opens with
    /// it. A failure at any step (the keychain cannot be read, the disk) changes nothing.
    fn rekey(&mut self, key: Key256, mut slots: Vec<Slot>, keychain: Option<&dyn KeyStore>) -> Result<(), VaultError> {
        if let Some(store) = keychain {
            for old in self.header.slots.iter().filter(|s| s.kind == format::SLOT_KEYCHAIN) {
                slots.push(rewrap_keychain_slot(&self.header.vault_id, old, &key, store)?);
            }
        }
        let old_key = std::mem::replace(&mut self.key, key);
        let old_slots = std::mem::replace(&mut self.header.slots, slots);
        let payload = self.payload.clone();
        if let Err(e) = self.save(&payload) {
            self.key = old_key;
            self.header.slots = old_slots;
            return Err(e);
        }
        Ok(())
    }

    /// Takes the keychain out of the vault ("Require the password to open Twofold"): re-keys it under `password`,
    /// the recovery password, alone, and deletes the keychain's item. Re-keying matters: the previous generation
    /// still holds the keychain's slot, so with the old key a keychain item left behind would open every later
    /// save. [`VaultError::NoPasswordSlot`] without a recovery password, the way back in;
    /// [`VaultError::WrongPassword`] if `password` is not it. Linked again with [`Vault::link_keychain`].
    pub fn unlink_keychain(
        &mut self,
        password: &str,
        params: KdfParams,
        store: &dyn KeyStore,
    ) -> Result<(), VaultError> {
        self.check_password(password)?;
        let items = self.keychain_items();
        let key = crypto::random_key();
        let slot = password_slot(&self.header.vault_id, &key, password, params)?;
        self.rekey(key, vec![slot], None)?;
        for item in items {
            // The file no longer refers to it, and its key opens only generations saved before.
            let _ = store.delete(&item);
        }
        Ok(())
    }

    /// The keychain items the vault's keychain slots name.
    fn keychain_items(&self) -> Vec<KeychainItem> {
        self.header.slots.iter().filter(|s| s.kind == format::SLOT_KEYCHAIN).filter_map(|s| s.item.clone()).collect()
    }

    /// Stores a new key in the keychain and links the vault to it, replacing any keychain slot. Use after a
    /// password unlock when the keychain item was missing, damaged or replaced.
    pub fn link_keychain(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        let (slot, item) = keychain_slot(&self.header.vault_id, &self.key, store)?;
        let old_items = self.keychain_items();
        if let Err(e) = self.change_slots(|slots| {
            slots.retain(|s| s.kind != format::SLOT_KEYCHAIN);
            slots.push(slot);
            Ok(())
        }) {
            let _ = store.delete(&item);
            return Err(e);
        }
        for old in old_items {
            // The file no longer refers to it; a leftover item is harmless if this fails.
            let _ = store.delete(&old);
        }
        Ok(())
    }

    /// After a password unlock, mends the keychain link: when the vault is not linked to the keychain, or the
    /// keychain answered but its key is missing, damaged or does not open this vault, stores a new key there and
    /// links it ([`Vault::link_keychain`]), so the next start needs no password. Returns whether it did.
    ///
    /// A keychain that cannot be reached now (no service, locked, access denied) is left alone and `Ok(false)`
    /// returned: its key may well be fine, and the next start tries it again.
    pub fn repair_keychain(&mut self, store: &dyn KeyStore) -> Result<bool, VaultError> {
        let unreachable = |e: &KeychainError| {
            matches!(
                e,
                KeychainError::NoSession
                    | KeychainError::NoService
                    | KeychainError::Locked
                    | KeychainError::AccessDenied
                    | KeychainError::Platform(_)
            )
        };
        match unwrap_master_key(&self.header, Unlock::Keychain(store)) {
            Ok(_) => return Ok(false),
            Err(LoadError::Final(VaultError::Keychain(e))) if unreachable(&e) => return Ok(false),
            // Missing or damaged item, a key that does not open the vault, no keychain slot, a damaged slot.
            Err(_) => {}
        }
        match self.link_keychain(store) {
            Ok(()) => Ok(true),
            Err(VaultError::Keychain(e)) if unreachable(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

pub(super) fn password_slot(
    vault_id: &str,
    key: &Key256,
    password: &str,
    params: KdfParams,
) -> Result<Slot, VaultError> {
    if password.is_empty() {
        return Err(VaultError::EmptyPassword);
    }
    let salt = crypto::random::<16>();
    let wrapping = crypto::derive_key(password, &salt, params).ok_or(VaultError::WrongPassword)?;
    let id = random_hex::<8>();
    let sealed = crypto::seal(&wrapping, &slot_context(vault_id, &id), key.as_ref());
    let (nonce, wrapped_key) = format::encode_sealed(&sealed);
    Ok(Slot {
        kind: format::SLOT_PASSWORD.into(),
        id,
        item: None,
        kdf: Some(Kdf { algorithm: "argon2id".into(), params, salt: BASE64.encode(&salt) }),
        nonce,
        wrapped_key,
        extra: Map::new(),
    })
}

/// Stores a fresh wrapping key in the keychain and returns the slot that uses it, and the item.
pub(super) fn keychain_slot(
    vault_id: &str,
    key: &Key256,
    store: &dyn KeyStore,
) -> Result<(Slot, KeychainItem), VaultError> {
    let id = random_hex::<8>();
    let item = KeychainItem { service: KEYCHAIN_SERVICE.into(), account: format!("vault-{vault_id}-{id}") };
    let wrapping = crypto::random_key();
    store.set(&item, wrapping.as_ref())?;
    let sealed = crypto::seal(&wrapping, &slot_context(vault_id, &id), key.as_ref());
    let (nonce, wrapped_key) = format::encode_sealed(&sealed);
    let slot = Slot {
        kind: format::SLOT_KEYCHAIN.into(),
        id,
        item: Some(item.clone()),
        kdf: None,
        nonce,
        wrapped_key,
        extra: Map::new(),
    };
    Ok((slot, item))
}

/// The keychain slot `old` wrapping `key` instead, with the same keychain item's key.
fn rewrap_keychain_slot(vault_id: &str, old: &Slot, key: &Key256, store: &dyn KeyStore) -> Result<Slot, VaultError> {
    let item = old.item.as_ref().ok_or(VaultError::KeychainMismatch)?;
    let bytes = store.get(item)?;
    let wrapping: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| VaultError::KeychainMismatch)?;
    let wrapping = Zeroizing::new(wrapping);
    let sealed = crypto::seal(&wrapping, &slot_context(vault_id, &old.id), key.as_ref());
    let (nonce, wrapped_key) = format::encode_sealed(&sealed);
    Ok(Slot { nonce, wrapped_key, ..old.clone() })
}

/// Unwraps the master key from the slot that `unlock` opens.
pub(super) fn unwrap_master_key(header: &Header, unlock: Unlock<'_>) -> Result<Key256, LoadError> {
    let (kind, missing) = match unlock {
        Unlock::Keychain(_) => (format::SLOT_KEYCHAIN, VaultError::NoKeychainSlot),
        Unlock::Password(_) => (format::SLOT_PASSWORD, VaultError::NoPasswordSlot),
    };
    let slot = header.slots.iter().find(|s| s.kind == kind).ok_or(missing)?;
    let sealed =
        format::decode_sealed(&slot.nonce, &slot.wrapped_key).ok_or(LoadError::Damaged("a key slot is not base64"))?;
    let context = slot_context(&header.vault_id, &slot.id);
    let (wrapping, wrong) = match unlock {
        Unlock::Keychain(store) => {
            let item = slot.item.as_ref().ok_or(LoadError::Damaged("the keychain slot names no item"))?;
            let bytes = store.get(item).map_err(VaultError::from)?;
            let key: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| VaultError::KeychainMismatch)?;
            (Zeroizing::new(key), VaultError::KeychainMismatch)
        }
        Unlock::Password(password) => {
            let kdf = slot.kdf.as_ref().ok_or(LoadError::Damaged("the password slot has no parameters"))?;
            let salt = BASE64.decode(kdf.salt.as_bytes()).map_err(|_| LoadError::Damaged("a salt is not base64"))?;
            if kdf.algorithm != "argon2id" || !kdf.params.is_reasonable() {
                return Err(LoadError::Damaged("the password slot's parameters are not valid"));
            }
            let key = crypto::derive_key(password, &salt, kdf.params)
                .ok_or(LoadError::Damaged("the password slot's parameters are not valid"))?;
            (key, VaultError::WrongPassword)
        }
    };
    let master = crypto::open(&wrapping, &context, &sealed).ok_or(LoadError::Final(wrong))?;
    let master: [u8; KEY_LEN] =
        master.as_slice().try_into().map_err(|_| LoadError::Damaged("a key slot holds a key of the wrong size"))?;
    Ok(Zeroizing::new(master))
}
