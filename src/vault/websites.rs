//! The websites of each account: where the browser extension may fill its code (see [`crate::browser::site`]).
//! The user edits them in the account dialog; Twofold adds one when the user allows a site for good.

use super::error::VaultError;
use super::model::{AccountId, AccountSummary};
use super::unlocked::Vault;
use crate::browser::site::{Origin, Website, looks_like};

/// The accounts a page may have the code of, and those it only imitates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteAccounts {
    /// Accounts with a website the page is on, in list order.
    pub matching: Vec<AccountSummary>,
    /// Accounts with a website the page only looks like, and that website: the page gets nothing, and is never
    /// offered them.
    pub imitated: Vec<(AccountSummary, Website)>,
}

impl Vault {
    /// The account's websites, in the order the user wrote them.
    pub fn websites(&self, id: &AccountId) -> Result<Vec<Website>, VaultError> {
        let stored = self.payload.accounts.iter().find(|e| &e.id == id).ok_or(VaultError::UnknownAccount)?;
        Ok(stored.websites.iter().filter_map(|text| Website::parse(text).ok()).collect())
    }

    /// Sets the account's websites from what the user wrote, one per entry: blank entries and repeats are left out,
    /// and nothing is saved if one is not a website.
    pub fn set_websites<S: AsRef<str>>(&mut self, id: &AccountId, written: &[S]) -> Result<Vec<Website>, VaultError> {
        let mut websites: Vec<Website> = Vec::new();
        for text in written.iter().map(AsRef::as_ref).filter(|t| !t.trim().is_empty()) {
            let website = Website::parse(text)?;
            if !websites.contains(&website) {
                websites.push(website);
            }
        }
        let texts: Vec<String> = websites.iter().map(Website::to_string).collect();
        self.change(|p| {
            p.entry_mut(id)?.websites = texts;
            Ok(())
        })?;
        Ok(websites)
    }

    /// Adds one website to the account, unless it has it already (the user allowed a site for good).
    pub fn add_website(&mut self, id: &AccountId, website: &Website) -> Result<(), VaultError> {
        let text = website.to_string();
        if self.websites(id)?.contains(website) {
            return Ok(());
        }
        self.change(|p| {
            p.entry_mut(id)?.websites.push(text);
            Ok(())
        })
    }

    /// The accounts whose code a page of `origin` may have, and those whose website it only looks like.
    pub fn accounts_for_site(&self, origin: &Origin) -> SiteAccounts {
        let mut found = SiteAccounts::default();
        for stored in &self.payload.accounts {
            let websites: Vec<Website> = stored.websites.iter().filter_map(|t| Website::parse(t).ok()).collect();
            if websites.iter().any(|w| w.matches(origin)) {
                found.matching.push(stored.summary());
            } else if let Some(imitated) = websites.into_iter().find(|w| looks_like(origin, w)) {
                found.imitated.push((stored.summary(), imitated));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{OnNameConflict, Unlock};

    fn vault_with(links: &[&str]) -> (tempfile::TempDir, crate::vault::MemoryKeyStore, Vault, Vec<AccountId>) {
        crate::browser::testing::vault_with(links)
    }

    fn origin(text: &str) -> Origin {
        Origin::parse(text).unwrap()
    }

    #[test]
    fn websites_are_saved_cleaned_and_read_back_after_reopening() {
        let (dir, keychain, mut vault, ids) = vault_with(&["otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"]);
        let set = vault.set_websites(&ids[0], &["https://github.com/login", "", "GITHUB.com", "http://127.0.0.1:8080"]);
        assert_eq!(
            set.unwrap().iter().map(Website::to_string).collect::<Vec<_>>(),
            ["github.com", "http://127.0.0.1:8080"]
        );
        drop(vault);
        let vault = Vault::open(&dir.path().join("vault.json"), Unlock::Keychain(&keychain)).unwrap();
        assert_eq!(vault.websites(&ids[0]).unwrap().len(), 2);
    }

    #[test]
    fn a_wrong_website_saves_nothing() {
        let (_dir, _keychain, mut vault, ids) = vault_with(&["otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"]);
        vault.set_websites(&ids[0], &["github.com"]).unwrap();
        let refused = vault.set_websites(&ids[0], &["gitlab.com", "co.uk"]);
        assert!(matches!(refused, Err(VaultError::Website(_))), "{refused:?}");
        assert_eq!(vault.websites(&ids[0]).unwrap(), [Website::parse("github.com").unwrap()]);
    }

    #[test]
    fn a_page_gets_the_accounts_of_its_site_and_a_lookalike_gets_none() {
        let (_dir, _keychain, mut vault, ids) = vault_with(&[
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/GitHub:work?secret=KRUGS4ZANFZSAYJA",
            "otpauth://totp/GitLab:alice?secret=GEZDGNBVGY3TQOJQ",
        ]);
        vault.set_websites(&ids[0], &["github.com"]).unwrap();
        vault.add_website(&ids[1], &Website::parse("github.com").unwrap()).unwrap();
        vault.add_website(&ids[1], &Website::parse("github.com").unwrap()).unwrap();
        vault.set_websites(&ids[2], &["gitlab.com"]).unwrap();
        assert_eq!(vault.websites(&ids[1]).unwrap().len(), 1, "added once");

        let on_github = vault.accounts_for_site(&origin("https://gist.github.com"));
        assert_eq!(on_github.matching.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["alice", "work"]);
        assert!(on_github.imitated.is_empty());

        let phishing = vault.accounts_for_site(&origin("https://githuh.com"));
        assert!(phishing.matching.is_empty());
        assert_eq!(phishing.imitated.len(), 2);
        assert_eq!(phishing.imitated[0].1.to_string(), "github.com");

        assert_eq!(vault.accounts_for_site(&origin("https://example.com")), SiteAccounts::default());
        assert!(vault.accounts_for_site(&origin("http://github.com")).matching.is_empty(), "plain http");
    }

    #[test]
    fn a_new_qr_code_for_an_account_keeps_its_websites() {
        let (_dir, _keychain, mut vault, ids) = vault_with(&["otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"]);
        vault.set_websites(&ids[0], &["github.com"]).unwrap();
        let renewed = crate::uri::parse("otpauth://totp/GitHub:alice?secret=KRUGS4ZANFZSAYJA").unwrap();
        let crate::vault::AddOutcome::Replaced { new, .. } = vault.add(renewed, OnNameConflict::Replace).unwrap()
        else {
            panic!("replaced")
        };
        assert_eq!(vault.websites(&new).unwrap(), [Website::parse("github.com").unwrap()]);
    }
}
