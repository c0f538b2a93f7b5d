//! The core of Twofold, a desktop authenticator: one-time codes, `otpauth://` links and authenticator exports.
//!
//! This crate knows nothing of windows, webviews or cameras; the desktop shell in `src-tauri/` calls it.
//!
//! ```
//! use twofold::uri;
//!
//! let account = uri::parse("otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")?;
//! let codes = account.codes_at(59);
//! assert_eq!(codes.current.as_str(), "996554");
//! assert_eq!(codes.seconds_left, Some(1));
//! # Ok::<(), twofold::uri::UriError>(())
//! ```
//!
//! Secrets live in [`Secret`], which zeroes its bytes when dropped and never prints them.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account;
pub mod backup;
pub mod browser;
#[cfg(feature = "clipboard")]
pub mod clipboard;
pub mod export;
pub mod find;
pub mod fs;
pub mod gate;
pub mod import;
pub mod ipc;
pub mod manual;
pub mod migration;
pub mod otp;
pub mod paths;
pub mod random;
pub mod recent;
pub mod scan;
pub mod secret;
pub mod settings;
pub mod sync;
pub mod transfer;
pub mod uri;
pub mod vault;

pub use account::Account;
pub use otp::{Algorithm, Code, Codes, Digits, Otp, OtpError, Period};
pub use secret::{Secret, SecretError};
