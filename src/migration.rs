//! Google Authenticator's "Transfer accounts" export: `otpauth-migration://offline?data=…`.
//!
//! Format: a protobuf `MigrationPayload`, standard base64, percent-encoded into the `data` parameter. Google never
//! published the schema; the field numbers used here are those every importer agrees on, as written down by Aegis
//! (<https://github.com/beemdevelopment/Aegis/blob/master/app/src/main/proto/google_auth.proto>). A large export
//! is split over several QR codes that share a `batch_id` and carry `batch_index` of `batch_size`:
//! [`BatchCollector`] gathers them and names the ones still missing.
//!
//! What the conversion loses: the format has no period (every account is read as 30-second TOTP) and only 6 or
//! 8 digits, and no Steam type, so accounts with other periods, 7 digits or Steam codes cannot be exported to it;
//! [`encode`] refuses them by name rather than writing codes that would be wrong. MD5 accounts, and accounts of
//! a kind this version does not know, cannot be read: the rest of the export is, and [`MigrationPart::left_out`]
//! names each account left behind. Icons, groups and notes do not exist in the format.

use std::collections::BTreeMap;
use std::fmt;

use data_encoding::{BASE64_NOPAD, BASE64URL_NOPAD};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use prost::Message;
use zeroize::{Zeroize, Zeroizing};

use crate::account::Account;
use crate::otp::{Algorithm, Digits, Otp, Period};
use crate::secret::Secret;
use crate::uri::split_scheme;

/// Why an export could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// Not an `otpauth-migration://` link.
    #[error(
        "This is not a Google Authenticator export. Export links start with otpauth-migration://; in Google Authenticator choose \"Transfer accounts\", then \"Export accounts\"."
    )]
    NotAnExport,
    /// No `data=` parameter.
    #[error("The export link has no data, so it holds no accounts. Scan the export QR code again.")]
    MissingData,
    /// `data` is not base64.
    #[error(
        "The export link's data is damaged (it is not valid base64). Scan the export QR code again, holding it steady and in full view."
    )]
    BadBase64,
    /// `data` is base64 but not a payload this format allows.
    #[error(
        "The export data is damaged or of an unknown kind ({0}). Export the accounts from Google Authenticator again."
    )]
    BadPayload(&'static str),
    /// An account uses a hash this app cannot compute.
    #[error(
        "{0} uses the MD5 algorithm, which Twofold does not support. Set that account up again with the service to get a SHA1 code."
    )]
    UnsupportedAlgorithm(String),
    /// An account whose algorithm, digit count or code type has a value this version does not know.
    #[error(
        "{0} uses a kind of code that Twofold does not know, perhaps from a newer Google Authenticator. Set that account up again with the service."
    )]
    UnknownKind(String),
    /// Every account of the export was left out; each sentence names one.
    #[error("None of the accounts in this export can be added. {}", join_sentences(.0))]
    NothingReadable(Vec<MigrationError>),
    /// An account without a key.
    #[error(
        "{0} has an empty secret in the export, so no codes can be made from it. Set that account up again with the service."
    )]
    EmptySecret(String),
    /// A part of another export arrived.
    #[error(
        "This QR code belongs to a different export than the codes scanned before. Scan the codes of one export only, or start the import over."
    )]
    DifferentBatch,
    /// Not every part of a batch was scanned.
    #[error("{0} Scan the remaining QR codes of this export.")]
    MissingParts(Progress),
    /// An account that the format cannot hold.
    #[error(
        "{account} cannot be exported to Google Authenticator: {reason}. Move it by showing its own QR code instead."
    )]
    Unrepresentable {
        /// The account's issuer and name.
        account: String,
        /// What the format lacks.
        reason: &'static str,
    },
}

fn join_sentences(reasons: &[MigrationError]) -> String {
    reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
}

/// The protobuf messages of the export, declared with prost's derive so no code generation runs at build time.
mod proto {
    use std::fmt;

