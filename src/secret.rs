//! The shared secret of an account: raw key bytes that are wiped from memory when dropped.
//!
//! Services hand out secrets as base32 text (RFC 4648, alphabet `A–Z 2–7`). Real QR codes and exports
//! write them in lower case, with `=` padding, or in groups separated by spaces or dashes; [`Secret::from_base32`]
//! accepts all of these and [`Secret::to_base32`] always writes the canonical form: upper case, unpadded.
//! Decoding and encoding use the `data-encoding` crate.

use std::fmt;
use std::sync::LazyLock;

use data_encoding::{DecodeKind, Encoding, Specification};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Why a secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty.
    #[error("The secret is empty. Copy the whole secret key from the service's set-up page and try again.")]
    Empty,
    /// A character outside base32's `A–Z` and `2–7`.
    #[error(
        "The secret contains a character that base32 does not use (only the letters A to Z and the digits 2 to 7 are allowed). Check that the key was copied exactly, without extra characters."
    )]
    InvalidCharacter,
    /// A number of characters that no whole number of bytes encodes to.
    #[error(
        "The secret has a length that base32 cannot encode, so part of it is probably missing. Copy the whole secret key again."
    )]
    InvalidLength,
}

/// Base32 without padding that ignores the unused low bits of the last character, as most authenticators do.
static BASE32_LENIENT: LazyLock<Encoding> = LazyLock::new(|| {
    let mut spec = Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    spec.check_trailing_bits = false;
    // The specification is a constant: building it cannot fail.
    spec.encoding().unwrap_or_else(|_| data_encoding::BASE32_NOPAD.clone())
});

/// The key bytes an account's codes are computed from.
///
/// The bytes are zeroed when the value is dropped; `Debug` shows only the length, never the key.
/// Equality runs in constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Takes raw key bytes. An empty key is refused: it would give every account the same codes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, SecretError> {
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret(bytes))
    }

    /// Reads base32 text as services show it: any case, with or without `=` padding, spaces or dashes.
    ///
    /// ```
    /// use twofold::Secret;
    /// let a = Secret::from_base32("jbsw y3dp ehpk 3pxp").unwrap();
    /// let b = Secret::from_base32("JBSWY3DPEHPK3PXP======").unwrap();
    /// assert_eq!(a, b);
    /// assert_eq!(a.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
    /// ```
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let mut clean = Zeroizing::new(String::with_capacity(text.len()));
        for c in text.chars() {
            // Any white space (a non-breaking space or a line break copied from a web page too) and dashes are
            // only grouping.
            if !(c.is_whitespace() || c == '-') {
                clean.push(c.to_ascii_uppercase());
            }
        }
        let trimmed = clean.trim_end_matches('=');
        if trimmed.is_empty() {
            return Err(SecretError::Empty);
        }
        match BASE32_LENIENT.decode(trimmed.as_bytes()) {
            Ok(bytes) => Secret::from_bytes(bytes),
            Err(e) if e.kind == DecodeKind::Length => Err(SecretError::InvalidLength),
            Err(_) => Err(SecretError::InvalidCharacter),
        }
    }

    /// The canonical base32 text: upper case, no padding. Wiped from memory when dropped.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(BASE32_LENIENT.encode(&self.0))
    }

    /// The base32 text in groups of four characters (`JBSW Y3DP EHPK 3PXP`), easier to read out and type by hand
    /// when the user asks to see the key. Wiped from memory when dropped.
    pub fn to_base32_grouped(&self) -> Zeroizing<String> {
        let plain = self.to_base32();
        let mut grouped = Zeroizing::new(String::with_capacity(plain.len() * 5 / 4 + 1));
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        grouped
    }

    /// The raw key bytes, for computing codes and for encrypted storage.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The key length in bits.
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bits, redacted>)", self.bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_padded_and_spaced_secrets_decode_to_the_same_bytes() {
        let canonical = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        for variant in [
            "jbswy3dpehpk3pxp",
            "JBSWY3DPEHPK3PXP====",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            // Copied from a web page: non-breaking spaces, a line break.
            "JBSW\u{a0}Y3DP\u{a0}EHPK\r\n3PXP",
        ] {
            assert_eq!(Secret::from_base32(variant).unwrap(), canonical, "{variant}");
        }
        assert_eq!(canonical.expose(), b"Hello!\xde\xad\xbe\xef");
    }

    #[test]
    fn a_secret_shown_to_the_user_is_grouped_by_four_and_reads_back_the_same() {
        let secret = Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY").unwrap();
        let grouped = secret.to_base32_grouped();
        assert_eq!(grouped.as_str(), "GEZD GNBV GY3T QOJQ GEZD GNBV GY");
        assert_eq!(Secret::from_base32(&grouped).unwrap(), secret);
    }

    #[test]
    fn eighty_bit_secrets_are_accepted() {
        assert_eq!(Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap().bits(), 80);
    }

    #[test]
    fn unused_trailing_bits_are_ignored() {
        // 26 characters carry 130 bits: the last 2 are not part of the key.
        let a = Secret::from_base32("4SJHB4GSD43FZBAI7C2HLRJGPQ").unwrap();
        let b = Secret::from_base32("4SJHB4GSD43FZBAI7C2HLRJGPR").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.bits(), 128);
    }

    #[test]
    fn bad_characters_empty_text_and_impossible_lengths_are_distinct_errors() {
        assert_eq!(Secret::from_base32("JBSWY3DP1HPK3PXP"), Err(SecretError::InvalidCharacter));
        assert_eq!(Secret::from_base32(" = "), Err(SecretError::Empty));
        assert_eq!(Secret::from_base32("JBS"), Err(SecretError::InvalidLength));
        assert_eq!(Secret::from_bytes(Vec::new()), Err(SecretError::Empty));
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = format!("{secret:?}");
        assert!(!shown.contains("JBSW"), "{shown}");
        assert!(!shown.contains("72"), "{shown}"); // 'H' as a decimal byte
        assert_eq!(shown, "Secret(<80 bits, redacted>)");
    }
}
