//! Accounts from other authenticators' export files: Aegis, 2FAS, Ente Auth, Proton Authenticator, Bitwarden,
//! andOTP, Authenticator Pro, FreeOTP+, LastPass Authenticator, Raivo OTP, and plain lists of `otpauth://` (and
//! Google Authenticator's `otpauth-migration://`) links.
//!
//! The format is recognised from the content, never from the file name: magic bytes, JSON keys, schema versions.
//! [`identify`] says which app wrote a file and whether it is encrypted, so a password is asked for only when one
//! is needed; [`read`] reads it. One module per format, behind one trait; each opens with a link to what describes
//! its format and says what the conversion loses.
//!
//! One entry that cannot be used never spoils the file: it is listed in [`Import::skipped`] with the reason, and
//! the rest is read. A file that cannot be read at all is an [`ImportError`] with a sentence.
//!
//! ```
//! use twofold::import::{self, Format};
//!
//! let file = b"otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\notpauth://totp/Old?secret=JBSW1\n";
//! let import = import::read(file, None)?;
//! assert_eq!(import.format, Format::OtpauthList);
//! assert_eq!(import.entries[0].account.issuer, "Example");
//! assert!(import.skipped[0].to_string().starts_with("Old cannot be added."));
//! # Ok::<(), import::ImportError>(())
//! ```

mod aegis;
mod andotp;
mod authpro;
mod bitwarden;
pub(crate) mod cipher;
mod ente;
mod entry;
mod freeotp;
mod lastpass;
mod links;
pub mod pictures;
mod proton;
mod raivo;
mod twofas;
mod twofold;

use serde_json::Value;

pub use entry::{Entry, Reason, Skipped};

/// The largest file an import reads: far above any authenticator's export (a few hundred bytes an account), far
/// below what would keep the app busy or short of memory.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// The app that wrote an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Format {
    /// Twofold's own backup.
    Twofold,
    /// Aegis Authenticator's vault export.
    Aegis,
    /// 2FAS Authenticator's `.2fas` backup.
    TwoFas,
    /// Ente Auth's export.
    Ente,
    /// Proton Authenticator's export.
    Proton,
    /// Bitwarden's JSON or CSV export.
    Bitwarden,
    /// andOTP's backup.
    AndOtp,
    /// FreeOTP+'s JSON export.
    FreeOtpPlus,
    /// Authenticator Pro's (Stratum's) `.authpro` backup.
    AuthenticatorPro,
    /// Raivo OTP's ZIP export.
    Raivo,
    /// LastPass Authenticator's export.
    LastPass,
    /// A text file of `otpauth://` (or Google's `otpauth-migration://`) links, one a line.
    OtpauthList,
    /// Pictures of QR codes: Google Authenticator's export codes, or any authenticator's.
    Pictures,
}

impl Format {
    /// The app's name, as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Twofold => "Twofold",
            Format::Aegis => "Aegis",
            Format::TwoFas => "2FAS",
            Format::Ente => "Ente Auth",
            Format::Proton => "Proton Authenticator",
            Format::Bitwarden => "Bitwarden",
            Format::AndOtp => "andOTP",
            Format::FreeOtpPlus => "FreeOTP+",
            Format::AuthenticatorPro => "Authenticator Pro",
            Format::Raivo => "Raivo OTP",
            Format::LastPass => "LastPass Authenticator",
            Format::OtpauthList => "authenticator link list",
            Format::Pictures => "QR code picture",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether an export needs a password to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Protection {
    /// Readable as it is.
    Plain,
    /// Encrypted with a password the user chose when exporting.
    Encrypted,
}

/// What an export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The app that wrote it.
    pub format: Format,
    /// The accounts Twofold can add, in the export's order.
    pub entries: Vec<Entry>,
    /// The entries it cannot add, each with the reason.
    pub skipped: Vec<Skipped>,
}