    use zeroize::Zeroize;

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MigrationPayload {
        #[prost(message, repeated, tag = "1")]
        pub otp_parameters: Vec<OtpParameters>,
        #[prost(int32, tag = "2")]
        pub version: i32,
        #[prost(int32, tag = "3")]
        pub batch_size: i32,
        #[prost(int32, tag = "4")]
        pub batch_index: i32,
        #[prost(int32, tag = "5")]
        pub batch_id: i32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    #[prost(skip_debug)]
    pub struct OtpParameters {
        #[prost(bytes = "vec", tag = "1")]
        pub secret: Vec<u8>,
        #[prost(string, tag = "2")]
        pub name: String,
        #[prost(string, tag = "3")]
        pub issuer: String,
        #[prost(enumeration = "HashAlgorithm", tag = "4")]
        pub algorithm: i32,
        #[prost(enumeration = "DigitCount", tag = "5")]
        pub digits: i32,
        #[prost(enumeration = "OtpType", tag = "6")]
        pub otp_type: i32,
        #[prost(int64, tag = "7")]
        pub counter: i64,
    }

    impl Drop for OtpParameters {
        fn drop(&mut self) {
            self.secret.zeroize();
        }
    }

    impl fmt::Debug for OtpParameters {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("OtpParameters")
                .field("secret", &"<redacted>")
                .field("name", &self.name)
                .field("issuer", &self.issuer)
                .finish_non_exhaustive()
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum HashAlgorithm {
        Unspecified = 0,
        Sha1 = 1,
        Sha256 = 2,
        Sha512 = 3,
        Md5 = 4,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum DigitCount {
        Unspecified = 0,
        Six = 1,
        Eight = 2,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum OtpType {
        Unspecified = 0,
        Hotp = 1,
        Totp = 2,
    }
}

/// Where one QR code sits in a multi-code export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Batch {
    /// Position of this code, from 0.
    pub index: u32,
    /// Number of codes in the export (at least 1).
    pub size: u32,
    /// Identifies the export; every code of one export carries the same id.
    pub id: i32,
}

/// The accounts of one export QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationPart {
    /// The accounts this code holds that Twofold can use.
    pub accounts: Vec<Account>,
    /// One sentence per account that could not be read (MD5, an unknown kind, no secret), naming it.
    pub left_out: Vec<MigrationError>,
    /// Where it sits in its export.
    pub batch: Batch,
}

/// How much of an export has been scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Progress {
    /// Codes scanned so far.
    pub scanned: u32,
    /// Codes in the export.
    pub total: u32,
}

impl Progress {
    /// True once every code of the export is in.
    pub fn is_complete(&self) -> bool {
        self.scanned >= self.total
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.total == 1 { "code" } else { "codes" };
        write!(f, "{} of {} {noun} scanned.", self.scanned, self.total)
    }
}

/// Reads one `otpauth-migration://offline?data=…` link.
///
/// ```
/// let part = twofold::migration::decode(
///     "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC",
/// ).unwrap();
/// assert_eq!(part.accounts[0].issuer, "Example");
/// assert_eq!(part.accounts[0].name, "alice@google.com");
/// ```
pub fn decode(text: &str) -> Result<MigrationPart, MigrationError> {
    let payload = decode_payload(text)?;
    let size =
        u32::try_from(payload.batch_size.max(1)).map_err(|_| MigrationError::BadPayload("negative batch size"))?;
    let index = u32::try_from(payload.batch_index).map_err(|_| MigrationError::BadPayload("negative batch index"))?;
    if index >= size {
        return Err(MigrationError::BadPayload("batch index past the batch size"));
    }
    let (mut accounts, mut left_out) = (Vec::new(), Vec::new());
    for params in &payload.otp_parameters {
        match to_account(params) {
            Ok(account) => accounts.push(account),
            // A damaged payload is refused whole: its other accounts cannot be trusted either.
            Err(damaged @ MigrationError::BadPayload(_)) => return Err(damaged),
            Err(one_account) => left_out.push(one_account),
        }
    }
    Ok(MigrationPart { accounts, left_out, batch: Batch { index, size, id: payload.batch_id } })
}

fn decode_payload(text: &str) -> Result<proto::MigrationPayload, MigrationError> {
    let (scheme, rest) = split_scheme(text).map_err(|_| MigrationError::NotAnExport)?;
    if !scheme.eq_ignore_ascii_case("otpauth-migration") {
        return Err(MigrationError::NotAnExport);
    }
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let data = query
        .split('&')
        .find_map(|pair| pair.split_once('=').filter(|(k, _)| k.eq_ignore_ascii_case("data")).map(|(_, v)| v))
        .filter(|v| !v.is_empty())
        .ok_or(MigrationError::MissingData)?;
    // Percent-decoding only: in base64 a '+' is data, not a space.
    let base64 = Zeroizing::new(percent_decode_str(data).collect::<Vec<u8>>());
    let unpadded = trim_padding(&base64);
    let bytes = BASE64_NOPAD
        .decode(unpadded)
        .or_else(|_| BASE64URL_NOPAD.decode(unpadded))
        .map(Zeroizing::new)
        .map_err(|_| MigrationError::BadBase64)?;
    proto::MigrationPayload::decode(bytes.as_slice()).map_err(|_| MigrationError::BadPayload("not a protobuf payload"))
}

fn trim_padding(text: &[u8]) -> &[u8] {
    let end = text.iter().rposition(|&b| b != b'=' && !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    &text[..end]
}

fn to_account(params: &proto::OtpParameters) -> Result<Account, MigrationError> {
    let (issuer, name) = Account::split_label(&params.name, Some(&params.issuer));
    let who = || crate::account::display_name(&issuer, &name);
    let algorithm = match proto::HashAlgorithm::try_from(params.algorithm) {
        Ok(proto::HashAlgorithm::Unspecified | proto::HashAlgorithm::Sha1) => Algorithm::Sha1,
        Ok(proto::HashAlgorithm::Sha256) => Algorithm::Sha256,
        Ok(proto::HashAlgorithm::Sha512) => Algorithm::Sha512,
        Ok(proto::HashAlgorithm::Md5) => return Err(MigrationError::UnsupportedAlgorithm(who())),
        Err(_) => return Err(MigrationError::UnknownKind(who())),
    };
    let digits = match proto::DigitCount::try_from(params.digits) {
        Ok(proto::DigitCount::Unspecified | proto::DigitCount::Six) => Digits::SIX,
        Ok(proto::DigitCount::Eight) => Digits::new(8).map_err(|_| MigrationError::BadPayload("digit count"))?,
        Err(_) => return Err(MigrationError::UnknownKind(who())),
    };
    let otp = match proto::OtpType::try_from(params.otp_type) {
        Ok(proto::OtpType::Hotp) => Otp::Hotp {
            algorithm,
            digits,
            counter: u64::try_from(params.counter).map_err(|_| MigrationError::BadPayload("negative counter"))?,
        },
        Ok(proto::OtpType::Unspecified | proto::OtpType::Totp) => {
            Otp::Totp { algorithm, digits, period: Period::THIRTY }
        }
        Err(_) => return Err(MigrationError::UnknownKind(who())),
    };
    let secret = Secret::from_bytes(params.secret.clone()).map_err(|_| MigrationError::EmptySecret(who()))?;
    Ok(Account { issuer, name, secret, otp })
}

/// Gathers the codes of a multi-code export and tells what is still missing.
///
/// Parts may arrive in any order and more than once; a part of another export is refused.
#[derive(Debug, Default)]
pub struct BatchCollector {
    batch: Option<(i32, u32)>,
    parts: BTreeMap<u32, MigrationPart>,
}

/// Every account of a complete export.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Imported {
    /// The accounts Twofold can use, in export order.
    pub accounts: Vec<Account>,
    /// One sentence per account that could not be read, naming it.
    pub left_out: Vec<MigrationError>,
}

impl From<Account> for Imported {
    /// One account, nothing left out: what a single `otpauth` link gives.
    fn from(account: Account) -> Self {
        Self { accounts: vec![account], left_out: Vec::new() }
    }
}

impl BatchCollector {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `part` belongs to the export gathered so far (any part does while none is).
    pub fn belongs(&self, part: &MigrationPart) -> bool {
        self.batch.is_none_or(|batch| batch == (part.batch.id, part.batch.size))
    }

