//! Twofold's own backups: a vault file (see `vault/format.rs`) with a password slot, as
//! [`crate::vault::Vault::export_backup`] and the automatic backups write it. Read with the recovery password (or
//! the password chosen for the backup), without a keychain and without opening it as a vault.
//!
//! What the conversion loses: nothing. Accounts come with their favourite marks, groups and notes; the trash does
//! not come along.

use super::{File, Format, ImportError, Importer, Parsed, Protection, text};
use crate::vault::VaultError;

/// Twofold's backups and vault files.
pub(crate) struct Twofold;

impl Importer for Twofold {
    fn format(&self) -> Format {
        Format::Twofold
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        (text(file.json.as_ref()?, "format") == "twofold-vault").then_some(Protection::Encrypted)
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        let entries = crate::vault::read_entries(file.bytes, password.unwrap_or_default()).map_err(|e| match e {
            VaultError::WrongPassword => ImportError::WrongPassword(Format::Twofold),
            VaultError::NoPasswordSlot => ImportError::Unsupported {
                format: Format::Twofold,
                what: "has no recovery password, so it opens only through the keychain of the computer that made it. Open Twofold there, set a recovery password in the settings, and make the backup again.",
            },
            VaultError::TooNew(_) => ImportError::Unsupported {
                format: Format::Twofold,
                what: "was made by a newer version of Twofold. Update Twofold, then import it again.",
            },
            VaultError::Damaged { reason, .. } => ImportError::Damaged { format: Format::Twofold, reason },
            _ => ImportError::Damaged { format: Format::Twofold, reason: "it cannot be read" },
        })?;
        Ok(Parsed { entries, skipped: Vec::new() })
    }
}
