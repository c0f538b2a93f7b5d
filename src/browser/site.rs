//! Which website asks for a code, and which accounts' codes it may have.
//!
//! A request from the browser carries the origin of the frame that asks (`https://github.com`). Twofold reduces its
//! host to the registrable domain with the Public Suffix List (the `psl` crate: `gist.github.com` → `github.com`,
//! `alice.github.io` stays itself) and compares it with each account's websites. Safe by default:
//! - a website written as a domain (`github.com`) matches that host and its subdomains, over HTTPS only;
//! - plain `http:`, IP addresses, ports and hosts without a registrable domain (`localhost`) match only a website
//!   the user wrote by hand as that exact origin (`http://127.0.0.1:8080`);
//! - a host that only looks like an account's website (`githuh.com`, `github.com.example.net`, `gіthub.com` with a
//!   Cyrillic `і`) matches nothing, and is named as a lookalike so that it is never offered or learned.

use url::{Host, Url};

/// Why an origin or a website cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    /// Not a web origin Twofold knows how to read.
    #[error("“{0}” is not a website address. Write it as github.com, or as a whole origin such as https://github.com.")]
    Invalid(String),
    /// A website written as a domain is only a public suffix (`com`, `co.uk`, `github.io`), which many sites share.
    #[error("“{0}” is shared by many websites. Write the site's own domain, such as github.com.")]
    PublicSuffix(String),
}

/// The origin of a page: scheme, host (lower case, international names in their `xn--` form) and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
    /// Whether the host is a domain name (not an IP address).
    named: bool,
}

impl Origin {
    /// Reads an origin as a browser reports it (`https://github.com`, `http://127.0.0.1:8080`); a path is ignored.
    pub fn parse(text: &str) -> Result<Origin, SiteError> {
        let invalid = || SiteError::Invalid(text.to_owned());
        let url = Url::parse(text.trim()).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(invalid());
        }
        let (host, named) = match url.host().ok_or_else(invalid)? {
            Host::Domain(name) => (name.trim_end_matches('.').to_owned(), true),
            Host::Ipv4(address) => (address.to_string(), false),
            Host::Ipv6(address) => (format!("[{address}]"), false),
        };
        if host.is_empty() {
            return Err(invalid());
        }
        Ok(Origin { scheme: url.scheme().to_owned(), host, port: url.port(), named })
    }

    /// The host, as it is compared (`gist.github.com`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The registrable domain of the host (`github.com`), if it is a domain name that has one.
    pub fn registrable_domain(&self) -> Option<&str> {
        if !self.named {
            return None;
        }
        registrable(&self.host)
    }

    /// Whether a website written as a plain domain may match this origin: HTTPS, the default port, a named host
    /// with a registrable domain.
    pub fn is_plainly_safe(&self) -> bool {
        self.scheme == "https" && self.port.is_none() && self.registrable_domain().is_some()
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// The registrable domain of a host name, when the Public Suffix List gives it one below a suffix.
fn registrable(host: &str) -> Option<&str> {
    psl::domain_str(host).filter(|domain| domain.contains('.'))
}

/// One website of an account, as the user wrote it or Twofold learned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Website {
    /// A domain: that host and its subdomains, over HTTPS (`github.com`).
    Domain(String),
    /// A whole origin, matched exactly, which may be plain HTTP, an IP address or carry a port
    /// (`http://127.0.0.1:8080`).
    Exact(Origin),
}

impl Website {
    /// Reads a website as the user writes it: a domain (`github.com`, `https://github.com/login` is read as
    /// `github.com`), or an origin with `http:`, an IP address or a port, kept whole.
    pub fn parse(text: &str) -> Result<Website, SiteError> {
        let trimmed = text.trim();
        let with_scheme = if trimmed.contains("://") { trimmed.to_owned() } else { format!("https://{trimmed}") };
        let origin = Origin::parse(&with_scheme)?;
        if origin.scheme == "https" && origin.port.is_none() && origin.named {
            if registrable(&origin.host).is_none() {
                return Err(SiteError::PublicSuffix(trimmed.to_owned()));
            }
            return Ok(Website::Domain(origin.host));
        }
        Ok(Website::Exact(origin))
    }

    /// Whether a page of `origin` may have the code of an account with this website.
    pub fn matches(&self, origin: &Origin) -> bool {
        match self {
            Website::Exact(exact) => exact == origin,
            Website::Domain(domain) => {
                origin.is_plainly_safe()
                    && (origin.host == *domain
                        || origin.host.strip_suffix(domain.as_str()).is_some_and(|rest| rest.ends_with('.')))
            }
        }
    }
}

impl std::fmt::Display for Website {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Website::Domain(domain) => f.write_str(domain),
            Website::Exact(origin) => origin.fmt(f),
        }
    }
}

/// Whether `origin` only looks like the website `known`: not it, and not one of its subdomains, but its name
/// written with one letter changed, added or swapped, with look-alike characters, or with `known` put in front
/// of another domain (`github.com.example.net`). Such a page is refused even when the user would allow it.
pub fn looks_like(origin: &Origin, known: &Website) -> bool {
    let Website::Domain(domain) = known else { return false };
    if Website::Domain(domain.clone()).matches(origin) {
        return false;
    }
    let host = origin.host();
    // The known domain as labels inside another host.
    if host.split('.').collect::<Vec<_>>().windows(domain.split('.').count()).any(|w| w.join(".") == *domain) {
        return true;
    }
    let (Some(theirs), Some(ours)) = (origin.registrable_domain(), registrable(domain)) else { return false };
    let name = |registrable: &str| {
        let label = registrable.split('.').next().unwrap_or(registrable);
        skeleton(&idna::domain_to_unicode(label).0)
    };
    let (theirs, ours) = (name(theirs), name(ours));
    theirs == ours || (ours.chars().count() >= 4 && within_one_edit(&theirs, &ours))
}

