//! Finding an account from a few typed letters, as the quick-copy palette and `twofold code QUERY` do.
//!
//! A query is matched against each account's issuer and name, case-insensitively, word by word: every word of the
//! query must be found. How well it fits ([`Fit`]) decides the order first; then favourites, then the accounts
//! copied most recently, then the order the user gave the list. An empty query lists every account in that order.
//!
//! ```
//! use twofold::find::{Candidate, Fit, rank};
//!
//! let accounts = [
//!     Candidate { issuer: "GitHub", name: "work", favorite: false, last_used: None },
//!     Candidate { issuer: "GitLab", name: "me", favorite: true, last_used: None },
//!     Candidate { issuer: "Google", name: "me@example.com", favorite: false, last_used: None },
//! ];
//! let found = rank("gith", &accounts);
//! assert_eq!(found[0].index, 0);
//! assert_eq!(found[0].fit, Fit::WordStart);
//! // "gb" is scattered through "GitHub" and "GitLab": both are found, the favourite first.
//! assert_eq!(rank("gb", &accounts).iter().map(|f| f.index).collect::<Vec<_>>(), [1, 0]);
//! ```

use std::cmp::Reverse;

use crate::vault::AccountSummary;

/// What is known of an account when looking for it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The service.
    pub issuer: &'a str,
    /// The user's name at the service.
    pub name: &'a str,
    /// Pinned by the user.
    pub favorite: bool,
    /// When its code was last copied, in seconds since 1970.
    pub last_used: Option<u64>,
}

/// How well a query fits an account, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// The query is empty: every account fits.
    Any,
    /// The letters of a query word appear in order, with others between them ("gh" in "GitHub").
    Scattered,
    /// Each query word appears whole, inside a word ("hub" in "GitHub").
    Inside,
    /// Each query word starts a word of the issuer or name ("git" in "GitHub", "work" in "GitHub (work)").
    WordStart,
    /// The query is the issuer, the name, or both ("github", "github work").
    Exact,
}

/// An account found, by its place in the candidates given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Its index among the candidates.
    pub index: usize,
    /// How well it fits.
    pub fit: Fit,
}