/// Why a file cannot be imported at all. Nothing is ever written when one of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A file of no bytes.
    #[error("The file is empty. Export the accounts from the other app again, then choose the new file.")]
    Empty,
    /// More than [`MAX_BYTES`].
    #[error(
        "The file is {megabytes} MB, far larger than an authenticator's export (Twofold reads up to {} MB). Choose the file the other app exported.",
        MAX_BYTES / 1024 / 1024
    )]
    TooLarge {
        /// Its size, rounded up.
        megabytes: usize,
    },
    /// Not an export of any format Twofold reads.
    #[error(
        "Twofold does not recognise this file as an authenticator's export. It reads Twofold's own backups and exports of Aegis, 2FAS, Ente Auth, Proton Authenticator, Bitwarden, andOTP, Authenticator Pro, FreeOTP+, LastPass Authenticator and Raivo OTP, lists of otpauth:// links, and pictures of QR codes; choose the file one of them exported."
    )]
    NotRecognised,
    /// A picture that cannot be decoded.
    #[error("{reason}")]
    Picture {
        /// The picture's file name.
        name: String,
        /// The sentence of the image reader.
        reason: String,
    },
    /// A picture with no QR code found in it.
    #[error(
        "No QR code was found in {0}. Use a sharp screenshot or photo in which the whole code is visible, one code a picture."
    )]
    NoQrCode(String),
    /// A picture whose QR code is not an authenticator's.
    #[error("{name}: {reason}")]
    NotAuthenticatorCode {
        /// The picture's file name.
        name: String,
        /// Why the code cannot be paired.
        reason: String,
    },
    /// Not every code of a Google Authenticator export was given.
    #[error(
        "The pictures hold part of a Google Authenticator export: {0} Give a picture of every code the export showed, in one import."
    )]
    IncompleteExport(String),
    /// An encrypted export and no password.
    #[error("This {0} export is encrypted. Type the password it was exported with.")]
    NeedsPassword(Format),
    /// The password does not open it.
    #[error(
        "That password does not open this {0} export. Type the password chosen when the accounts were exported, and check Caps Lock and the keyboard layout."
    )]
    WrongPassword(Format),
    /// The file is of a known format but cut short, altered or malformed.
    #[error("This {format} export is damaged ({reason}), so its accounts cannot be read. Export them again.")]
    Damaged {
        /// The app that wrote it.
        format: Format,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A variant of a known format that cannot be read outside the app that wrote it.
    #[error("This {format} export {what}")]
    Unsupported {
        /// The app that wrote it.
        format: Format,
        /// What it is and what to do instead: the rest of the sentence.
        what: &'static str,
    },
    /// A well-formed export with no account in it.
    #[error("This {0} export holds no accounts. Check that you exported the right vault or profile in the other app.")]
    NoAccounts(Format),
}

/// An export's bytes, with the views of them most formats recognise: text, and parsed JSON.
pub(crate) struct File<'a> {
    /// The bytes as they came.
    pub bytes: &'a [u8],
    /// The bytes as text, when they are UTF-8 (a byte-order mark removed).
    pub text: Option<&'a str>,
    /// The text parsed as JSON, when it is.
    pub json: Option<Value>,
}

impl<'a> File<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let text = std::str::from_utf8(bytes).ok().map(|t| t.trim_start_matches('\u{feff}'));
        let json = text.and_then(|t| serde_json::from_str(t).ok());
        File { bytes, text, json }
    }
}

/// What an export's entries came to: the accounts to add and those left out.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
}

impl Parsed {
    /// Adds an entry, or the reason it cannot be added.
    pub fn push(&mut self, entry: Result<Entry, Skipped>) {
        match entry {
            Ok(entry) => self.entries.push(entry),
            Err(skipped) => self.skipped.push(skipped),
        }
    }
}

