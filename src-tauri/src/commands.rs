//! The `#[tauri::command]`s the web UI invokes. Each delegates to the core and returns a DTO without secrets.

use serde::Serialize;
use twofold::{Account, uri};

use crate::error::AppError;

/// Google's published example account, shown until accounts can be added.
const SAMPLE: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

/// What the UI shows for one account: names and codes, never the secret.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    issuer: String,
    name: String,
    code: String,
    next_code: String,
    seconds_left: Option<u32>,
    period: Option<u32>,
}

impl CodeView {
    fn of(account: &Account) -> Self {
        let codes = account.codes_now();
        CodeView {
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            code: codes.current.grouped(),
            next_code: codes.next.grouped(),
            seconds_left: codes.seconds_left,
            period: account.otp.period().map(|p| p.seconds()),
        }
    }
}

/// The sample account's current code.
#[tauri::command]
pub async fn sample_code() -> Result<CodeView, AppError> {
    Ok(CodeView::of(&uri::parse(SAMPLE)?))
}
