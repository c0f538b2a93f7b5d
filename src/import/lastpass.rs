//! LastPass Authenticator's export (the JSON the app writes to a file: `{"version", "deviceName", "accounts",
//! "folders"}`), as Proton Authenticator's importer reads it (<https://github.com/protonpass/proton-pass-common>).
//!
//! Each account has the `issuerName` and `userName` the user sees (and the originals the QR code gave), the
//! `secret` in base32, `algorithm`, `digits`, `timeStep` (the period), `isFavorite` and a folder.
//!
//! What the conversion loses: the original issuer and user names when the user renamed them, LastPass's own push
//! sign-in accounts (listed as skipped: they have no secret), and the order within folders.

use serde_json::Value;

use super::entry::{Entry, Fields, SecretText};
use super::{File, Format, ImportError, Importer, Parsed, Protection, number, text};

/// LastPass Authenticator's exports.
pub(crate) struct LastPass;

impl Importer for LastPass {
    fn format(&self) -> Format {
        Format::LastPass
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        let json = file.json.as_ref()?;
        let first = json.get("accounts")?.as_array()?.first()?;
        (first.get("issuerName").is_some() && first.get("timeStep").is_some()).then_some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, _password: Option<&str>) -> Result<Parsed, ImportError> {
        let json =
            file.json.as_ref().ok_or(ImportError::Damaged { format: Format::LastPass, reason: "it is not JSON" })?;
        let folders = json["folders"].as_array().map_or(&[][..], Vec::as_slice);
        let mut parsed = Parsed::default();
        for account in json["accounts"].as_array().into_iter().flatten() {
            let issuer = Some(text(account, "issuerName")).filter(|i| !i.is_empty());
            let name = Some(text(account, "userName")).filter(|n| !n.is_empty());
            let fields = Fields {
                algorithm: account.get("algorithm").and_then(Value::as_str),
                digits: number(account, "digits"),
                period: number(account, "timeStep"),
                ..Fields::totp(
                    issuer.unwrap_or(text(account, "originalIssuerName")),
                    name.unwrap_or(text(account, "originalUserName")),
                    SecretText::Base32(text(account, "secret")),
                )
            };
            let folder = number(&account["folderData"], "folderId")
                .and_then(|id| folders.iter().find(|f| number(f, "id") == Some(id)))
                .map(|f| text(f, "name").to_owned())
                .filter(|name| !name.is_empty() && name != "Other accounts" && name != "Favorites");
            parsed.push(fields.account_or_skip().map(|account_| Entry {
                favorite: account.get("isFavorite").and_then(Value::as_bool).unwrap_or(false),
                groups: folder.into_iter().collect(),
                ..Entry::new(account_)
            }));
        }
        Ok(parsed)
    }
}