    /// Adds a scanned part and returns the progress so far.
    pub fn add(&mut self, part: MigrationPart) -> Result<Progress, MigrationError> {
        if !self.belongs(&part) {
            return Err(MigrationError::DifferentBatch);
        }
        self.batch = Some((part.batch.id, part.batch.size));
        self.parts.entry(part.batch.index).or_insert(part);
        Ok(self.progress())
    }

    /// How many codes are in, out of how many.
    pub fn progress(&self) -> Progress {
        let total = self.batch.map_or(0, |(_, size)| size);
        Progress { scanned: self.parts.len() as u32, total }
    }

    /// The positions (from 0) of the codes not scanned yet.
    pub fn missing(&self) -> Vec<u32> {
        let total = self.batch.map_or(0, |(_, size)| size);
        (0..total).filter(|i| !self.parts.contains_key(i)).collect()
    }

    /// All accounts in export order, or [`MigrationError::MissingParts`] if a code is missing.
    pub fn finish(self) -> Result<Imported, MigrationError> {
        let progress = self.progress();
        if self.batch.is_none() || !progress.is_complete() {
            return Err(MigrationError::MissingParts(progress));
        }
        let mut all = Imported::default();
        for part in self.parts.into_values() {
            all.accounts.extend(part.accounts);
            all.left_out.extend(part.left_out);
        }
        Ok(all)
    }
}

/// How [`encode`] splits accounts over QR codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Accounts per QR code; at least 1. Ten keeps each code easy to scan.
    pub accounts_per_code: usize,
    /// The id shared by every code of this export.
    pub batch_id: i32,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() ^ d.as_secs() as u32);
        EncodeOptions { accounts_per_code: 10, batch_id: (nanos & 0x7fff_ffff) as i32 }
    }
}

