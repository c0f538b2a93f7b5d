//! Why a vault operation failed, as sentences that say what happened and what to do.

use std::path::PathBuf;

use super::keychain::KeychainError;
use crate::fs::DiskError;

/// Why a vault operation failed. Every message says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// No vault file (nor a previous generation) exists at the path.
    #[error("No vault was found at {0}.")]
    NotFound(PathBuf),
    /// `create` found a vault already there.
    #[error("A vault already exists at {0}; Twofold will not overwrite it. Open it instead.")]
    AlreadyExists(PathBuf),
    /// Another process holds the vault.
    #[error("The vault is in use by another Twofold window or process. Close the other one, then try again.")]
    InUse,
    /// The keychain could not be used.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The keychain gave a key that does not open this vault.
    #[error(
        "The key in the keychain does not open this vault (the keychain item may have been replaced). Unlock with your recovery password; Twofold can then store a new key in the keychain."
    )]
    KeychainMismatch,
    /// The vault has no keychain slot.
    #[error("This vault is not linked to the keychain. Unlock it with your recovery password.")]
    NoKeychainSlot,
    /// The vault has no password slot.
    #[error("No recovery password is set for this vault, so it can only be unlocked through the keychain.")]
    NoPasswordSlot,
    /// The password did not open the password slot.
    #[error("That password is not correct. Check Caps Lock and the keyboard layout, then try again.")]
    WrongPassword,
    /// An empty recovery password.
    #[error("The recovery password is empty. Choose a password you will remember, ideally a long phrase.")]
    EmptyPassword,
    /// Removing the only way to unlock.
    #[error(
        "The recovery password cannot be removed because the vault is not linked to the keychain: nothing could unlock it. Link the keychain first."
    )]
    LastUnlockMethod,
    /// Creating a vault with no way to unlock it.
    #[error("A vault needs the keychain, a recovery password, or both, to be unlocked.")]
    NoUnlockMethod,
    /// The vault file and its previous generation are both unreadable.
    #[error(
        "The vault file {path} is damaged ({reason}) and no readable previous version exists. Do not delete it: restore it from a backup, or keep it for recovery."
    )]
    Damaged {
        /// The vault file.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Written by a newer release.
    #[error(
        "This vault was written by a newer version of Twofold (format version {0}). Update Twofold to open it; the file has not been changed."
    )]
    TooNew(u64),
    /// A file operation failed.
    #[error(
        "Twofold could not {action} {path}: {reason}. Check that the disk has free space and that you may write there, then try again; the vault on disk is unchanged."
    )]
    Io {
        /// What was being done.
        action: &'static str,
        /// To which file or folder.
        path: PathBuf,
        /// The system's description.
        reason: String,
    },
    /// No account (or trash entry) has that id.
    #[error("That account no longer exists. Refresh the list and try again.")]
    UnknownAccount,
    /// No paired browser has that id: it was unpaired.
    #[error("That browser is no longer paired with Twofold. Pair it again from the extension.")]
    UnknownPairing,
    /// A website of an account that is not one.
    #[error(transparent)]
    Website(#[from] crate::browser::site::SiteError),
    /// Renaming an account to nothing at all.
    #[error("An account needs a name: fill in the service, the account, or both.")]
    EmptyName,
    /// An account in the trash whose key is already in the list: restoring it would only add a copy.
    #[error(
        "This account is already in your list with the same key, so restoring it would only add a copy. If you no longer need this one, delete it for good."
    )]
    AlreadyInList,
    /// A new order that is not a rearrangement of the current accounts.
    #[error("The new order does not list each account exactly once. Refresh the list and try again.")]
    InvalidOrder,
    /// The operation needs an HOTP account.
    #[error("Only counter-based (HOTP) accounts have a next code on request.")]
    NotHotp,
    /// An HOTP counter at its largest value: a next code would repeat the first one.
    #[error(
        "This account's counter is at its largest value, so it has no next code: going on would repeat old codes. Set the account up again with the service to get a new key."
    )]
    CounterExhausted,
}

impl From<DiskError> for VaultError {
    fn from(e: DiskError) -> Self {
        VaultError::Io { action: e.action, path: e.path, reason: e.reason }
    }
}

/// A failure while reading one generation: either the file itself is damaged (try the previous one) or the
/// problem is with the key or the request, which the previous generation would not fix.
pub(super) enum LoadError {
    Damaged(&'static str),
    Final(VaultError),
}

impl From<VaultError> for LoadError {
    fn from(e: VaultError) -> Self {
        LoadError::Final(e)
    }
}
