//! Bitwarden's exports (<https://bitwarden.com/help/export-your-data/>; the JSON and CSV layouts of the
//! `bitwarden/clients` importers): the password manager's JSON (`{"encrypted": false, "folders", "items"}`, a login
//! item's `login.totp`) and CSV (the `login_totp` column). The `totp` field holds an `otpauth://` link, a
//! `steam://` secret, or a bare base32 secret (a 30-second, 6-digit SHA1 code); Bitwarden reads base32 leniently,
//! and so does this, so that the codes are Bitwarden's.
//!
//! A password-protected export is `{"encrypted": true, "passwordProtected": true, "salt", "kdfType",
//! "kdfIterations", "kdfMemory", "kdfParallelism", "encKeyValidation_DO_NOT_EDIT", "data"}`. The key is
//! PBKDF2-HMAC-SHA256 (`kdfType` 0) or Argon2id (1, memory in MiB) of the password, salted with the salt's base64
//! *text* (Argon2id with its SHA-256, a quirk of Bitwarden's), then stretched with HKDF-Expand into an AES key and
//! a MAC key; `data` is `2.iv|ciphertext|mac` in base64: AES-256-CBC, HMAC-SHA256 over the IV and ciphertext,
//! holding the unencrypted JSON export (or, in exports of 2022, a CSV one). An export encrypted with the account's
//! own key (`"encrypted": true` without `"passwordProtected": true`) opens only in Bitwarden.
//!
//! What the conversion loses: everything that is not the code (passwords, URLs, custom fields). The item's name
//! becomes the issuer when the code's own link names none, its user name the account name; favourites, folders and
//! notes are kept. Items without a code are not accounts of an authenticator and are passed over.

use serde_json::Value;

use sha2::Digest;
use zeroize::Zeroizing;

use super::entry::{Entry, Fields, Reason, SecretText, Skipped};
use super::{File, Format, ImportError, Importer, Parsed, Protection, cipher, number, text};
use crate::account::Account;

/// Bitwarden's JSON and CSV exports.
pub(crate) struct Bitwarden;

/// The CSV column of the code.
const TOTP_COLUMN: &str = "login_totp";

impl Importer for Bitwarden {
    fn format(&self) -> Format {
        Format::Bitwarden
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        if let Some(json) = &file.json {
            let encrypted = json.get("encrypted")?.as_bool()?;
            // An export bound to the account is read (as "plain") only to say that it cannot be.
            let password = json.get("passwordProtected").and_then(Value::as_bool) == Some(true);
            return Some(if encrypted && password { Protection::Encrypted } else { Protection::Plain });
        }
        let header = file.text?.lines().next()?;
        header.split(',').any(|column| column.trim() == TOTP_COLUMN).then_some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        match &file.json {
            Some(json) if json["encrypted"].as_bool() == Some(true) && password.is_some() => {
                let plain = decrypt(json, password.unwrap_or_default())?;
                let text = std::str::from_utf8(&plain).map_err(|_| damaged("its decrypted data is not text"))?;
                match serde_json::from_str::<Value>(text) {
                    Ok(inner) => Ok(read_json(&inner)),
                    Err(_) => read_csv(text),
                }
            }
            Some(json) if json["encrypted"].as_bool() == Some(true) => Err(ImportError::Unsupported {
                format: Format::Bitwarden,
                what: "is encrypted with your Bitwarden account's own key, so only Bitwarden can open it. In Bitwarden, export again and choose \"Password protected\", or an unencrypted .json or .csv file.",
            }),
            Some(json) => Ok(read_json(json)),
            None => read_csv(file.text.unwrap_or("")),
        }
    }
}

fn damaged(reason: &'static str) -> ImportError {
    ImportError::Damaged { format: Format::Bitwarden, reason }
}

