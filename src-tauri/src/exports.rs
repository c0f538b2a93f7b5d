//! Exports the user asked for: a file written where they chose, or Google Authenticator's export QR codes for a
//! phone. Each asks for the recovery password first when one is set, checked here in Rust by the app's
//! [`PasswordGate`]; a file is never written over one already there.

use std::path::PathBuf;

use serde::Deserialize;
use twofold::export::{self, Format};
use twofold::gate::PasswordGate;
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::open_vault::OpenVault;
use crate::views::ExportCodesView;

/// What the export form sends.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    /// The kind of file.
    pub format: Format,
    /// Where to write it: a whole path, of a file not there yet.
    pub path: String,
    /// The file's own password (an encrypted Aegis file; optional for a Twofold backup).
    pub password: Option<Zeroizing<String>>,
    /// The recovery password, when one is set.
    pub recovery: Option<Zeroizing<String>>,
}

/// Writes the export; the sentence says how many accounts went where.
pub fn write_file(vault: &OpenVault, gate: &PasswordGate, request: &ExportRequest) -> Result<String, AppError> {
    let path = PathBuf::from(request.path.trim());
    if !path.is_absolute() {
        return Err(AppError::NotAbsolute(path));
    }
    vault.with(|vault| {
        gate.check(vault, request.recovery.as_deref().map(String::as_str))?;
        let password = request.password.as_deref().map(String::as_str);
        export::write_to(vault, request.format, password, &path).map_err(|error| match error {
            export::ExportError::Exists(path) => AppError::FileExists(path),
            other => other.into(),
        })
    })
}

/// Every account as Google Authenticator export QR codes, in the order to scan them.
pub fn google_codes(
    vault: &OpenVault,
    gate: &PasswordGate,
    recovery: Option<&str>,
) -> Result<ExportCodesView, AppError> {
    vault.with(|vault| {
        gate.check(vault, recovery)?;
        let accounts: Vec<_> = vault.entries().into_iter().map(|e| e.account).collect();
        Ok(ExportCodesView { images: twofold::transfer::migration_qr_data_urls(&accounts)?, accounts: accounts.len() })
    })
}
