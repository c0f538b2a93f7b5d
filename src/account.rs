//! An account: who issued it, whose it is, its secret and how its codes are made.

use crate::otp::{Codes, Otp};
use crate::secret::Secret;

/// One two-factor account.
///
/// `Debug` is safe to log: the secret prints as its length only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The service, e.g. `Kaltura Events`. May be empty.
    pub issuer: String,
    /// The user's name or e-mail at that service. May be empty.
    pub name: String,
    /// The shared key.
    pub secret: Secret,
    /// How codes are computed.
    pub otp: Otp,
}

impl Account {
    /// An account whose issuer and name have their surrounding spaces trimmed, as [`Account::split_label`] leaves
    /// them.
    pub fn new(issuer: &str, name: &str, secret: Secret, otp: Otp) -> Self {
        Account { issuer: issuer.trim().to_owned(), name: name.trim().to_owned(), secret, otp }
    }

    /// Splits a label such as `Issuer:name` into issuer and account name.
    ///
    /// An explicit `issuer` (the URI's `issuer` parameter, or the migration payload's issuer field) wins over the
    /// label's prefix. A prefix that equals the explicit issuer is removed from the name even if that issuer itself
    /// contains a colon. Surrounding spaces are trimmed.
    pub fn split_label(label: &str, issuer: Option<&str>) -> (String, String) {
        let explicit = issuer.map(str::trim).filter(|i| !i.is_empty());
        if let Some(issuer) = explicit
            && let Some(rest) = label.strip_prefix(issuer).and_then(|r| r.strip_prefix(':'))
        {
            return (issuer.to_owned(), rest.trim().to_owned());
        }
        let (prefix, name) = match label.split_once(':') {
            Some((prefix, name)) => (prefix.trim(), name),
            None => ("", label),
        };
        let issuer = explicit.unwrap_or(prefix);
        (issuer.to_owned(), name.trim().to_owned())
    }

    /// Codes at a Unix time in seconds.
    pub fn codes_at(&self, unix_time: u64) -> Codes {
        self.otp.codes_at(&self.secret, unix_time)
    }

    /// Codes now, by the system clock.
    pub fn codes_now(&self) -> Codes {
        self.codes_at(crate::otp::unix_now())
    }

    /// `Issuer (name)`, `Issuer`, or `name`, for messages about this account. Never includes the secret.
    pub fn display_name(&self) -> String {
        display_name(&self.issuer, &self.name)
    }
}

/// An account with what the user keeps beside it: a favourite mark, groups and a note. What an import reads and
/// an export writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The account itself.
    pub account: Account,
    /// Pinned, starred or marked favourite.
    pub favorite: bool,
    /// The groups (folders, categories, tags) it is filed under.
    pub groups: Vec<String>,
    /// A note the user wrote about it.
    pub note: Option<String>,
}

impl Entry {
    /// An entry with nothing beside the account.
    pub fn new(account: Account) -> Self {
        Entry { account, favorite: false, groups: Vec::new(), note: None }
    }
}

/// `Issuer (name)`, `Issuer`, or `name`: how messages refer to an account.
pub fn display_name(issuer: &str, name: &str) -> String {
    match (issuer.is_empty(), name.is_empty()) {
        (false, false) => format!("{issuer} ({name})"),
        (false, true) => issuer.to_owned(),
        (true, false) => name.to_owned(),
        (true, true) => "an unnamed account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_prefix_gives_the_issuer_when_no_parameter_does() {
        assert_eq!(Account::split_label("Example:alice", None), ("Example".into(), "alice".into()));
        assert_eq!(Account::split_label("alice", None), ("".into(), "alice".into()));
        assert_eq!(Account::split_label("Example:  alice", None), ("Example".into(), "alice".into()));
    }

    #[test]
    fn issuer_parameter_wins_over_a_different_label_prefix() {
        assert_eq!(Account::split_label("Old Name:alice", Some("New Name")), ("New Name".into(), "alice".into()));
        assert_eq!(Account::split_label("alice", Some("Example")), ("Example".into(), "alice".into()));
    }

    #[test]
    fn an_issuer_with_a_colon_is_stripped_whole_from_the_label() {
        assert_eq!(Account::split_label("A:B:carol", Some("A:B")), ("A:B".into(), "carol".into()));
        assert_eq!(Account::split_label("A:B:carol", None), ("A".into(), "B:carol".into()));
    }
}
