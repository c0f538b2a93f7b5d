//! Pictures of QR codes: the codes of Google Authenticator's "Transfer accounts" export (one code a picture: the
//! screenshots or photos of each screen it shows), or any authenticator's QR code, read with the same scanner as
//! the app's Image tab. The export format is described in [`crate::migration`].
//!
//! What the conversion loses: what the codes hold is kept; Google's format itself has no period, no 7-digit codes
//! and no Steam codes (see [`crate::migration`]). An export whose codes are not all given is refused, naming how
//! many are missing, rather than imported in part without a word.

use super::entry::Entry;
use super::links::skipped_from_export;
use super::{Format, Import, ImportError, check_size};
use crate::scan::{Decoder, Pairing, PairingStep, load_image_bytes};

/// Whether `bytes` are a picture (PNG, JPEG, WebP, GIF or BMP) rather than an export file.
pub fn is_picture(bytes: &[u8]) -> bool {
    image::guess_format(bytes).is_ok()
}

/// Reads the QR code in each picture, `(name, bytes)`, in any order: the accounts of every code, or why not.
pub fn read_pictures(pictures: &[(String, Vec<u8>)]) -> Result<Import, ImportError> {
    let mut pairing = Pairing::new();
    let mut import = Import { format: Format::Pictures, entries: Vec::new(), skipped: Vec::new() };
    for (name, bytes) in pictures {
        check_size(bytes)?;
        let frame = load_image_bytes(name, bytes)
            .map_err(|e| ImportError::Picture { name: name.clone(), reason: e.to_string() })?;
        let found = Decoder::new().decode(&frame).ok_or_else(|| ImportError::NoQrCode(name.clone()))?;
        match pairing.add(found.text.trim()) {
            PairingStep::Ready(imported) => {
                import.entries.extend(imported.accounts.into_iter().map(Entry::new));
                import.skipped.extend(imported.left_out.into_iter().map(skipped_from_export));
            }
            PairingStep::NeedMore(_) => {}
            PairingStep::Rejected(why) => {
                return Err(ImportError::NotAuthenticatorCode { name: name.clone(), reason: why.to_string() });
            }
        }
    }
    if let Some(progress) = pairing.progress() {
        return Err(ImportError::IncompleteExport(progress.to_string()));
    }
    if import.entries.is_empty() && import.skipped.is_empty() {
        return Err(ImportError::NoAccounts(Format::Pictures));
    }
    Ok(import)
}