/// The plain export inside a password-protected one.
fn decrypt(json: &Value, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let salt = text(json, "salt").as_bytes();
    // Exports of 2022 name their format and no key derivation: they all used PBKDF2.
    let kind = number(json, "kdfType").or_else(|| json.get("format").map(|_| 0));
    let iterations = number(json, "kdfIterations").and_then(|n| u32::try_from(n).ok());
    let master = match (kind, iterations) {
        (Some(0), Some(rounds @ 5_000..=2_000_000)) => cipher::pbkdf2_sha256(password.as_bytes(), salt, rounds),
        (Some(1), Some(passes @ 2..=10)) => {
            let memory =
                number(json, "kdfMemory").and_then(|m| u32::try_from(m).ok()).filter(|m| (16..=1024).contains(m));
            let lanes =
                number(json, "kdfParallelism").and_then(|p| u32::try_from(p).ok()).filter(|p| (1..=16).contains(p));
            let (Some(memory), Some(lanes)) = (memory, lanes) else {
                return Err(damaged("its Argon2 settings are outside what Bitwarden allows"));
            };
            let salt = sha2::Sha256::digest(salt);
            cipher::argon2id(password.as_bytes(), &salt, memory * 1024, passes, lanes)
                .ok_or(damaged("its Argon2 settings are outside what Bitwarden allows"))?
        }
        (Some(0 | 1), _) => return Err(damaged("its key derivation settings are outside what Bitwarden allows")),
        _ => return Err(damaged("it names no key derivation Bitwarden uses")),
    };
    let stretched =
        cipher::hkdf_expand_sha256(master.as_ref(), b"enc").zip(cipher::hkdf_expand_sha256(master.as_ref(), b"mac"));
    let (enc, mac) = stretched.ok_or(damaged("its key cannot be stretched"))?;
    open_enc_string(text(json, "encKeyValidation_DO_NOT_EDIT"), enc.as_ref(), mac.as_ref())
        .ok_or(ImportError::WrongPassword(Format::Bitwarden))?;
    open_enc_string(text(json, "data"), enc.as_ref(), mac.as_ref()).ok_or(damaged("its data does not verify"))
}

/// Opens Bitwarden's `2.iv|ciphertext|mac` (base64 each): the MAC checked first, then AES-256-CBC.
fn open_enc_string(sealed: &str, enc: &[u8], mac: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let ("2", rest) = sealed.trim().split_once('.')? else { return None };
    let parts: Vec<Vec<u8>> = rest.split('|').map(cipher::base64).collect::<Option<_>>()?;
    let [iv, ciphertext, tag] = parts.as_slice() else { return None };
    cipher::hmac_sha256_matches(mac, &[iv, ciphertext], tag).then_some(())?;
    cipher::aes_cbc_open(enc, iv, ciphertext)
}

/// The items of an unencrypted JSON export.
fn read_json(json: &Value) -> Parsed {
    let folders = json["folders"].as_array().map_or(&[][..], Vec::as_slice);
    let mut parsed = Parsed::default();
    for item in json["items"].as_array().into_iter().flatten() {
        let login = &item["login"];
        let totp = text(login, "totp");
        if totp.trim().is_empty() {
            continue;
        }
        let folder = item
            .get("folderId")
            .and_then(Value::as_str)
            .and_then(|id| folders.iter().find(|f| text(f, "id") == id).map(|f| text(f, "name").to_owned()));
        let row = Row {
            name: text(item, "name"),
            username: text(login, "username"),
            totp,
            favorite: item.get("favorite").and_then(Value::as_bool).unwrap_or(false),
            folder: folder.as_deref().unwrap_or(""),
            notes: text(item, "notes"),
        };
        parsed.push(row.entry());
    }
    parsed
}

/// The rows of a CSV export.
fn read_csv(text: &str) -> Result<Parsed, ImportError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| damaged("its first line is not a row of column names"))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let totp = column(TOTP_COLUMN).ok_or(damaged("it has no login_totp column"))?;
    let (name, username, favorite) = (column("name"), column("login_username"), column("favorite"));
    let (folder, notes) = (column("folder"), column("notes"));
    let mut parsed = Parsed::default();
    for record in reader.records() {
        let record = record.map_err(|_| damaged("a row is not valid CSV"))?;
        let field = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or("");
        if field(Some(totp)).trim().is_empty() {
            continue;
        }
        let row = Row {
            name: field(name),
            username: field(username),
            totp: field(Some(totp)),
            favorite: field(favorite).trim() == "1",
            folder: field(folder),
            notes: field(notes),
        };
        parsed.push(row.entry());
    }
    Ok(parsed)
}

