//! The cryptography of other apps' export formats, from RustCrypto: AES-256-GCM and AES-256-CBC, HMAC and HKDF,
//! and the key derivations (PBKDF2, scrypt and Argon2id). Every function that opens something returns `None` where
//! the key or the data is wrong: the caller says which, in its format's words.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use zeroize::Zeroizing;

/// Base64 (standard alphabet) with or without padding, line breaks and spaces allowed.
pub(crate) fn base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    data_encoding::BASE64_NOPAD.decode(compact.trim_end_matches('=').as_bytes()).ok()
}

/// Hexadecimal in either case.
pub(crate) fn hex(text: &str) -> Option<Vec<u8>> {
    data_encoding::HEXLOWER_PERMISSIVE.decode(text.trim().as_bytes()).ok()
}

/// A 256-bit key, zeroed when dropped.
pub(crate) type Key = Zeroizing<[u8; 32]>;

/// Opens AES-256-GCM `ciphertext` (the 16-byte tag at its end) sealed under `key`, a 12-byte `nonce` and `aad`.
pub(crate) fn aes_gcm_open(key: &[u8], nonce: &[u8], ciphertext: &[u8], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if nonce.len() != 12 {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad }).ok().map(Zeroizing::new)
}

/// Seals `plaintext` with AES-256-GCM under `key`, a fresh random 12-byte nonce and `aad`: the nonce, and the
/// ciphertext with its 16-byte tag at the end.
pub(crate) fn aes_gcm_seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> ([u8; 12], Vec<u8>) {
    let nonce = random::<12>();
    let cipher = Aes256Gcm::new(key.into());
    // Encryption fails only for a plaintext longer than 64 GiB.
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad })
        .unwrap_or_else(|_| panic!("AES-GCM refused a plaintext of {} bytes", plaintext.len()));
    (nonce, sealed)
}

pub(crate) use crate::random::bytes as random;

/// Opens AES-256-CBC `ciphertext` with PKCS#7 padding, under `key` and a 16-byte `iv`. Unauthenticated: a wrong key
/// shows only as bad padding (most of the time) or as garbage, which the caller's parsing must catch.
pub(crate) fn aes_cbc_open(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
    let decryptor = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?;
    decryptor.decrypt_padded_vec_mut::<Pkcs7>(ciphertext).ok().map(Zeroizing::new)
}

/// Whether `tag` is HMAC-SHA256 of `data` under `key`, compared in constant time.
pub(crate) fn hmac_sha256_matches(key: &[u8], data: &[&[u8]], tag: &[u8]) -> bool {
    use hmac::Mac;
    let Ok(mut mac) = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key) else { return false };
    for part in data {
        mac.update(part);
    }
    mac.verify_slice(tag).is_ok()
}

/// HKDF-Expand with SHA-256 of a 32-byte pseudorandom key: the Extract step left out, as Bitwarden does.
pub(crate) fn hkdf_expand_sha256(prk: &[u8], info: &[u8]) -> Option<Key> {
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::from_prk(prk).ok()?;
    let mut key = Zeroizing::new([0; 32]);
    hkdf.expand(info, key.as_mut()).ok()?;
    Some(key)
}

/// PBKDF2 with HMAC-SHA256.
pub(crate) fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, key.as_mut());
    key
}

/// PBKDF2 with HMAC-SHA1.
pub(crate) fn pbkdf2_sha1(password: &[u8], salt: &[u8], rounds: u32) -> Key {
    let mut key = Zeroizing::new([0; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, key.as_mut());
    key
}

/// The most memory an export's scrypt settings may ask for (`128 · n · r` bytes): 1 GiB, 32 times what Aegis uses.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;

/// scrypt with cost `n` (a power of two), block size `r` and parallelism `p`; `None` for parameters scrypt refuses,
/// and for settings no app writes that would take more than [`MAX_SCRYPT_MEMORY`] or minutes (a file made to stall
/// or exhaust the computer that opens it).
pub(crate) fn scrypt(password: &[u8], salt: &[u8], n: u64, r: u32, p: u32) -> Option<Key> {
    let memory = 128u64.checked_mul(n)?.checked_mul(u64::from(r))?;
    if !n.is_power_of_two() || memory > MAX_SCRYPT_MEMORY || !(1..=16).contains(&p) {
        return None;
    }
    let params = scrypt::Params::new(u8::try_from(n.trailing_zeros()).ok()?, r, p, 32).ok()?;
    let mut key = Zeroizing::new([0; 32]);
    scrypt::scrypt(password, salt, &params, key.as_mut()).ok()?;
    Some(key)
}

/// Argon2id (version 1.3) with `memory_kib` KiB, `iterations` passes and `lanes` lanes; `None` for parameters
/// Argon2 refuses (a salt under 8 bytes, too little memory for the lanes).
pub(crate) fn argon2id(password: &[u8], salt: &[u8], memory_kib: u32, iterations: u32, lanes: u32) -> Option<Key> {
    let params = argon2::Params::new(memory_kib, iterations, lanes, Some(32)).ok()?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0; 32]);
    argon.hash_password_into(password, salt, key.as_mut()).ok()?;
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_gives_the_rfc_6070_and_rfc_7914_vectors() {
        // RFC 6070, test 2 (SHA1), extended to 32 bytes; RFC 7914 section 11, first vector (SHA256).
        let sha1 = pbkdf2_sha1(b"password", b"salt", 2);
        assert_eq!(data_encoding::HEXLOWER.encode(&sha1[..20]), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
        let sha256 = pbkdf2_sha256(b"passwd", b"salt", 1);
        assert_eq!(
            data_encoding::HEXLOWER.encode(sha256.as_ref()),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn scrypt_gives_the_rfc_7914_vector_and_refuses_costs_that_are_no_power_of_two_or_would_exhaust_the_computer() {
        let key = scrypt(b"password", b"NaCl", 1024, 8, 16).unwrap();
        assert_eq!(
            data_encoding::HEXLOWER.encode(key.as_ref()),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
        );
        assert!(scrypt(b"password", b"NaCl", 1000, 8, 16).is_none());
        // Settings that would ask for a terabyte, or run for hours, are refused before any work.
        assert!(scrypt(b"password", b"NaCl", 1 << 30, 8, 1).is_none());
        assert!(scrypt(b"password", b"NaCl", 1 << 15, 8, 1_000_000).is_none());
        assert!(scrypt(b"password", b"NaCl", 1 << 62, u32::MAX, 1).is_none());
    }
}
