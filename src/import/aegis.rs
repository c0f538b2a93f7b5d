//! Aegis Authenticator's vault export, described in Aegis's `docs/vault.md`
//! (<https://github.com/beemdevelopment/Aegis/blob/master/docs/vault.md>).
//!
//! `{"version": 1, "header": {"slots", "params"}, "db"}`. Plain, `db` is the database; encrypted, it is base64 of
//! the database sealed with AES-256-GCM under a master key, which each password slot holds sealed under a key made
//! from the password with scrypt (`n`, `r`, `p`, `salt`; nonce and tag beside it, all hex). Every password slot is
//! tried, not only the first. Database versions 1 to 3: version 2 adds a group name per entry, version 3 replaces
//! it with a list of group ids and a table of groups.
//!
//! What the conversion loses: icons and entry ids. Names, issuers, favourites, notes and groups are kept; mOTP and
//! Yandex entries are listed as skipped.

use serde_json::Value;

use super::entry::{Entry, Fields, SecretText};
use super::{File, Format, ImportError, Importer, Parsed, Protection, cipher, number, text};

/// Aegis's plain and encrypted exports.
pub(crate) struct Aegis;

/// The newest database version this reads.
const NEWEST_DB: u64 = 3;

/// The slot type of a password slot (0 is a raw key, 2 a fingerprint: both need the phone).
const PASSWORD_SLOT: u64 = 1;

impl Importer for Aegis {
    fn format(&self) -> Format {
        Format::Aegis
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        let json = file.json.as_ref()?;
        let header = json.get("header").filter(|h| h.is_object() && h.get("slots").is_some())?;
        match json.get("db")? {
            Value::String(_) if header["slots"].is_array() => Some(Protection::Encrypted),
            Value::Object(_) => Some(Protection::Plain),
            _ => None,
        }
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        let json = file.json.as_ref().ok_or(damaged("it is not JSON"))?;
        match (&json["db"], password) {
            (Value::String(sealed), Some(password)) => {
                let plain = decrypt(&json["header"], sealed, password)?;
                let db: Value =
                    serde_json::from_slice(&plain).map_err(|_| damaged("its decrypted database is not JSON"))?;
                read_db(&db)
            }
            (db, _) => read_db(db),
        }
    }
}

fn damaged(reason: &'static str) -> ImportError {
    ImportError::Damaged { format: Format::Aegis, reason }
}

/// Opens the database with the first password slot that `password` opens.
fn decrypt(header: &Value, sealed: &str, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    let slots = header["slots"].as_array().ok_or(damaged("it has no key slots"))?;
    let password_slots: Vec<&Value> = slots.iter().filter(|s| number(s, "type") == Some(PASSWORD_SLOT)).collect();
    if password_slots.is_empty() {
        return Err(ImportError::Unsupported {
            format: Format::Aegis,
            what: "can only be opened with the phone's fingerprint or key, not with a password. In Aegis, set a password (Settings, Security), then export again.",
        });
    }
    let master = password_slots.into_iter().find_map(|slot| open_slot(slot, password));
    let master = master.ok_or(ImportError::WrongPassword(Format::Aegis))?;
    let params = &header["params"];
    let nonce = cipher::hex(text(params, "nonce")).ok_or(damaged("its nonce is not hex"))?;
    let tag = cipher::hex(text(params, "tag")).ok_or(damaged("its tag is not hex"))?;
    let mut data = cipher::base64(sealed).ok_or(damaged("its database is not base64"))?;
    data.extend_from_slice(&tag);
    cipher::aes_gcm_open(master.as_ref(), &nonce, &data, &[]).ok_or(damaged("its database does not verify"))
}

/// The master key, if `password` opens this slot.
fn open_slot(slot: &Value, password: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let salt = cipher::hex(text(slot, "salt"))?;
    let (n, r, p) = (number(slot, "n")?, number(slot, "r")?, number(slot, "p")?);
    let key = cipher::scrypt(password.as_bytes(), &salt, n, u32::try_from(r).ok()?, u32::try_from(p).ok()?)?;
    let params = &slot["key_params"];
    let mut sealed = cipher::hex(text(slot, "key"))?;
    sealed.extend_from_slice(&cipher::hex(text(params, "tag"))?);
    cipher::aes_gcm_open(key.as_ref(), &cipher::hex(text(params, "nonce"))?, &sealed, &[])
}

/// The entries of a plain database.
fn read_db(db: &Value) -> Result<Parsed, ImportError> {
    let version = number(db, "version").ok_or(damaged("its database has no version"))?;
    if version > NEWEST_DB {
        return Err(ImportError::Unsupported {
            format: Format::Aegis,
            what: "was made by a newer Aegis than Twofold knows. Export it as a plain or encrypted Aegis file from an Aegis version of 2024, or update Twofold.",
        });
    }
    let entries = db["entries"].as_array().ok_or(damaged("its database has no list of entries"))?;
    // Version 3 files each entry under group ids, named in a table of groups.
    let group_names: Vec<(&str, &str)> =
        db["groups"].as_array().into_iter().flatten().map(|g| (text(g, "uuid"), text(g, "name"))).collect();
    let mut parsed = Parsed::default();
    for entry in entries {
        let info = &entry["info"];
        let fields = Fields {
            issuer: text(entry, "issuer"),
            name: text(entry, "name"),
            kind: text(entry, "type"),
            secret: SecretText::Base32(text(info, "secret")),
            algorithm: info.get("algo").and_then(Value::as_str),
            digits: number(info, "digits"),
            period: number(info, "period"),
            counter: number(info, "counter"),
        };
        parsed.push(fields.account_or_skip().map(|account| {
            let mut imported = Entry::new(account);
            imported.favorite = entry.get("favorite").and_then(Value::as_bool).unwrap_or(false);
            imported.note = entry.get("note").and_then(Value::as_str).filter(|n| !n.is_empty()).map(str::to_owned);
            if let Some(group) = entry.get("group").and_then(Value::as_str) {
                imported.groups.push(group.to_owned());
            }
            for id in entry["groups"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if let Some((_, name)) = group_names.iter().find(|(uuid, _)| *uuid == id) {
                    imported.groups.push((*name).to_owned());
                }
            }
            imported
        }));
    }
    Ok(parsed)
}
