//! The vault's accounts in memory: their ids, what lists show of them, the trash, and the edits that add, find
//! and move them. Nothing here touches a file: [`super::unlocked`] saves a changed model.

use data_encoding::HEXLOWER;
use serde_json::Map;

use super::crypto;
use super::error::VaultError;
use crate::account::{Account, Entry};
use crate::browser::pairing::PairingKey;
use crate::otp::{Otp, unix_now};

/// A stable identifier of an account in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub(super) String);

impl AccountId {
    pub(super) fn random() -> Self {
        AccountId(HEXLOWER.encode(&crypto::random::<16>()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for AccountId {
    fn from(id: &str) -> Self {
        AccountId(id.to_owned())
    }
}

/// What lists show of an account: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    /// Its id.
    pub id: AccountId,
    /// The service.
    pub issuer: String,
    /// The user's name at the service.
    pub name: String,
    /// How codes are made (no secret in it).
    pub otp: Otp,
    /// Pinned by the user.
    pub favorite: bool,
}

/// What the trash shows of an account in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashedSummary {
    /// The account, without its secret.
    pub account: AccountSummary,
    /// When it went to the trash, in seconds since 1970.
    pub deleted_at: u64,
    /// Whether it went there because a new QR code for the same account replaced it, rather than a delete.
    pub replaced: bool,
}

/// What [`Vault::add`](super::Vault::add) does when an account with the same issuer and name, but another secret,
/// exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OnNameConflict {
    /// Change nothing and report [`AddOutcome::NameConflict`], so the user can choose.
    Ask,
    /// Put the new account in the old one's place and the old one in the trash (undo with
    /// [`Vault::restore`](super::Vault::restore)).
    Replace,
    /// Add the new account beside the old one.
    KeepBoth,
}

/// The result of [`Vault::add`](super::Vault::add).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    /// Added at the end of the list.
    Added(AccountId),
    /// The same secret is already in the vault under this id; nothing changed.
    Duplicate(AccountId),
    /// Another account has the same issuer and name but a different secret; nothing changed.
    NameConflict(AccountId),
    /// The new account replaced `old`, which is now in the trash.
    Replaced {
        /// The new account.
        new: AccountId,
        /// The account it replaced.
        old: AccountId,
    },
}

#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub(super) id: AccountId,
    pub(super) account: Account,
    pub(super) favorite: bool,
    pub(super) note: Option<String>,
    pub(super) groups: Vec<String>,
    /// The websites where the browser extension may fill its code, as [`Website`](crate::browser::site::Website)
    /// writes them (a text that no longer reads as one is kept, and matches nothing).
    pub(super) websites: Vec<String>,
    pub(super) added_at: u64,
    pub(super) extra: Map<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
pub(super) struct TrashEntry {
    pub(super) entry: Stored,
    pub(super) deleted_at: u64,
    pub(super) position: usize,
    pub(super) replaced_by: Option<AccountId>,
    pub(super) extra: Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Payload {
    pub(super) accounts: Vec<Stored>,
    pub(super) trash: Vec<TrashEntry>,
    pub(super) pairings: Vec<StoredPairing>,
    pub(super) extra: Map<String, serde_json::Value>,
}

/// A browser extension paired with Twofold, with the key its messages are signed with.
#[derive(Debug, Clone)]
pub(super) struct StoredPairing {
    pub(super) id: String,
    pub(super) browser: String,
    pub(super) extension: String,
    pub(super) key: PairingKey,
    pub(super) paired_at: u64,
    pub(super) extra: Map<String, serde_json::Value>,
}

impl Stored {
    /// A new account, stored under a new id.
    fn new(entry: Entry) -> Self {
        let Entry { account, favorite, groups, note } = entry;
        Stored {
            id: AccountId::random(),
            account,
            favorite,
            note,
            groups,
            websites: Vec::new(),
            added_at: unix_now(),
            extra: Map::new(),
        }
    }

