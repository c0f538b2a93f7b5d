//! 2FAS Authenticator's `.2fas` backup (<https://github.com/twofas/2fas-android>, the backup's `BackupDto`), schema
//! versions 1 to 4.
//!
//! `{"services": [...], "groups": [...], "schemaVersion", "servicesEncrypted"?, "reference"?}`. Each service has
//! the service's `name`, the `secret` in base32 and an `otp` object (`account` or `label`, `issuer`, `digits`,
//! `period`, `algorithm`, `counter`, `tokenType`: TOTP, HOTP or STEAM; older schemas leave some out). Encrypted,
//! `services` is empty and `servicesEncrypted` is `ciphertext:salt:iv` in base64: AES-256-GCM (tag at the end of
//! the ciphertext) under PBKDF2-HMAC-SHA256 of the password, 10,000 rounds, holding the services as JSON.
//!
//! What the conversion loses: icons, badge colours and the order within groups. The service name becomes the
//! issuer; the group a service is in is kept.

use serde_json::Value;

use super::entry::{Entry, Fields, SecretText};
use super::{File, Format, ImportError, Importer, Parsed, Protection, cipher, number, text};

/// 2FAS's plain and encrypted backups.
pub(crate) struct TwoFas;

/// PBKDF2 rounds of 2FAS's backup encryption.
const ROUNDS: u32 = 10_000;

impl Importer for TwoFas {
    fn format(&self) -> Format {
        Format::TwoFas
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        let json = file.json.as_ref()?;
        json.get("schemaVersion")?;
        json.get("services").filter(|s| s.is_array())?;
        let encrypted = json.get("servicesEncrypted").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        Some(if encrypted { Protection::Encrypted } else { Protection::Plain })
    }

    fn read(&self, file: &File<'_>, password: Option<&str>) -> Result<Parsed, ImportError> {
        let json = file.json.as_ref().ok_or(damaged("it is not JSON"))?;
        let groups = json["groups"].as_array().map_or(&[][..], Vec::as_slice);
        match password {
            Some(password) => {
                let plain = decrypt(text(json, "servicesEncrypted"), password)?;
                let services: Value =
                    serde_json::from_slice(&plain).map_err(|_| damaged("its decrypted services are not JSON"))?;
                read_services(services.as_array().ok_or(damaged("its decrypted services are not a list"))?, groups)
            }
            None => read_services(json["services"].as_array().map_or(&[][..], Vec::as_slice), groups),
        }
    }
}

fn damaged(reason: &'static str) -> ImportError {
    ImportError::Damaged { format: Format::TwoFas, reason }
}

fn decrypt(sealed: &str, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    let parts: Vec<&str> = sealed.split(':').collect();
    let [data, salt, iv] = parts.as_slice() else {
        return Err(damaged("its encrypted services are not in three parts"));
    };
    let (data, salt, iv) = (cipher::base64(data), cipher::base64(salt), cipher::base64(iv));
    let (Some(data), Some(salt), Some(iv)) = (data, salt, iv) else {
        return Err(damaged("its encrypted services are not base64"));
    };
    let key = cipher::pbkdf2_sha256(password.as_bytes(), &salt, ROUNDS);
    cipher::aes_gcm_open(key.as_ref(), &iv, &data, &[]).ok_or(ImportError::WrongPassword(Format::TwoFas))
}

fn read_services(services: &[Value], groups: &[Value]) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::default();
    for service in services {
        let otp = &service["otp"];
        let issuer = Some(text(service, "name")).filter(|n| !n.is_empty()).unwrap_or(text(otp, "issuer"));
        let name = Some(text(otp, "account")).filter(|a| !a.is_empty()).unwrap_or(text(otp, "label"));
        let kind = Some(text(otp, "tokenType")).filter(|t| !t.is_empty()).unwrap_or("totp");
        let fields = Fields {
            issuer,
            name,
            kind,
            secret: SecretText::Base32(text(service, "secret")),
            algorithm: otp.get("algorithm").and_then(Value::as_str),
            digits: number(otp, "digits"),
            period: number(otp, "period"),
            counter: number(otp, "counter"),
        };
        let group = service
            .get("groupId")
            .and_then(Value::as_str)
            .and_then(|id| groups.iter().find(|g| text(g, "id") == id).map(|g| text(g, "name").to_owned()));
        parsed.push(
            fields
                .account_or_skip()
                .map(|account| Entry { groups: group.into_iter().collect(), ..Entry::new(account) }),
        );
    }
    Ok(parsed)
}
