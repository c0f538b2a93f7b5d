//! What the user does with accounts: list them, add them (one, or an import in one save), rename, pin, delete to
//! the trash and restore, delete for good, reorder, and advance an HOTP counter. Each change goes through
//! [`Vault::change`]: saved first, kept in memory after.

use serde_json::Map;

use super::error::VaultError;
use super::model::{
    AccountId, AccountSummary, AddOutcome, OnNameConflict, Stored, TrashEntry, TrashedSummary, same_identity,
};
use super::unlocked::Vault;
use crate::account::{Account, Entry};
use crate::otp::{Codes, Otp, unix_now};

impl Vault {
    /// The accounts in display order, without secrets.
    pub fn accounts(&self) -> Vec<AccountSummary> {
        self.payload.accounts.iter().map(Stored::summary).collect()
    }

    /// The trash, most recently deleted last, without secrets.
    pub fn trash(&self) -> Vec<TrashedSummary> {
        let summary = |t: &TrashEntry| TrashedSummary {
            account: t.entry.summary(),
            deleted_at: t.deleted_at,
            replaced: t.replaced_by.is_some(),
        };
        self.payload.trash.iter().map(summary).collect()
    }

    /// Every account with its secret, favourite mark, groups and note, in display order: what an export writes.
    pub fn entries(&self) -> Vec<Entry> {
        self.payload.accounts.iter().map(Stored::entry).collect()
    }

    /// One account with its secret, for computing codes, showing its QR code or exporting.
    pub fn account(&self, id: &AccountId) -> Option<&Account> {
        self.payload.accounts.iter().find(|e| &e.id == id).map(|e| &e.account)
    }

    /// An account's codes at a Unix time.
    pub fn codes_at(&self, id: &AccountId, unix_time: u64) -> Result<Codes, VaultError> {
        self.account(id).map(|a| a.codes_at(unix_time)).ok_or(VaultError::UnknownAccount)
    }

    /// What adding `account` with [`OnNameConflict::Ask`] would report, without changing anything: `Added` with
    /// an empty id when nothing matches, `Duplicate` or `NameConflict` with the matching account's id.
    pub fn preview_add(&self, account: &Account) -> AddOutcome {
        if let Some(existing) = self.payload.accounts.iter().find(|e| e.account.secret == account.secret) {
            return AddOutcome::Duplicate(existing.id.clone());
        }
        match self.payload.accounts.iter().find(|e| same_identity(&e.account, account)) {
            Some(existing) => AddOutcome::NameConflict(existing.id.clone()),
            None => AddOutcome::Added(AccountId(String::new())),
        }
    }

    /// Adds an account; see [`AddOutcome`] for duplicates and same-name accounts.
    pub fn add(&mut self, account: Account, on_conflict: OnNameConflict) -> Result<AddOutcome, VaultError> {
        let mut outcomes = self.add_all(vec![account], on_conflict)?;
        Ok(outcomes.remove(0))
    }

    /// Adds accounts as [`Vault::add`] adds each, in one save: all of them or, if the save fails, none. An account
    /// named like one added earlier in the same call is kept beside it (an export may hold an old and a new key for
    /// one login; neither replaces the other unasked), and one whose secret came earlier in the call is a duplicate.
    pub fn add_all(
        &mut self,
        accounts: Vec<Account>,
        on_conflict: OnNameConflict,
    ) -> Result<Vec<AddOutcome>, VaultError> {
        self.add_entries(accounts.into_iter().map(Entry::new).collect(), on_conflict)
    }

    /// Adds accounts with their favourite marks, groups and notes (an import), as [`Vault::add_all`] does.
    pub fn add_entries(
        &mut self,
        entries: Vec<Entry>,
        on_conflict: OnNameConflict,
    ) -> Result<Vec<AddOutcome>, VaultError> {
        let mut next = self.payload.clone();
        let mut fresh = std::collections::HashSet::new();
        let outcomes: Vec<AddOutcome> = entries
            .into_iter()
            .map(|entry| {
                let outcome = next.add(entry, on_conflict, &fresh);
                if let AddOutcome::Added(id) | AddOutcome::Replaced { new: id, .. } = &outcome {
                    fresh.insert(id.clone());
                }
                outcome
            })
            .collect();
        if !fresh.is_empty() {
            self.save(&next)?;
            self.payload = next;
        }
        Ok(outcomes)
    }

