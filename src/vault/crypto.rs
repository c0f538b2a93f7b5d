//! The vault's cryptography, all from RustCrypto crates: XChaCha20-Poly1305 for encryption (random 192-bit
//! nonces, so no nonce bookkeeping) and Argon2id to turn the recovery password into a key.

use argon2::{Argon2, Params};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Length of every key: 256 bits.
pub const KEY_LEN: usize = 32;
/// Length of an XChaCha20 nonce.
pub const NONCE_LEN: usize = 24;

/// A 256-bit key, wiped when dropped.
pub type Key256 = Zeroizing<[u8; KEY_LEN]>;

pub use crate::random::bytes as random;

/// A fresh random key.
pub fn random_key() -> Key256 {
    Zeroizing::new(random::<KEY_LEN>())
}

/// Ciphertext with its nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: [u8; NONCE_LEN],
    pub ciphertext: Vec<u8>,
}

/// Encrypts and authenticates `plaintext`, binding it to `context` (authenticated, not encrypted).
pub fn seal(key: &[u8; KEY_LEN], context: &[u8], plaintext: &[u8]) -> Sealed {
    let nonce = random::<NONCE_LEN>();
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    // Encryption only fails for inputs larger than the cipher's limit (256 GiB).
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: context })
        .unwrap_or_else(|_| panic!("plaintext too large to encrypt"));
    Sealed { nonce, ciphertext }
}

/// Decrypts `sealed`; `None` if the key or context is wrong or the data was altered.
pub fn open(key: &[u8; KEY_LEN], context: &[u8], sealed: &Sealed) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    cipher
        .decrypt(XNonce::from_slice(&sealed.nonce), Payload { msg: &sealed.ciphertext, aad: context })
        .ok()
        .map(Zeroizing::new)
}

/// Argon2id cost parameters, stored in the vault file beside each password slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about a quarter of a second on a laptop, and costly to guess at scale.
    fn default() -> Self {
        KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 }
    }
}

impl KdfParams {
    /// Cheap parameters for tests only: they make a password easy to guess.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 };

    /// Refuses parameters that no real vault has: a damaged file, or a backup made to stall the computer that
    /// imports it, could ask for terabytes or hours. Up to 1 GiB (16 times the default) and 16 passes: seconds at
    /// worst.
    pub fn is_reasonable(&self) -> bool {
        (8..=1024 * 1024).contains(&self.memory_kib)
            && (1..=16).contains(&self.iterations)
            && (1..=16).contains(&self.parallelism)
    }
}

/// Derives a key from a password and salt.
pub fn derive_key(password: &str, salt: &[u8], params: KdfParams) -> Option<Key256> {
    if !params.is_reasonable() {
        return None;
    }
    let params = Params::new(params.memory_kib, params.iterations, params.parallelism, Some(KEY_LEN)).ok()?;
    let argon = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    argon.hash_password_into(password.as_bytes(), salt, key.as_mut()).ok()?;
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_its_key_and_context() {
        let key = random_key();
        let sealed = seal(&key, b"ctx", b"hello");
        assert_eq!(open(&key, b"ctx", &sealed).unwrap().as_slice(), b"hello");
        assert!(open(&key, b"other", &sealed).is_none());
        assert!(open(&random_key(), b"ctx", &sealed).is_none());
        let mut flipped = sealed.clone();
        flipped.ciphertext[0] ^= 1;
        assert!(open(&key, b"ctx", &flipped).is_none());
    }

    #[test]
    fn the_same_password_and_salt_give_the_same_key() {
        let a = derive_key("pw", b"saltsaltsaltsalt", KdfParams::INSECURE_FOR_TESTS).unwrap();
        let b = derive_key("pw", b"saltsaltsaltsalt", KdfParams::INSECURE_FOR_TESTS).unwrap();
        let c = derive_key("pw2", b"saltsaltsaltsalt", KdfParams::INSECURE_FOR_TESTS).unwrap();
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
        assert!(
            derive_key("pw", b"saltsaltsaltsalt", KdfParams { memory_kib: u32::MAX, ..KdfParams::default() }).is_none()
        );
    }

    #[test]
    fn settings_that_would_take_gigabytes_or_minutes_are_refused_before_any_work() {
        assert!(KdfParams::default().is_reasonable());
        let huge = [
            KdfParams { memory_kib: 4 * 1024 * 1024, ..KdfParams::default() },
            KdfParams { iterations: 64, ..KdfParams::default() },
            KdfParams { parallelism: 64, ..KdfParams::default() },
        ];
        for params in huge {
            assert!(!params.is_reasonable(), "{params:?}");
            assert!(derive_key("pw", b"saltsaltsaltsalt", params).is_none());
        }
    }
}
