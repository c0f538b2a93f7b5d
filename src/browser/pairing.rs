//! Pairing the browser extension with Twofold, and the authentication of every message after.
//!
//! The extension and Twofold each make a fresh P-256 key pair (ECDH, which WebCrypto offers in every browser) and
//! send each other the public halves (uncompressed points, 65 bytes). From the shared secret, HKDF-SHA256, salted
//! with SHA-256 of the extension's public key then Twofold's, derives:
//! - `twofold pairing code`: 4 bytes, read as a big-endian number modulo 1,000,000, shown as six digits on both
//!   sides. The user compares them and confirms in Twofold, so that a program in the middle is caught;
//! - `twofold message key`: the 32-byte key of the pairing, kept by both sides.
//!
//! Each message after carries HMAC-SHA256 under that key of `twofold/1`, its direction (`to-app` or
//! `to-extension`), the pairing's id, its sequence number and its body, joined by line feeds: a message cannot be
//! sent back the other way, moved to another pairing or replayed with another number.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Why a pairing or a message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairingError {
    /// The other side's public key is not a point on the curve.
    #[error("The browser sent a pairing key Twofold cannot use. Pair the browser again.")]
    BadPublicKey,
    /// A message whose authentication does not check out.
    #[error("A message from the browser was not signed by a paired extension. Pair the browser again.")]
    BadSignature,
}

/// Which way a message goes; part of what is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the extension to Twofold.
    ToApp,
    /// From Twofold to the extension.
    ToExtension,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::ToApp => "to-app",
            Direction::ToExtension => "to-extension",
        }
    }
}

/// The key a pairing shares: never shown, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct PairingKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for PairingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PairingKey(…)")
    }
}

impl PairingKey {
    /// The key from its 32 bytes, as the vault keeps it.
    pub fn from_bytes(bytes: [u8; 32]) -> PairingKey {
        PairingKey(Zeroizing::new(bytes))
    }

    /// Its bytes, for the vault to keep.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The signature of one message (base64url, no padding).
    pub fn sign(&self, direction: Direction, pairing: &str, sequence: u64, body: &str) -> String {
        data_encoding::BASE64URL_NOPAD.encode(&self.mac(direction, pairing, sequence, body).finalize().into_bytes())
    }

    /// Checks a message's signature, in constant time.
    pub fn verify(
        &self,
        direction: Direction,
        pairing: &str,
        sequence: u64,
        body: &str,
        signature: &str,
    ) -> Result<(), PairingError> {
        let given =
            data_encoding::BASE64URL_NOPAD.decode(signature.as_bytes()).map_err(|_| PairingError::BadSignature)?;
        self.mac(direction, pairing, sequence, body).verify_slice(&given).map_err(|_| PairingError::BadSignature)
    }

    fn mac(&self, direction: Direction, pairing: &str, sequence: u64, body: &str) -> Hmac<Sha256> {
        // Any key length is accepted by HMAC.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice()).unwrap_or_else(|_| unreachable!());
        mac.update(format!("twofold/1\n{}\n{pairing}\n{sequence}\n", direction.label()).as_bytes());
        mac.update(body.as_bytes());
        mac
    }
}

/// Twofold's half of a pairing being made: its key pair.
pub struct Pairer {
    secret: SecretKey,
}

/// What both sides agree on once the public keys are exchanged.
#[derive(Debug)]
pub struct Agreed {
    /// The six digits both sides show.
    pub code: String,
    /// The pairing's key.
    pub key: PairingKey,
}

impl Pairer {
    /// A fresh key pair.
    pub fn new() -> Pairer {
        loop {
            let bytes = Zeroizing::new(crate::random::bytes::<32>());
            // All but a vanishing few 32-byte strings are valid scalars.
            if let Ok(secret) = SecretKey::from_slice(bytes.as_slice()) {
                return Pairer { secret };
            }
        }
    }

    /// The public key to send to the extension (65 bytes, uncompressed).
    pub fn public_key(&self) -> Vec<u8> {
        self.secret.public_key().to_encoded_point(false).as_bytes().to_vec()
    }

