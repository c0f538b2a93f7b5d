//! Writes an Aegis vault file (<https://github.com/beemdevelopment/Aegis/blob/master/docs/vault.md>), the format
//! most authenticators import: database version 3, with a table of groups, favourites and notes.
//!
//! Encrypted, the database is sealed with AES-256-GCM under a random master key, held in one password slot sealed
//! under scrypt of the password (N = 2^15, r = 8, p = 1, as Aegis itself writes). Plain, the database is in the file
//! as it is, and every secret with it.

use serde::Serialize;
use zeroize::Zeroizing;

use crate::account::Entry;
use crate::import::cipher;
use crate::otp::Otp;

/// scrypt's cost, block size and parallelism, as Aegis writes its own password slots.
const SCRYPT: (u64, u32, u32) = (1 << 15, 8, 1);

#[derive(Serialize)]
struct File<'a, D: Serialize> {
    version: u32,
    header: Header,
    db: &'a D,
}

#[derive(Serialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<Params>,
}

#[derive(Serialize)]
struct Params {
    nonce: String,
    tag: String,
}

#[derive(Serialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u32,
    uuid: String,
    key: String,
    key_params: Params,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct Database<'a> {
    version: u32,
    entries: Vec<DbEntry<'a>>,
    groups: Vec<Group>,
}

#[derive(Serialize)]
struct Group {
    uuid: String,
    name: String,
}

#[derive(Serialize)]
struct DbEntry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'a str,
    favorite: bool,
    icon: Option<()>,
    groups: Vec<String>,
    info: Info,
}

#[derive(Serialize)]
struct Info {
    secret: Zeroizing<String>,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

/// A random version-4 UUID, as Aegis names entries, groups and slots.
fn uuid() -> String {
    let mut b = cipher::random::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = data_encoding::HEXLOWER.encode(&b);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

fn database(entries: &[Entry]) -> Database<'_> {
    let mut groups: Vec<Group> = Vec::new();
    let mut group_id = |name: &str| match groups.iter().find(|g| g.name == name) {
        Some(group) => group.uuid.clone(),
        None => {
            let id = uuid();
            groups.push(Group { uuid: id.clone(), name: name.to_owned() });
            id
        }
    };
    let entries = entries
        .iter()
        .map(|entry| {
            let account = &entry.account;
            let (kind, info) = match account.otp {
                Otp::Totp { algorithm, digits, period } => (
                    "totp",
                    Info {
                        secret: Zeroizing::default(),
                        algo: algorithm.as_str(),
                        digits: digits.get(),
                        period: Some(period.seconds()),
                        counter: None,
                    },
                ),
                Otp::Hotp { algorithm, digits, counter } => (
                    "hotp",
                    Info {
                        secret: Zeroizing::default(),
                        algo: algorithm.as_str(),
                        digits: digits.get(),
                        period: None,
                        counter: Some(counter),
                    },
                ),
                Otp::Steam { period } => (
                    "steam",
                    Info {
                        secret: Zeroizing::default(),
                        algo: "SHA1",
                        digits: crate::otp::STEAM_DIGITS,
                        period: Some(period.seconds()),
                        counter: None,
                    },
                ),
            };
            DbEntry {
                kind,
                uuid: uuid(),
                name: &account.name,
                issuer: &account.issuer,
                note: entry.note.as_deref().unwrap_or(""),
                favorite: entry.favorite,
                icon: None,
                groups: entry.groups.iter().map(|g| group_id(g)).collect(),
                info: Info { secret: account.secret.to_base32(), ..info },
            }
        })
        .collect();
    Database { version: 3, entries, groups }
}

/// Writes JSON into a buffer that is zeroed when dropped.
fn to_json(value: &impl Serialize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(4096));
    // Serialising these plain structs into memory cannot fail.
    serde_json::to_writer_pretty(&mut *out, value).unwrap_or_else(|e| panic!("an Aegis file always serialises: {e}"));
    out
}

/// The accounts as a plain Aegis vault file: every secret readable by anyone who has the file.
pub fn plain(entries: &[Entry]) -> Zeroizing<Vec<u8>> {
    to_json(&File { version: 1, header: Header { slots: None, params: None }, db: &database(entries) })
}

/// The accounts as an encrypted Aegis vault file that `password` opens.
pub fn encrypted(entries: &[Entry], password: &str) -> Vec<u8> {
    let hex = |bytes: &[u8]| data_encoding::HEXLOWER.encode(bytes);
    let db = to_json(&database(entries));
    let master = Zeroizing::new(cipher::random::<32>());
    let (nonce, sealed) = cipher::aes_gcm_seal(&master, &db, &[]);
    let (data, tag) = sealed.split_at(sealed.len() - 16);
    let salt = cipher::random::<32>();
    let (n, r, p) = SCRYPT;
    // The parameters are fixed and valid: scrypt cannot refuse them.
    let key = cipher::scrypt(password.as_bytes(), &salt, n, r, p).unwrap_or_else(|| panic!("scrypt refused N=2^15"));
    let (key_nonce, sealed_key) = cipher::aes_gcm_seal(&key, master.as_ref(), &[]);
    let (wrapped, key_tag) = sealed_key.split_at(sealed_key.len() - 16);
    let slot = Slot {
        kind: 1,
        uuid: uuid(),
        key: hex(wrapped),
        key_params: Params { nonce: hex(&key_nonce), tag: hex(key_tag) },
        n,
        r,
        p,
        salt: hex(&salt),
        repaired: true,
        is_backup: false,
    };
    let header = Header { slots: Some(vec![slot]), params: Some(Params { nonce: hex(&nonce), tag: hex(tag) }) };
    let db = data_encoding::BASE64.encode(data);
    to_json(&File { version: 1, header, db: &db }).to_vec()
}