/// A name with the characters people mistake for each other made the same, and hyphens left out.
fn skeleton(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| *c != '-')
        .map(|c| match c {
            '0' | 'о' | 'ο' => 'o',
            '1' | 'і' | 'ı' | 'í' | 'ì' | 'ï' | '|' => 'l',
            'а' | 'á' | 'à' | 'â' | 'ä' | 'å' => 'a',
            'е' | 'é' | 'è' | 'ê' | 'ë' => 'e',
            'с' => 'c',
            'р' => 'p',
            'х' => 'x',
            'у' => 'y',
            'ѕ' | '5' => 's',
            'ј' => 'j',
            'һ' => 'h',
            'ԁ' => 'd',
            'ɡ' => 'g',
            other => other,
        })
        .collect::<String>()
        .replace('i', "l");
    folded.replace("rn", "m").replace("vv", "w")
}

/// Whether one letter changed, added, removed or two neighbours swapped turns `a` into `b` (and they differ).
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().abs_diff(rb.len()) {
        0 => ra[1..] == rb[1..] || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..]),
        1 if ra.len() > rb.len() => ra[1..] == *rb,
        1 => rb[1..] == *ra,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(text: &str) -> Origin {
        Origin::parse(text).expect("an origin")
    }

    fn site(text: &str) -> Website {
        Website::parse(text).expect("a website")
    }

    #[test]
    fn an_origin_is_reduced_to_its_registrable_domain_with_the_public_suffix_list() {
        assert_eq!(origin("https://gist.github.com").registrable_domain(), Some("github.com"));
        assert_eq!(origin("https://www.bbc.co.uk/account").registrable_domain(), Some("bbc.co.uk"));
        assert_eq!(origin("https://alice.github.io").registrable_domain(), Some("alice.github.io"));
        assert_eq!(origin("https://GitHub.COM.").host(), "github.com");
        assert_eq!(origin("https://g\u{456}thub.com").host(), "xn--gthub-n2e.com");
        assert_eq!(origin("http://localhost:3000").registrable_domain(), None);
        assert_eq!(origin("https://127.0.0.1").registrable_domain(), None);
        assert_eq!(origin("https://[::1]:8443").to_string(), "https://[::1]:8443");
        assert!(Origin::parse("file:///etc/passwd").is_err());
        assert!(Origin::parse("chrome-extension://abc").is_err());
        assert!(Origin::parse("github").is_err());
    }

    #[test]
    fn a_domain_matches_itself_and_its_subdomains_over_https_only() {
        let github = site("github.com");
        assert!(github.matches(&origin("https://github.com")));
        assert!(github.matches(&origin("https://gist.github.com")));
        assert!(!github.matches(&origin("http://github.com")), "plain http");
        assert!(!github.matches(&origin("https://github.com:8443")), "another port");
        assert!(!github.matches(&origin("https://notgithub.com")));
        assert!(!github.matches(&origin("https://github.com.example.net")));
    }

    #[test]
    fn http_addresses_and_ports_match_only_the_exact_origin_written_by_hand() {
        let local = site("http://127.0.0.1:8080");
        assert!(local.matches(&origin("http://127.0.0.1:8080")));
        assert!(!local.matches(&origin("http://127.0.0.1:8081")));
        assert!(!local.matches(&origin("https://127.0.0.1:8080")));
        let test_host = site("http://github.test:8080");
        assert!(test_host.matches(&origin("http://github.test:8080/login")));
        assert!(!test_host.matches(&origin("http://www.github.test:8080")));
    }

    #[test]
    fn a_website_is_written_as_a_domain_or_an_origin_but_never_a_public_suffix() {
        assert_eq!(site("https://github.com/login"), Website::Domain("github.com".into()));
        assert_eq!(site(" GitHub.com "), Website::Domain("github.com".into()));
        assert_eq!(site("bücher.de").to_string(), "xn--bcher-kva.de");
        assert_eq!(Website::parse("co.uk"), Err(SiteError::PublicSuffix("co.uk".into())));
        assert_eq!(Website::parse("github.io"), Err(SiteError::PublicSuffix("github.io".into())));
        assert!(matches!(Website::parse("not a site"), Err(SiteError::Invalid(_))));
    }

    #[test]
    fn hosts_that_only_look_like_a_known_website_are_lookalikes() {
        let github = site("github.com");
        for lookalike in [
            "https://githuh.com",
            "https://githbu.com",
            "https://git-hub.com",
            "https://github.co",
            "https://githubb.com",
            "https://g1thub.com",
            "https://github.com.example.net",
            "https://login.github.com.example.net",
            "https://xn--gthub-n4a.com", // gıthub.com, with a dotless ı
            "https://g\u{456}thub.com",  // with a Cyrillic і
        ] {
            assert!(looks_like(&origin(lookalike), &github), "{lookalike} looks like github.com");
        }
        for other in ["https://github.com", "https://gist.github.com", "https://gitlab.com", "https://example.com"] {
            assert!(!looks_like(&origin(other), &github), "{other} is not a lookalike");
        }
        assert!(looks_like(&origin("https://paypa1.com"), &site("paypal.com")));
        assert!(looks_like(&origin("https://rnicrosoft.com"), &site("microsoft.com")));
        assert!(!looks_like(&origin("https://box.com"), &site("fox.com")), "short names differ by one letter");
    }
}