/// The candidates that `query` fits, best first.
pub fn rank(query: &str, candidates: &[Candidate<'_>]) -> Vec<Found> {
    let query = Folded::new(query);
    let mut found: Vec<Found> =
        candidates.iter().enumerate().filter_map(|(index, c)| Some(Found { index, fit: query.fit(c)? })).collect();
    found.sort_by_key(|f| {
        let c = &candidates[f.index];
        (Reverse(f.fit), Reverse(c.favorite), Reverse(c.last_used), f.index)
    });
    found
}

/// The vault's accounts (its [`AccountSummary`]s) that `query` fits, best first; `last_used` says when an account's
/// code, by its id, was last copied. What the palette and `twofold code` both rank.
pub fn rank_accounts(query: &str, accounts: &[AccountSummary], last_used: impl Fn(&str) -> Option<u64>) -> Vec<Found> {
    let candidates: Vec<Candidate<'_>> = accounts
        .iter()
        .map(|s| Candidate {
            issuer: &s.issuer,
            name: &s.name,
            favorite: s.favorite,
            last_used: last_used(&s.id.to_string()),
        })
        .collect();
    rank(query, &candidates)
}

/// The one account `found` (from [`rank`]) points to without doubt: the only one found, or the only one that fits
/// best ("gitl" starts a word of "GitLab" but is only scattered through "GitHub alice"). `None` when nothing was
/// found, or when several fit as well as the best.
pub fn single(found: &[Found]) -> Option<usize> {
    match found {
        [one] => Some(one.index),
        [best, second, ..] if best.fit > second.fit => Some(best.index),
        _ => None,
    }
}

/// A query, lower-cased, as a whole and word by word.
struct Folded {
    whole: String,
    words: Vec<String>,
}

impl Folded {
    fn new(query: &str) -> Self {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        Folded { whole: words.join(" "), words }
    }

    fn fit(&self, candidate: &Candidate<'_>) -> Option<Fit> {
        if self.words.is_empty() {
            return Some(Fit::Any);
        }
        let issuer = normalised(candidate.issuer);
        let name = normalised(candidate.name);
        let both = format!("{issuer} {name}");
        if [&issuer, &name, &both].iter().any(|text| **text == self.whole) {
            return Some(Fit::Exact);
        }
        let words: Vec<&str> = both.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        self.words.iter().map(|word| word_fit(word, &both, &words)).min().flatten()
    }
}

/// `text` lower-cased, with its runs of white space made single spaces.
fn normalised(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// How one query word fits the text (`words`: the text's words).
fn word_fit(word: &str, text: &str, words: &[&str]) -> Option<Fit> {
    if words.iter().any(|w| w.starts_with(word)) || text.starts_with(word) {
        Some(Fit::WordStart)
    } else if text.contains(word) {
        Some(Fit::Inside)
    } else if is_scattered_in(word, text) {
        Some(Fit::Scattered)
    } else {
        None
    }
}

/// Whether the letters of `word` appear in `text` in order.
fn is_scattered_in(word: &str, text: &str) -> bool {
    let mut letters = text.chars();
    word.chars().all(|wanted| letters.any(|c| c == wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(issuer: &'static str, name: &'static str) -> Candidate<'static> {
        Candidate { issuer, name, favorite: false, last_used: None }
    }

    fn order(query: &str, candidates: &[Candidate<'_>]) -> Vec<usize> {
        rank(query, candidates).iter().map(|f| f.index).collect()
    }

    #[test]
    fn an_empty_query_lists_favourites_then_the_recently_copied_then_the_saved_order() {
        let accounts = [
            account("A", "a"),
            Candidate { last_used: Some(100), ..account("B", "b") },
            Candidate { favorite: true, ..account("C", "c") },
            Candidate { last_used: Some(200), ..account("D", "d") },
            account("E", "e"),
        ];
        assert_eq!(order("", &accounts), [2, 3, 1, 0, 4]);
        assert_eq!(order("   ", &accounts), [2, 3, 1, 0, 4]);
    }

    #[test]
    fn a_better_fit_comes_before_a_favourite_or_a_recent_copy() {
        let accounts = [
            Candidate { favorite: true, last_used: Some(9), ..account("Hubspot", "me") }, // "hub": word start
            account("GitHub", "work"),                                                    // "github": exact issuer
            Candidate { favorite: true, ..account("Gandi", "ithub") },                    // scattered "g…ithub"
        ];
        let found = rank("github", &accounts);
        assert_eq!(found.iter().map(|f| (f.index, f.fit)).collect::<Vec<_>>(), [(1, Fit::Exact), (2, Fit::Scattered)]);
        assert_eq!(order("hub", &accounts), [0, 2, 1], "a word start, then two inside a word: the favourite first");
    }

    #[test]
    fn every_word_of_the_query_must_be_found_in_the_issuer_or_the_name() {
        let accounts = [account("GitHub", "work@example.com"), account("GitHub", "home@example.com")];
        assert_eq!(order("git work", &accounts), [0]);
        assert_eq!(order("WORK git", &accounts), [0], "case and word order do not matter");
        assert_eq!(order("git nothing", &accounts), Vec::<usize>::new());
        assert_eq!(rank("github work@example.com", &accounts)[0].fit, Fit::Exact);
    }

    #[test]
    fn names_in_other_scripts_and_with_odd_spacing_are_found() {
        let accounts = [account("Ünïcode  Bank", "ÉLODIE"), account("銀行", "太郎")];
        assert_eq!(rank("ünïcode bank", &accounts)[0].fit, Fit::Exact);
        assert_eq!(rank("élo", &accounts)[0].fit, Fit::WordStart);
        assert_eq!(order("太郎", &accounts), [1]);
    }

    #[test]
    fn single_is_the_only_match_or_the_only_one_that_fits_best() {
        let accounts = [account("GitHub", "work"), account("GitHub Enterprise", "work"), account("GitLab", "me")];
        assert_eq!(single(&rank("github", &accounts)), Some(0), "exact beats a word start");
        assert_eq!(single(&rank("lab", &accounts)), Some(2));
        assert_eq!(single(&rank("gitl", &accounts)), Some(2), "a word start beats letters scattered");
        assert_eq!(single(&rank("git", &accounts)), None, "three word starts");
        assert_eq!(single(&rank("nothing", &accounts)), None);
        let twins = [account("GitHub", "work"), account("GitHub", "home")];
        assert_eq!(single(&rank("github", &twins)), None, "two exact issuers");
        assert_eq!(single(&rank("github home", &twins)), Some(1));
    }
}
