//! Accounts out of Twofold, in formats other apps read: an Aegis vault file (encrypted or plain), the format most
//! authenticators import; and a list of `otpauth://` links, one a line, which nearly all of them import. A
//! Twofold backup, readable by Twofold on any system, is [`crate::vault::Vault::export_backup`]; Google
//! Authenticator's export QR codes are [`crate::migration::encode`].
//!
//! ```
//! use twofold::account::Entry;
//!
//! let account = twofold::uri::parse("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")?;
//! let list = twofold::export::otpauth_list(&[Entry::new(account)]);
//! assert!(list.starts_with("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"));
//! # Ok::<(), twofold::uri::UriError>(())
//! ```

pub mod aegis;

use zeroize::Zeroizing;

use crate::account::Entry;

/// What a plain export lays open, for the warning shown before one is written.
pub const PLAIN_WARNING: &str = "A plain file holds every secret key unencrypted: anyone who reads it, or a copy a backup or sync service keeps, can make all your codes. Keep it only as long as the move takes, then delete it.";

/// The accounts as `otpauth://` links, one a line, each with every parameter written out.
pub fn otpauth_list(entries: &[Entry]) -> Zeroizing<String> {
    let mut list = Zeroizing::new(String::new());
    for entry in entries {
        list.push_str(&crate::uri::format(&entry.account));
        list.push('\n');
    }
    list
}