    /// The account with its favourite mark, groups and note.
    pub(super) fn entry(&self) -> Entry {
        Entry {
            account: self.account.clone(),
            favorite: self.favorite,
            groups: self.groups.clone(),
            note: self.note.clone(),
        }
    }

    pub(super) fn summary(&self) -> AccountSummary {
        AccountSummary {
            id: self.id.clone(),
            issuer: self.account.issuer.clone(),
            name: self.account.name.clone(),
            otp: self.account.otp,
            favorite: self.favorite,
        }
    }
}

impl Payload {
    /// Adds `entry` as [`Vault::add`](super::Vault::add) describes; the accounts `fresh`, added by the same call,
    /// do not count as having its name.
    pub(super) fn add(
        &mut self,
        entry: Entry,
        on_conflict: OnNameConflict,
        fresh: &std::collections::HashSet<AccountId>,
    ) -> AddOutcome {
        if let Some(existing) = self.accounts.iter().find(|e| e.account.secret == entry.account.secret) {
            return AddOutcome::Duplicate(existing.id.clone());
        }
        let same_name =
            self.accounts.iter().position(|e| !fresh.contains(&e.id) && same_identity(&e.account, &entry.account));
        let entry = Stored::new(entry);
        let new = entry.id.clone();
        match (same_name, on_conflict) {
            (Some(index), OnNameConflict::Ask) => AddOutcome::NameConflict(self.accounts[index].id.clone()),
            (Some(index), OnNameConflict::Replace) => {
                // The new secret takes the old one's place in every way the user set: position, favourite, websites,
                // and the note and groups unless the new one brings its own.
                let before = &self.accounts[index];
                let favorite = before.favorite;
                let websites = before.websites.clone();
                let note = entry.note.clone().or_else(|| before.note.clone());
                let groups = if entry.groups.is_empty() { before.groups.clone() } else { entry.groups.clone() };
                let replacement = Stored { favorite, note, groups, websites, ..entry };
                let old = std::mem::replace(&mut self.accounts[index], replacement);
                let old_id = old.id.clone();
                self.trash.push(TrashEntry {
                    entry: old,
                    deleted_at: unix_now(),
                    position: index,
                    replaced_by: Some(new.clone()),
                    extra: Map::new(),
                });
                AddOutcome::Replaced { new, old: old_id }
            }
            _ => {
                self.accounts.push(entry);
                AddOutcome::Added(new)
            }
        }
    }

    pub(super) fn entry_mut(&mut self, id: &AccountId) -> Result<&mut Stored, VaultError> {
        self.accounts.iter_mut().find(|e| &e.id == id).ok_or(VaultError::UnknownAccount)
    }

    pub(super) fn position(&self, id: &AccountId) -> Result<usize, VaultError> {
        self.accounts.iter().position(|e| &e.id == id).ok_or(VaultError::UnknownAccount)
    }

    /// Takes an account out of the trash (its latest stay there, should it have been deleted twice).
    pub(super) fn take_from_trash(&mut self, id: &AccountId) -> Result<TrashEntry, VaultError> {
        let index = self.trash.iter().rposition(|t| &t.entry.id == id).ok_or(VaultError::UnknownAccount)?;
        Ok(self.trash.remove(index))
    }

    /// Puts an account taken from the trash back at its old position, or last if the list is shorter now.
    pub(super) fn put_back(&mut self, restored: TrashEntry) {
        let at = restored.position.min(self.accounts.len());
        self.accounts.insert(at, restored.entry);
    }
}

/// Same service and same user, ignoring case and surrounding spaces.
pub(super) fn same_identity(a: &Account, b: &Account) -> bool {
    // Compared character by character, without making lower-case copies: an import compares every pair.
    let same = |x: &str, y: &str| {
        x.trim().chars().flat_map(char::to_lowercase).eq(y.trim().chars().flat_map(char::to_lowercase))
    };
    same(&a.issuer, &b.issuer) && same(&a.name, &b.name)
}
