//! Ente Auth's export (<https://github.com/ente-io/ente/tree/main/auth>): plain, a text file of `otpauth://` links
//! that carry Ente's `codeDisplay` parameter (read by [`super::links`]); or encrypted, a JSON file
//! `{"version": 1, "kdfParams": {"memLimit", "opsLimit", "salt"}, "encryptedData", "encryptionNonce"}` whose key
//! is libsodium's `crypto_pwhash` (Argon2id 1.3, `memLimit` in bytes, `opsLimit` passes, one lane) and whose data
//! is one libsodium *secretstream* XChaCha20-Poly1305 message (the nonce field is the stream's header) holding the
//! plain export.
//!
//! What the conversion loses: as the plain export (see [`super::links`]): use counts, position and icon.

use crypto_secretstream::{Header, Key, PullStream};
use serde_json::Value;

use super::{File, Format, ImportError, Importer, Parsed, Protection, cipher, links, number, text};

/// Ente Auth's plain and encrypted exports.
pub(crate) struct Ente;

/// The most memory a file may ask the key derivation for: Ente's strongest setting is 1 GiB.
const MAX_MEMORY_BYTES: u64 = 1 << 30;

impl Importer for Ente {
    fn format(&self) -> Format {
        Format::Ente
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        if let Some(json) = &file.json {
            let encrypted = json.get("kdfParams").is_some_and(Value::is_object) && json.get("encryptedData").is_some();
            return encrypted.then_some(Protection::Encrypted);
        }
        links::is_ente(file.text?).then_some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        match (&file.json, password) {
            (Some(json), Some(password)) => Ok(links::read_text(&decrypt(json, password)?)),
            _ => Ok(links::read_text(file.text.unwrap_or(""))),
        }
    }
}

fn damaged(reason: &'static str) -> ImportError {
    ImportError::Damaged { format: Format::Ente, reason }
}

/// The plain export inside an encrypted one.
fn decrypt(json: &Value, password: &str) -> Result<String, ImportError> {
    let b64 = cipher::base64;
    let params = &json["kdfParams"];
    let salt = b64(text(params, "salt")).ok_or(damaged("its salt is not base64"))?;
    let memory = number(params, "memLimit").filter(|m| (8192..=MAX_MEMORY_BYTES).contains(m));
    let memory = memory.ok_or(damaged("its key derivation asks for an impossible amount of memory"))?;
    let passes = number(params, "opsLimit").and_then(|t| u32::try_from(t).ok()).filter(|t| (1..=64).contains(t));
    let passes = passes.ok_or(damaged("its key derivation has an impossible number of passes"))?;
    let header = b64(text(json, "encryptionNonce")).ok_or(damaged("its nonce is not base64"))?;
    let header = Header::try_from(header.as_slice()).map_err(|_| damaged("its nonce has the wrong length"))?;
    let mut data = b64(text(json, "encryptedData")).ok_or(damaged("its data is not base64"))?;
    let memory_kib =
        u32::try_from(memory / 1024).map_err(|_| damaged("its key derivation asks for too much memory"))?;
    let key = cipher::argon2id(password.as_bytes(), &salt, memory_kib, passes, 1)
        .ok_or(damaged("its key derivation's salt is too short"))?;
    let key = Key::from(*key);
    let mut stream = PullStream::init(header, &key);
    // A wrong password and altered data fail the same authentication; the password is by far the likelier.
    stream.pull(&mut data, &[]).map_err(|_| ImportError::WrongPassword(Format::Ente))?;
    let plain = zeroize::Zeroizing::new(data);
    String::from_utf8(plain.to_vec()).map_err(|_| damaged("its decrypted data is not text"))
}