    /// Changes an account's issuer and name; refused when both would be empty.
    pub fn rename(&mut self, id: &AccountId, issuer: &str, name: &str) -> Result<(), VaultError> {
        if issuer.trim().is_empty() && name.trim().is_empty() {
            return Err(VaultError::EmptyName);
        }
        self.change(|p| {
            let entry = p.entry_mut(id)?;
            entry.account.issuer = issuer.trim().to_owned();
            entry.account.name = name.trim().to_owned();
            Ok(())
        })
    }

    /// Pins or unpins an account.
    pub fn set_favorite(&mut self, id: &AccountId, favorite: bool) -> Result<(), VaultError> {
        self.change(|p| {
            p.entry_mut(id)?.favorite = favorite;
            Ok(())
        })
    }

    /// Moves an account to the trash. It can be restored until it is deleted for good.
    pub fn delete(&mut self, id: &AccountId) -> Result<(), VaultError> {
        self.change(|p| {
            let position = p.position(id)?;
            let entry = p.accounts.remove(position);
            p.trash.push(TrashEntry { entry, deleted_at: unix_now(), position, replaced_by: None, extra: Map::new() });
            Ok(())
        })
    }

    /// Brings an account back from the trash to where it was. If it had been replaced by an account that is
    /// still there, that one goes to the trash instead (undoing the replacement).
    pub fn restore(&mut self, id: &AccountId) -> Result<(), VaultError> {
        self.change(|p| {
            let restored = p.take_from_trash(id)?;
            let replacement = restored.replaced_by.as_ref().and_then(|r| p.position(r).ok());
            match replacement {
                Some(at) => {
                    let newer = std::mem::replace(&mut p.accounts[at], restored.entry);
                    p.trash.push(TrashEntry {
                        entry: newer,
                        deleted_at: unix_now(),
                        position: at,
                        replaced_by: None,
                        extra: Map::new(),
                    });
                }
                None => p.put_back(restored),
            }
            Ok(())
        })
    }

    /// Brings an account back from the trash to where it was, and leaves any account that replaced it where it
    /// is: both are then in the list. This is what the trash's own list does, long after a replacement, when
    /// the newer account may be the one that works.
    /// An account whose key is in the list already (scanned again after it was deleted) is not restored as a
    /// copy: that is [`VaultError::AlreadyInList`].
    pub fn restore_alongside(&mut self, id: &AccountId) -> Result<(), VaultError> {
        self.change(|p| {
            let restored = p.take_from_trash(id)?;
            if p.accounts.iter().any(|e| e.account.secret == restored.entry.account.secret) {
                return Err(VaultError::AlreadyInList);
            }
            p.put_back(restored);
            Ok(())
        })
    }

    /// Deletes these accounts in the trash for good: all of them, or none if one is not in the trash.
    pub fn purge(&mut self, ids: &[AccountId]) -> Result<(), VaultError> {
        self.change(|p| ids.iter().try_for_each(|id| p.take_from_trash(id).map(drop)))
    }

    /// Moves an account to a new position in the list.
    pub fn move_account(&mut self, id: &AccountId, to: usize) -> Result<(), VaultError> {
        self.change(|p| {
            let from = p.position(id)?;
            let entry = p.accounts.remove(from);
            let to = to.min(p.accounts.len());
            p.accounts.insert(to, entry);
            Ok(())
        })
    }

    /// Puts the accounts in the given order, which must list each account exactly once.
    pub fn reorder(&mut self, order: &[AccountId]) -> Result<(), VaultError> {
        self.change(|p| {
            if order.len() != p.accounts.len() {
                return Err(VaultError::InvalidOrder);
            }
            let mut rest: Vec<Option<Stored>> = p.accounts.drain(..).map(Some).collect();
            let mut sorted = Vec::with_capacity(rest.len());
            for id in order {
                let slot = rest.iter_mut().find(|e| e.as_ref().is_some_and(|e| &e.id == id));
                sorted.push(slot.and_then(Option::take).ok_or(VaultError::InvalidOrder)?);
            }
            p.accounts = sorted;
            Ok(())
        })
    }

    /// Advances an HOTP account to its next code, saves the new counter, and only then returns the code.
    pub fn next_hotp(&mut self, id: &AccountId) -> Result<Codes, VaultError> {
        self.change(|p| {
            let entry = p.entry_mut(id)?;
            match &mut entry.account.otp {
                Otp::Hotp { counter, .. } => *counter = counter.checked_add(1).ok_or(VaultError::CounterExhausted)?,
                _ => return Err(VaultError::NotHotp),
            }
            Ok(())
        })?;
        self.codes_at(id, 0)
    }
}