/// One export format.
pub(crate) trait Importer: Sync {
    /// The app whose exports this reads.
    fn format(&self) -> Format;
    /// Whether `file` is such an export, and whether it is encrypted; `None` if it is not one.
    fn recognise(&self, file: &File<'_>) -> Option<Protection>;
    /// Reads the export. `password` is given for an encrypted one.
    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError>;
}

/// Every format, most specific first: a file is taken by the first that recognises it.
static IMPORTERS: &[&dyn Importer] = &[
    &twofold::Twofold,
    &aegis::Aegis,
    &twofas::TwoFas,
    &proton::Proton,
    &bitwarden::Bitwarden,
    &lastpass::LastPass,
    &freeotp::FreeOtpPlus,
    &authpro::AuthenticatorPro,
    &raivo::Raivo,
    &andotp::AndOtp,
    &ente::Ente,
    &links::Links,
];

fn check_size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.is_empty() || bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { megabytes: bytes.len().div_ceil(1024 * 1024) });
    }
    Ok(())
}

fn recognise(file: &File<'_>) -> Result<(&'static dyn Importer, Protection), ImportError> {
    IMPORTERS.iter().find_map(|importer| Some((*importer, importer.recognise(file)?))).ok_or(ImportError::NotRecognised)
}

/// Which app wrote `bytes`, and whether they are encrypted, without reading any account.
pub fn identify(bytes: &[u8]) -> Result<(Format, Protection), ImportError> {
    check_size(bytes)?;
    let (importer, protection) = recognise(&File::new(bytes))?;
    Ok((importer.format(), protection))
}

/// Reads an export. `password` opens an encrypted one; it is not looked at for a plain one.
pub fn read(bytes: &[u8], password: Option<&str>) -> Result<Import, ImportError> {
    check_size(bytes)?;
    if pictures::is_picture(bytes) {
        return pictures::read_pictures(&[("The picture".to_owned(), bytes.to_vec())]);
    }
    let file = File::new(bytes);
    let (importer, protection) = match recognise(&file) {
        Ok(found) => found,
        // andOTP's oldest encrypted backups carry no mark to recognise them by: with a password, they are tried last.
        Err(ImportError::NotRecognised) if password.is_some() && file.text.is_none() => {
            let password = password.unwrap_or_default();
            return andotp::AndOtp
                .read(&file, Some(password))
                .map(|parsed| Import { format: Format::AndOtp, entries: parsed.entries, skipped: parsed.skipped })
                .map_err(|_| ImportError::NotRecognised);
        }
        Err(error) => return Err(error),
    };
    let format = importer.format();
    let password = match (protection, password) {
        (Protection::Plain, _) => None,
        (Protection::Encrypted, Some(password)) => Some(password),
        (Protection::Encrypted, None) => return Err(ImportError::NeedsPassword(format)),
    };
    let Parsed { entries, skipped } = importer.read(&file, password)?;
    if entries.is_empty() && skipped.is_empty() {
        return Err(ImportError::NoAccounts(format));
    }
    Ok(Import { format, entries, skipped })
}

/// The string at `key` of a JSON object, or `""`.
pub(crate) fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The whole number at `key` of a JSON object, also when written as text.
pub(crate) fn number(value: &Value, key: &str) -> Option<u64> {
    match value.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_a_huge_or_a_foreign_file_is_refused_with_its_sentence() {
        assert_eq!(read(b"", None), Err(ImportError::Empty));
        assert_eq!(read(b" \n\n", None), Err(ImportError::Empty));
        let huge = vec![b'x'; MAX_BYTES + 1];
        assert_eq!(read(&huge, None), Err(ImportError::TooLarge { megabytes: 17 }));
        assert_eq!(read(br#"{"name": "a package.json"}"#, None), Err(ImportError::NotRecognised));
        let cut_picture = read(b"\x89PNG\r\n\x1a\n\0\0\0", None).unwrap_err();
        assert!(cut_picture.to_string().contains("could not be read as an image"), "{cut_picture}");
        let message = ImportError::NotRecognised.to_string();
        assert!(message.contains("Aegis, 2FAS, Ente Auth"), "{message}");
    }
}