/// Writes accounts as one or more `otpauth-migration://` links, one per QR code.
///
/// The links hold secrets and are wiped from memory when dropped. Accounts the format cannot represent are
/// refused with [`MigrationError::Unrepresentable`], naming the first of them.
pub fn encode(accounts: &[Account], options: EncodeOptions) -> Result<Vec<Zeroizing<String>>, MigrationError> {
    let params = accounts.iter().map(to_params).collect::<Result<Vec<_>, _>>()?;
    let per_code = options.accounts_per_code.max(1);
    let chunks: Vec<&[proto::OtpParameters]> =
        if params.is_empty() { vec![&[]] } else { params.chunks(per_code).collect() };
    let size = i32::try_from(chunks.len()).map_err(|_| MigrationError::BadPayload("too many codes"))?;
    let mut links = Vec::with_capacity(chunks.len());
    for (index, chunk) in chunks.into_iter().enumerate() {
        let payload = proto::MigrationPayload {
            otp_parameters: chunk.to_vec(),
            version: 1,
            batch_size: size,
            batch_index: index as i32,
            batch_id: options.batch_id,
        };
        let bytes = Zeroizing::new(payload.encode_to_vec());
        let mut base64 = Zeroizing::new(data_encoding::BASE64.encode(&bytes));
        let mut link = Zeroizing::new(String::from("otpauth-migration://offline?data="));
        link.extend(utf8_percent_encode(&base64, NON_ALPHANUMERIC));
        base64.zeroize();
        links.push(link);
    }
    Ok(links)
}