    /// Agrees with the extension, given its public key (uncompressed or compressed SEC1).
    pub fn agree(&self, extension_public: &[u8]) -> Result<Agreed, PairingError> {
        let theirs = PublicKey::from_sec1_bytes(extension_public).map_err(|_| PairingError::BadPublicKey)?;
        Ok(self.derive(&theirs, theirs.to_encoded_point(false).as_bytes(), &self.public_key()))
    }

    /// Agrees as the extension does, given Twofold's public key: for tests and tools that play the extension's
    /// side (the extension itself does it in JavaScript, `browser/pairing.js`).
    pub fn agree_as_extension(&self, app_public: &[u8]) -> Result<Agreed, PairingError> {
        let theirs = PublicKey::from_sec1_bytes(app_public).map_err(|_| PairingError::BadPublicKey)?;
        Ok(self.derive(&theirs, &self.public_key(), theirs.to_encoded_point(false).as_bytes()))
    }

    /// The code and key from the shared secret with `theirs`, salted with the extension's key then Twofold's.
    fn derive(&self, theirs: &PublicKey, extension_public: &[u8], app_public: &[u8]) -> Agreed {
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), theirs.as_affine());
        let mut salt = Sha256::new();
        salt.update(extension_public);
        salt.update(app_public);
        let hkdf = Hkdf::<Sha256>::new(Some(&salt.finalize()), shared.raw_secret_bytes());
        let mut code = [0u8; 4];
        let mut key = Zeroizing::new([0u8; 32]);
        // Both lengths are far below HKDF's limit.
        hkdf.expand(b"twofold pairing code", &mut code).unwrap_or_else(|_| unreachable!());
        hkdf.expand(b"twofold message key", key.as_mut_slice()).unwrap_or_else(|_| unreachable!());
        Agreed { code: format!("{:06}", u32::from_be_bytes(code) % 1_000_000), key: PairingKey(key) }
    }
}

impl Default for Pairer {
    fn default() -> Self {
        Pairer::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_of_a_pairing_agree_on_the_code_and_the_key() {
        let (app, extension) = (Pairer::new(), Pairer::new());
        let at_app = app.agree(&extension.public_key()).unwrap();
        let at_extension = extension.agree_as_extension(&app.public_key()).unwrap();
        assert_eq!(at_app.key, at_extension.key);
        assert_eq!(at_app.code, at_extension.code);
        assert_eq!(at_app.code.len(), 6);
        assert!(at_app.code.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(app.agree(&Pairer::new().public_key()).unwrap().code.len(), 0);
    }

    #[test]
    fn a_public_key_off_the_curve_is_refused() {
        let app = Pairer::new();
        assert_eq!(app.agree(&[4u8; 65]).unwrap_err(), PairingError::BadPublicKey);
        assert_eq!(app.agree(b"").unwrap_err(), PairingError::BadPublicKey);
    }

    #[test]
    fn a_signature_holds_for_its_direction_pairing_number_and_body_only() {
        let key = PairingKey::from_bytes([7; 32]);
        let signature = key.sign(Direction::ToApp, "p1", 5, r#"{"type":"fill"}"#);
        assert_eq!(key.verify(Direction::ToApp, "p1", 5, r#"{"type":"fill"}"#, &signature), Ok(()));
        for (direction, pairing, sequence, body) in [
            (Direction::ToExtension, "p1", 5, r#"{"type":"fill"}"#),
            (Direction::ToApp, "p2", 5, r#"{"type":"fill"}"#),
            (Direction::ToApp, "p1", 6, r#"{"type":"fill"}"#),
            (Direction::ToApp, "p1", 5, r#"{"type":"fill" }"#),
        ] {
            assert_eq!(key.verify(direction, pairing, sequence, body, &signature), Err(PairingError::BadSignature));
        }
        let other = PairingKey::from_bytes([8; 32]);
        assert_eq!(
            other.verify(Direction::ToApp, "p1", 5, r#"{"type":"fill"}"#, &signature),
            Err(PairingError::BadSignature)
        );
        assert_eq!(key.verify(Direction::ToApp, "p1", 5, "{}", "not base64!"), Err(PairingError::BadSignature));
        assert_eq!(format!("{key:?}"), "PairingKey(…)", "a key never prints");
    }
}
