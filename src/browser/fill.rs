//! Which account's code a page gets, before anything is filled: the decision the app then carries out (filling,
//! asking the user, or saying why not).
//!
//! - An account with a website the page is on: its code, without asking; a website is the user's standing consent
//!   (written by hand, or added when the user chose "Always" for that site).
//! - Several such accounts: the user picks one.
//! - None, but accounts whose issuer names the page's site (GitHub on `github.com`), on a plain HTTPS page: the user
//!   is asked first ("Fill the GitHub (alice) code on github.com?").
//! - A page that only looks like an account's website gets nothing, and is never asked about; neither is plain
//!   HTTP, an IP address or a port that no account names exactly.

use super::site::{Origin, Website};
use crate::vault::{AccountSummary, Vault};

/// What to do for a page that asks for a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FillDecision {
    /// Fill this account's code.
    Fill(AccountSummary),
    /// Several accounts are for this site: the user picks one.
    Choose(Vec<AccountSummary>),
    /// No account names this site, but these seem to be for it: ask the user first.
    Ask(Vec<AccountSummary>),
    /// The page only looks like this account's website: nothing.
    Lookalike(AccountSummary, Website),
    /// Plain HTTP, an IP address or a port that no account names: nothing.
    Unsafe,
    /// No account for this site: nothing.
    NoAccount,
}

/// Decides for a page of `origin`.
pub fn decide(vault: &Vault, origin: &Origin) -> FillDecision {
    let found = vault.accounts_for_site(origin);
    match found.matching.len() {
        1 => return FillDecision::Fill(found.matching.into_iter().next().unwrap_or_else(|| unreachable!())),
        2.. => return FillDecision::Choose(found.matching),
        0 => {}
    }
    if let Some((account, website)) = found.imitated.into_iter().next() {
        return FillDecision::Lookalike(account, website);
    }
    if !origin.is_plainly_safe() {
        return FillDecision::Unsafe;
    }
    let suggested: Vec<AccountSummary> =
        vault.accounts().into_iter().filter(|account| issuer_names(&account.issuer, origin)).collect();
    if suggested.is_empty() { FillDecision::NoAccount } else { FillDecision::Ask(suggested) }
}

/// Whether an issuer names the site of `origin`: the issuer, letters and digits only, is the first label of the
/// registrable domain (`GitHub` and `github.com`, `Kaltura Events` and `kaltura-events.com`), or it is that domain.
fn issuer_names(issuer: &str, origin: &Origin) -> bool {
    let Some(domain) = origin.registrable_domain() else { return false };
    let squeeze = |text: &str| -> String {
        text.chars().filter(char::is_ascii_alphanumeric).flat_map(|c| c.to_lowercase()).collect()
    };
    let label = domain.split('.').next().unwrap_or(domain);
    let issuer = issuer.trim();
    !issuer.is_empty() && (squeeze(issuer) == squeeze(label) || issuer.eq_ignore_ascii_case(domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault_with(links: &[&str]) -> (tempfile::TempDir, Vault, Vec<crate::vault::AccountId>) {
        let (dir, _keychain, vault, ids) = crate::browser::testing::vault_with(links);
        (dir, vault, ids)
    }

    fn origin(text: &str) -> Origin {
        Origin::parse(text).unwrap()
    }

    fn names(accounts: &[AccountSummary]) -> Vec<String> {
        accounts.iter().map(|a| format!("{}:{}", a.issuer, a.name)).collect()
    }

    #[test]
    fn a_website_fills_without_asking_and_two_make_the_user_choose() {
        let (_dir, mut vault, ids) = vault_with(&[
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/GitHub:work?secret=KRUGS4ZANFZSAYJA",
        ]);
        vault.set_websites(&ids[0], &["github.com"]).unwrap();
        assert!(matches!(decide(&vault, &origin("https://github.com")), FillDecision::Fill(a) if a.name == "alice"));
        vault.set_websites(&ids[1], &["github.com"]).unwrap();
        let FillDecision::Choose(both) = decide(&vault, &origin("https://github.com/login")) else { panic!() };
        assert_eq!(names(&both), ["GitHub:alice", "GitHub:work"]);
    }

    #[test]
    fn an_issuer_that_names_the_site_is_asked_about_first() {
        let (_dir, vault, _ids) = vault_with(&[
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/Kaltura%20Events:me?secret=KRUGS4ZANFZSAYJA",
            "otpauth://totp/GitLab:alice?secret=GEZDGNBVGY3TQOJQ",
        ]);
        let FillDecision::Ask(suggested) = decide(&vault, &origin("https://github.com")) else { panic!() };
        assert_eq!(names(&suggested), ["GitHub:alice"]);
        let FillDecision::Ask(suggested) = decide(&vault, &origin("https://www.kaltura-events.com")) else { panic!() };
        assert_eq!(names(&suggested), ["Kaltura Events:me"]);
        assert_eq!(decide(&vault, &origin("https://example.com")), FillDecision::NoAccount);
    }

    #[test]
    fn lookalikes_and_unsafe_pages_get_nothing_and_are_never_asked_about() {
        let (_dir, mut vault, ids) = vault_with(&["otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"]);
        assert_eq!(decide(&vault, &origin("http://github.com")), FillDecision::Unsafe, "plain http");
        assert_eq!(decide(&vault, &origin("https://127.0.0.1")), FillDecision::Unsafe);
        vault.set_websites(&ids[0], &["github.com"]).unwrap();
        assert!(matches!(
            decide(&vault, &origin("https://githuh.com")),
            FillDecision::Lookalike(_, website) if website.to_string() == "github.com"
        ));
        assert!(matches!(decide(&vault, &origin("https://github.com.example.net")), FillDecision::Lookalike(..)));
        vault.set_websites(&ids[0], &["github.com", "http://github.test:8080"]).unwrap();
        assert!(matches!(decide(&vault, &origin("http://github.test:8080")), FillDecision::Fill(_)), "added by hand");
    }
}