/// The link with its `secret` read as Bitwarden reads it (see [`SecretText::Base32Lenient`]).
fn with_lenient_secret(link: &str) -> Zeroizing<String> {
    let Some((base, query)) = link.split_once('?') else { return Zeroizing::new(link.to_owned()) };
    let pairs = query.split('&').map(|pair| match pair.split_once('=') {
        Some((key, value)) if key.eq_ignore_ascii_case("secret") => {
            Zeroizing::new(format!("{key}={}", super::entry::whole_bytes_of(value).as_str()))
        }
        _ => Zeroizing::new(pair.to_owned()),
    });
    let query: Vec<Zeroizing<String>> = pairs.collect();
    let joined: Vec<&str> = query.iter().map(|p| p.as_str()).collect();
    Zeroizing::new(format!("{base}?{}", joined.join("&")))
}

/// One login with a code, from either layout.
struct Row<'a> {
    name: &'a str,
    username: &'a str,
    totp: &'a str,
    favorite: bool,
    folder: &'a str,
    notes: &'a str,
}

impl Row<'_> {
    fn entry(&self) -> Result<Entry, Skipped> {
        let account = self.account().map_err(|reason| Skipped::new(self.name, self.username, reason))?;
        Ok(Entry {
            favorite: self.favorite,
            groups: Some(self.folder.trim()).filter(|f| !f.is_empty()).map(str::to_owned).into_iter().collect(),
            note: Some(self.notes.trim()).filter(|n| !n.is_empty()).map(str::to_owned),
            ..Entry::new(account)
        })
    }

    /// The account the `totp` field describes: a link, a Steam secret, or a bare secret.
    fn account(&self) -> Result<Account, Reason> {
        let totp = self.totp.trim();
        let scheme = totp.split_once("://").map(|(scheme, rest)| (scheme.to_ascii_lowercase(), rest));
        match scheme {
            Some((scheme, _)) if scheme == "otpauth" => {
                let mut account = match crate::uri::parse(totp) {
                    Err(crate::uri::UriError::Secret(_)) => crate::uri::parse(&with_lenient_secret(totp))?,
                    parsed => parsed?,
                };
                if account.issuer.is_empty() && account.name.is_empty() {
                    (account.issuer, account.name) = (self.name.trim().to_owned(), self.username.trim().to_owned());
                }
                Ok(account)
            }
            Some((scheme, secret)) if scheme == "steam" => {
                let secret = SecretText::Base32Lenient(secret);
                Fields { kind: "steam", ..Fields::totp(self.name, self.username, secret) }.account()
            }
            _ => Fields::totp(self.name, self.username, SecretText::Base32Lenient(totp)).account(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(totp: &str, at: u64) -> String {
        let row = Row { name: "Site", username: "me", totp, favorite: false, folder: "", notes: "" };
        row.account().unwrap().codes_at(at).current.as_str().to_owned()
    }

    #[test]
    fn the_totp_field_gives_bitwardens_own_test_vectors() {
        // Bitwarden's SDK (bitwarden-vault, totp.rs) checks these codes at 2023-01-01T00:00:00Z.
        let at = 1_672_531_200;
        assert_eq!(code("WQIQ25BRKZYCJVYP", at), "194506");
        assert_eq!(code("wqiq25brkzycjvyp", at), "194506");
        assert_eq!(code("PIUDISEQYA", at), "829846");
        assert_eq!(code("PIUD1IS!EQYA=", at), "829846");
        assert_eq!(code("steam://HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ", at), "7W6CJ");
        assert_eq!(code("otpauth://totp/test-account?secret=WQIQ25BRKZYCJVYP&period=60", at), "730364");
        assert_eq!(code("otpauth://totp/test-account?secret=WQIQ25BRKZYCJVYP&algorithm=SHA256", at), "842615");
    }
}