fn to_params(account: &Account) -> Result<proto::OtpParameters, MigrationError> {
    let refuse = |reason| MigrationError::Unrepresentable { account: account.display_name(), reason };
    let digits = |d: Digits| match d.get() {
        6 => Ok(proto::DigitCount::Six),
        8 => Ok(proto::DigitCount::Eight),
        _ => Err(refuse("its codes have 7 digits, and the format allows only 6 or 8")),
    };
    let algorithm = match account.otp.algorithm() {
        Algorithm::Sha1 => proto::HashAlgorithm::Sha1,
        Algorithm::Sha256 => proto::HashAlgorithm::Sha256,
        Algorithm::Sha512 => proto::HashAlgorithm::Sha512,
    };
    let (otp_type, digits, counter) = match account.otp {
        Otp::Totp { period, .. } if period != Period::THIRTY => {
            return Err(refuse("its codes change every period other than 30 seconds, and the format has no period"));
        }
        Otp::Totp { digits: d, .. } => (proto::OtpType::Totp, digits(d)?, 0),
        Otp::Hotp { digits: d, counter, .. } => (
            proto::OtpType::Hotp,
            digits(d)?,
            i64::try_from(counter).map_err(|_| refuse("its counter is larger than the format can hold"))?,
        ),
        Otp::Steam { .. } => {
            return Err(refuse("it is a Steam Guard account, which the format cannot hold"));
        }
    };
    let name =
        if account.issuer.is_empty() { account.name.clone() } else { format!("{}:{}", account.issuer, account.name) };
    Ok(proto::OtpParameters {
        secret: account.secret.expose().to_vec(),
        name,
        issuer: account.issuer.clone(),
        algorithm: algorithm as i32,
        digits: digits as i32,
        otp_type: otp_type as i32,
        counter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOGLE_VECTOR: &str =
        "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";

    fn account(issuer: &str, name: &str, otp: Otp) -> Account {
        Account::new(issuer, name, Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(), otp)
    }

    #[test]
    fn googles_example_decodes_to_alice_at_example() {
        let payload = decode_payload(GOOGLE_VECTOR).unwrap();
        assert_eq!(payload.otp_parameters[0].name, "Example:alice@google.com");
        let part = decode(GOOGLE_VECTOR).unwrap();
        assert_eq!(part.batch, Batch { index: 0, size: 1, id: 0 });
        let alice = &part.accounts[0];
        assert_eq!((alice.issuer.as_str(), alice.name.as_str()), ("Example", "alice@google.com"));
        assert_eq!(alice.secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
        assert_eq!(alice.otp, Otp::default());
    }

    #[test]
    fn plus_in_data_is_base64_not_a_space() {
        // A secret whose base64 contains '+' and '/', written both raw and percent-encoded.
        let tricky =
            Account::new("X", "y", Secret::from_bytes(vec![0xfb, 0xef, 0xbe, 0xff, 0xfe]).unwrap(), Otp::default());
        let link = encode(std::slice::from_ref(&tricky), EncodeOptions { accounts_per_code: 10, batch_id: 7 })
            .unwrap()
            .remove(0);
        assert!(link.contains("%2B") || link.contains("%2F"), "{}", link.as_str());
        assert_eq!(decode(&link).unwrap().accounts, vec![tricky.clone()]);
        let raw = percent_decode_str(&link).decode_utf8().unwrap().into_owned();
        assert!(raw.contains('+') || raw.contains('/'));
        assert_eq!(decode(&raw).unwrap().accounts, vec![tricky]);
    }

    #[test]
    fn encode_then_decode_keeps_every_field() {
        let accounts = vec![
            account("Example", "alice@google.com", Otp::default()),
            account(
                "",
                "bob",
                Otp::Hotp { algorithm: Algorithm::Sha256, digits: Digits::new(8).unwrap(), counter: 42 },
            ),
            account(
                "Big Corp",
                "carol",
                Otp::Totp { algorithm: Algorithm::Sha512, digits: Digits::SIX, period: Period::THIRTY },
            ),
        ];
        let links = encode(&accounts, EncodeOptions { accounts_per_code: 10, batch_id: 1 }).unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(decode(&links[0]).unwrap().accounts, accounts);
    }

    #[test]
    fn a_batch_in_three_parts_is_collected_in_any_order_and_missing_parts_are_named() {
        let accounts: Vec<Account> = (0..7).map(|i| account("Issuer", &format!("user{i}"), Otp::default())).collect();
        let links = encode(&accounts, EncodeOptions { accounts_per_code: 3, batch_id: 99 }).unwrap();
        assert_eq!(links.len(), 3);
        let mut collector = BatchCollector::new();
        let progress = collector.add(decode(&links[2]).unwrap()).unwrap();
        assert_eq!(progress.to_string(), "1 of 3 codes scanned.");
        collector.add(decode(&links[0]).unwrap()).unwrap();
        assert_eq!(collector.add(decode(&links[0]).unwrap()).unwrap().scanned, 2, "a repeated part counts once");
        assert_eq!(collector.missing(), vec![1]);
        let other = encode(&accounts[..1], EncodeOptions { accounts_per_code: 3, batch_id: 5 }).unwrap();
        assert_eq!(collector.add(decode(&other[0]).unwrap()), Err(MigrationError::DifferentBatch));
        let early = BatchCollector { batch: collector.batch, parts: collector.parts.clone() }.finish().unwrap_err();
        assert!(early.to_string().starts_with("2 of 3 codes scanned."), "{early}");
        assert!(collector.add(decode(&links[1]).unwrap()).unwrap().is_complete());
        assert_eq!(collector.finish().unwrap(), Imported { accounts, left_out: vec![] });
    }

    #[test]
    fn accounts_the_format_cannot_hold_are_refused_by_name() {
        let seven = account(
            "Acme",
            "dan",
            Otp::Totp { algorithm: Algorithm::Sha1, digits: Digits::new(7).unwrap(), period: Period::THIRTY },
        );
        let sixty = account(
            "Acme",
            "eve",
            Otp::Totp { algorithm: Algorithm::Sha1, digits: Digits::SIX, period: Period::new(60).unwrap() },
        );
        let steam = account("Steam", "frank", Otp::Steam { period: Period::THIRTY });
        for (acc, words) in [(seven, "7 digits"), (sixty, "period"), (steam, "Steam")] {
            let e = encode(std::slice::from_ref(&acc), EncodeOptions::default()).unwrap_err().to_string();
            assert!(e.contains(&acc.display_name()) && e.contains(words), "{e}");
        }
    }

    fn params(name: &str, algorithm: i32, otp_type: i32, secret: &[u8]) -> proto::OtpParameters {
        proto::OtpParameters {
            secret: secret.to_vec(),
            name: name.into(),
            issuer: String::new(),
            algorithm,
            digits: proto::DigitCount::Six as i32,
            otp_type,
            counter: 0,
        }
    }

    fn link_of(otp_parameters: Vec<proto::OtpParameters>) -> String {
        let payload =
            proto::MigrationPayload { otp_parameters, version: 1, batch_size: 1, batch_index: 0, batch_id: 3 };
        let base64 = data_encoding::BASE64.encode(&payload.encode_to_vec());
        format!("otpauth-migration://offline?data={}", utf8_percent_encode(&base64, NON_ALPHANUMERIC))
    }

    #[test]
    fn accounts_that_cannot_be_read_are_left_out_by_name_and_the_rest_is_kept() {
        let (sha1, md5, totp) = (proto::HashAlgorithm::Sha1 as i32, proto::HashAlgorithm::Md5 as i32, 2);
        let link = link_of(vec![
            params("Acme:old", md5, totp, b"1234567890"),
            params("Example:alice", sha1, totp, b"Hello!\xde\xad\xbe\xef"),
            params("Future:carol", 9, totp, b"1234567890"),
            params("Future:dan", sha1, 7, b"1234567890"),
            params("Blank:erin", sha1, totp, b""),
        ]);
        let part = decode(&link).unwrap();
        let names: Vec<_> = part.accounts.iter().map(Account::display_name).collect();
        assert_eq!(names, ["Example (alice)"]);
        assert_eq!(part.accounts[0].secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
        let reasons: Vec<String> = part.left_out.iter().map(ToString::to_string).collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons[0].starts_with("Acme (old) uses the MD5 algorithm"), "{}", reasons[0]);
        assert!(reasons[1].starts_with("Future (carol) uses a kind of code"), "{}", reasons[1]);
        assert!(reasons[2].starts_with("Future (dan) uses a kind of code"), "{}", reasons[2]);
        assert!(reasons[3].starts_with("Blank (erin) has an empty secret"), "{}", reasons[3]);

        let mut collector = BatchCollector::new();
        collector.add(part).unwrap();
        let imported = collector.finish().unwrap();
        assert_eq!((imported.accounts.len(), imported.left_out.len()), (1, 4));
    }

    #[test]
    fn a_negative_counter_refuses_the_whole_code_as_damaged() {
        let mut hotp = params("Acme:bob", proto::HashAlgorithm::Sha1 as i32, proto::OtpType::Hotp as i32, b"12345");
        hotp.counter = -1;
        let good = params("Example:alice", proto::HashAlgorithm::Sha1 as i32, 2, b"12345");
        assert!(matches!(decode(&link_of(vec![good, hotp])), Err(MigrationError::BadPayload(_))));
    }

    #[test]
    fn damaged_links_give_distinct_errors() {
        assert_eq!(decode("otpauth://totp/a?secret=AA").unwrap_err(), MigrationError::NotAnExport);
        assert_eq!(decode("otpauth-migration://offline?x=1").unwrap_err(), MigrationError::MissingData);
        assert_eq!(decode("otpauth-migration://offline?data=%%%").unwrap_err(), MigrationError::BadBase64);
        assert!(matches!(
            decode("otpauth-migration://offline?data=CjEKCkhl").unwrap_err(),
            MigrationError::BadPayload(_)
        ));
    }

    #[test]
    fn debug_of_decoded_parameters_hides_the_secret() {
        let payload = decode_payload(GOOGLE_VECTOR).unwrap();
        let shown = format!("{payload:?}");
        assert!(shown.contains("redacted") && !shown.contains("72, 101"), "{shown}");
    }
}
