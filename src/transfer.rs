//! Moving accounts to another device: an account's `otpauth://` link drawn as a QR code for a phone to scan, or
//! every account as Google Authenticator's export QR codes, shown one after another.
//!
//! The pictures hold secrets. The desktop shell produces them only when the user asks to show them.

use data_encoding::BASE64;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::migration::{self, EncodeOptions, MigrationError};
use crate::uri;

/// The account's link as an SVG QR code, packed in a `data:` URL an `<img>` can show.
///
/// ```
/// let account = twofold::uri::parse("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")?;
/// let url = twofold::transfer::qr_data_url(&account);
/// assert!(url.starts_with("data:image/svg+xml;base64,"));
/// # Ok::<(), twofold::uri::UriError>(())
/// ```
pub fn qr_data_url(account: &Account) -> Zeroizing<String> {
    text_qr_data_url(&uri::format(account))
}

/// The accounts as Google Authenticator export QR codes (ten accounts a code, as Google's own app writes them),
/// each an SVG picture in a `data:` URL, in the order they are to be scanned. Accounts the format cannot hold
/// (another period, 7 digits, Steam) are refused by name.
pub fn migration_qr_data_urls(accounts: &[Account]) -> Result<Vec<Zeroizing<String>>, MigrationError> {
    let links = migration::encode(accounts, EncodeOptions::default())?;
    Ok(links.iter().map(|link| text_qr_data_url(link)).collect())
}

fn text_qr_data_url(text: &str) -> Zeroizing<String> {
    // Ten accounts in an export link, or one otpauth link, are far below the QR capacity at level M, so encoding
    // cannot fail; the fallback keeps the function total all the same.
    let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
        return Zeroizing::new(String::new());
    };
    let image = Zeroizing::new(
        code.render::<svg::Color<'_>>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    );
    Zeroizing::new(format!("data:image/svg+xml;base64,{}", BASE64.encode(image.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_qr_code_scans_back_to_the_same_account() {
        let account = uri::parse(
            "otpauth://totp/Kaltura%20Events:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Kaltura%20Events",
        )
        .unwrap();
        let url = qr_data_url(&account);
        let svg = BASE64.decode(url.trim_start_matches("data:image/svg+xml;base64,").as_bytes()).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.starts_with("<?xml"), "{}", &svg[..40]);
        // The picture draws this code: its modules, scanned by the app's own decoder, give the account back.
        let code = QrCode::with_error_correction_level(uri::format(&account).as_bytes(), EcLevel::M).unwrap();
        let modules = code.to_colors();
        let width = code.width();
        let scale = 6;
        let size = (width + 8) * scale;
        let mut pixels = vec![255u8; size * size];
        for (i, color) in modules.iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (mx, my) = (i % width + 4, i / width + 4);
                for y in my * scale..(my + 1) * scale {
                    pixels[y * size + mx * scale..y * size + (mx + 1) * scale].fill(0);
                }
            }
        }
        let frame = crate::scan::GrayFrame::new(size as u32, size as u32, pixels).unwrap();
        let text = crate::scan::Decoder::new().decode(&frame).unwrap().text;
        assert_eq!(uri::parse(&text).unwrap(), account);
    }

    #[test]
    fn an_export_for_a_phone_is_one_code_per_ten_accounts() {
        let accounts: Vec<Account> = (0..23)
            .map(|i| uri::parse(&format!("otpauth://totp/Service{i}:me?secret=JBSWY3DPEHPK3PXP")).unwrap())
            .collect();
        let codes = migration_qr_data_urls(&accounts).unwrap();
        assert_eq!(codes.len(), 3);
        assert!(codes.iter().all(|c| c.starts_with("data:image/svg+xml;base64,")));
        let steam = uri::parse("otpauth://totp/Steam:me?secret=JBSWY3DPEHPK3PXP&encoder=steam").unwrap();
        let refused = migration_qr_data_urls(&[steam]).unwrap_err().to_string();
        assert!(refused.contains("Steam"), "{refused}");
    }
}
