//! How the app answers the extension: pairing (an offer, then the user's confirmation), and the signed requests
//! (`hello`, `fill`). What needs the user — confirming a pairing, unlocking, allowing a site — goes through a
//! [`Desk`], the app's window; the vault is held only between those questions, never while one waits.

use std::time::Duration;

use super::connector::{BrowserError, Connector, OFFER_LIFETIME};
use super::fill::{FillDecision, decide};
use super::messages::{FromExtension, NothingReason, Signed, SignedAnswer, SignedRequest, ToExtension};
use super::pairing::PairingKey;
use super::site::{Origin, Website};
use crate::account::display_name;
use crate::vault::{AccountId, AccountSummary, Vault};

/// How long a fill waits for the user to unlock Twofold or to answer its question.
pub const USER_PATIENCE: Duration = Duration::from_secs(90);

/// What the user is asked before a page gets a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The page's site, as shown (`github.com`, or the whole origin when it is not plain HTTPS).
    pub site: String,
    /// The page's origin, for [`Consent::Always`] to keep.
    pub origin: String,
    /// The accounts to choose from, best first.
    pub accounts: Vec<AccountSummary>,
    /// Whether they are the accounts of this site already (the user only picks one), rather than suggested by
    /// their issuer (the user allows this site first).
    pub known: bool,
}

/// The user's answer to a [`Question`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// Fill this account's code, this time.
    Once(AccountId),
    /// Fill it, and keep the site among the account's websites.
    Always(AccountId),
    /// Fill nothing.
    Deny,
    /// No answer in time, or the question was closed.
    NoAnswer,
}

/// What the app's window does for the browser.
pub trait Desk {
    /// Runs `work` on the open vault; `None` when Twofold is locked.
    fn with_vault<R>(&self, work: impl FnOnce(&mut Vault) -> R) -> Option<R>;
    /// A pairing offer waits ([`Connector::pending`]): the window asks the user.
    fn pairing_offered(&self);
    /// Shows the unlock screen and waits up to `patience` for the user to unlock; whether Twofold is open.
    fn unlock(&self, patience: Duration) -> bool;
    /// Asks the user, and waits up to `patience` for the answer.
    fn ask(&self, question: &Question, patience: Duration) -> Consent;
    /// The Unix time now.
    fn now(&self) -> u64;
}

/// Answers one message of the extension `extension` (its id, as the browser gave it to the host).
pub fn answer(desk: &impl Desk, connector: &Connector, extension: &str, message: FromExtension) -> ToExtension {
    let answered = match message {
        FromExtension::Pair { browser, public_key } => {
            connector.offer(extension, &browser, &public_key).inspect(|_| {
                desk.pairing_offered();
            })
        }
        FromExtension::PairWait { offer } => pair(desk, connector, extension, &offer),
        FromExtension::Signed(signed) => signed_request(desk, connector, extension, &signed),
    };
    answered.unwrap_or_else(|problem| problem.to_extension())
}

fn pair(desk: &impl Desk, connector: &Connector, extension: &str, offer: &str) -> Result<ToExtension, BrowserError> {
    let confirmed = connector.wait(offer, extension, OFFER_LIFETIME)?;
    // Confirmed in the window, which was open for it; a lock in between is waited out once more.
    if let Some(kept) = desk.with_vault(|vault| vault.add_pairing(&confirmed.browser, extension, confirmed.key.clone()))
    {
        return kept.map(|pairing| ToExtension::Paired { pairing }).map_err(|_| BrowserError::Declined);
    }
    if !desk.unlock(USER_PATIENCE) {
        return Err(BrowserError::Declined);
    }
    desk.with_vault(|vault| vault.add_pairing(&confirmed.browser, extension, confirmed.key))
        .and_then(Result::ok)
        .map(|pairing| ToExtension::Paired { pairing })
        .ok_or(BrowserError::Declined)
}

/// The vault's view of a pairing: its key and the extension it was made with.
type Pairing = Option<(PairingKey, String)>;

fn signed_request(
    desk: &impl Desk,
    connector: &Connector,
    extension: &str,
    signed: &Signed,
) -> Result<ToExtension, BrowserError> {
    let look_up = |vault: &mut Vault| -> Pairing {
        vault.pairing(&signed.pairing).ok().map(|(key, ext)| (key.clone(), ext.to_owned()))
    };
    // The key is in the vault: a locked Twofold asks the user to unlock first.
    let pairing = match desk.with_vault(look_up) {
        Some(pairing) => pairing,
        None if desk.unlock(USER_PATIENCE) => desk.with_vault(look_up).flatten(),
        None => return Ok(locked_answer()),
    };
    let (key, paired_with) = pairing.ok_or(BrowserError::NotPaired)?;
    let request = connector.open(signed, extension, Some((&key, &paired_with)))?;
    let answer = match request {
        SignedRequest::Hello => SignedAnswer::Hello,
        SignedRequest::Fill { origin } => fill(desk, &origin),
    };
    Ok(Connector::seal(&key, &signed.pairing, signed.sequence, &answer))
}

/// The unsigned answer for a Twofold that stayed locked: without the vault there is no key to sign with.
fn locked_answer() -> ToExtension {
    ToExtension::Error {
        kind: super::messages::BrowserErrorKind::Locked,
        message: "Twofold stayed locked. Unlock it, then try again.".into(),
    }
}

fn nothing(reason: NothingReason, message: String) -> SignedAnswer {
    SignedAnswer::Nothing { reason, message }
}

/// The code for a page of `origin`, or why it gets none.
fn fill(desk: &impl Desk, origin: &str) -> SignedAnswer {
    let Ok(origin) = Origin::parse(origin) else {
        return nothing(NothingReason::Unsafe, format!("Twofold fills codes into web pages only, not into {origin}."));
    };
    let site = origin
        .registrable_domain()
        .filter(|_| origin.is_plainly_safe())
        .map_or_else(|| origin.to_string(), str::to_owned);
    let Some(decision) = desk.with_vault(|vault| decide(vault, &origin)) else {
        return nothing(NothingReason::Locked, "Twofold stayed locked. Unlock it, then try again.".into());
    };
    let (question, known) = match decision {
        FillDecision::Fill(account) => return code(desk, &account.id),
        FillDecision::Choose(accounts) => (accounts, true),
        FillDecision::Ask(accounts) => (accounts, false),
        FillDecision::Lookalike(_, website) => {
            return nothing(
                NothingReason::Lookalike,
                format!("This page is not {website}, though its address looks like it. Twofold fills nothing here."),
            );
        }
        FillDecision::Unsafe => {
            return nothing(
                NothingReason::Unsafe,
                format!(
                    "{site} is not a secure website address. To fill here anyway, add {site} to the account's websites in Twofold."
                ),
            );
        }
        FillDecision::NoAccount => {
            return nothing(
                NothingReason::NoAccount,
                format!("No account in Twofold is for {site}. Add the site to an account's websites in Twofold."),
            );
        }
    };
    let question = Question { site: site.clone(), origin: origin.to_string(), accounts: question, known };
    match desk.ask(&question, USER_PATIENCE) {
        Consent::Once(id) => code(desk, &id),
        Consent::Always(id) => {
            let website =
                if origin.is_plainly_safe() { Website::parse(&site) } else { Website::parse(&origin.to_string()) };
            if let Ok(website) = website {
                // Kept for next time; the code is filled even if the vault could not be saved now.
                let _ = desk.with_vault(|vault| vault.add_website(&id, &website));
            }
            code(desk, &id)
        }
        Consent::Deny => nothing(NothingReason::Denied, format!("You chose not to fill a code on {site}.")),
        Consent::NoAnswer => nothing(NothingReason::NoAnswer, "Twofold's question was not answered.".into()),
    }
}

/// The current code of an account.
fn code(desk: &impl Desk, id: &AccountId) -> SignedAnswer {
    let now = desk.now();
    let found = desk.with_vault(|vault| {
        let codes = vault.codes_at(id, now).ok()?;
        let summary = vault.accounts().into_iter().find(|a| &a.id == id)?;
        Some((codes, display_name(&summary.issuer, &summary.name)))
    });
    match found {
        Some(Some((codes, account))) => {
            SignedAnswer::Code { code: codes.current.as_str().to_owned(), account, seconds_left: codes.seconds_left }
        }
        Some(None) => nothing(NothingReason::NoAccount, "That account is no longer in Twofold.".into()),
        None => nothing(NothingReason::Locked, "Twofold stayed locked. Unlock it, then try again.".into()),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use data_encoding::BASE64URL_NOPAD;

    use super::*;
    use crate::browser::pairing::{Direction, Pairer};

    const EXTENSION: &str = "connector@twofold.app";
    /// RFC 6238's SHA-1 secret, "12345678901234567890", whose code at 59 s is 287082.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    /// The window, as a test plays it: a vault that may be locked, and the answers it gives.
    struct FakeDesk {
        _dir: tempfile::TempDir,
        vault: RefCell<Vault>,
        locked: Cell<bool>,
        unlocks: Cell<bool>,
        consent: RefCell<Option<Consent>>,
        asked: RefCell<Vec<Question>>,
        offered: Cell<usize>,
    }

    impl FakeDesk {
        fn with(links: &[&str]) -> (FakeDesk, Vec<AccountId>) {
            let (dir, _keychain, vault, ids) = crate::browser::testing::vault_with(links);
            let desk = FakeDesk {
                _dir: dir,
                vault: RefCell::new(vault),
                locked: Cell::new(false),
                unlocks: Cell::new(false),
                consent: RefCell::new(None),
                asked: RefCell::new(Vec::new()),
                offered: Cell::new(0),
            };
            (desk, ids)
        }
    }

    impl Desk for FakeDesk {
        fn with_vault<R>(&self, work: impl FnOnce(&mut Vault) -> R) -> Option<R> {
            (!self.locked.get()).then(|| work(&mut self.vault.borrow_mut()))
        }
        fn pairing_offered(&self) {
            self.offered.set(self.offered.get() + 1);
        }
        fn unlock(&self, _patience: Duration) -> bool {
            if self.unlocks.get() {
                self.locked.set(false);
            }
            !self.locked.get()
        }
        fn ask(&self, question: &Question, _patience: Duration) -> Consent {
            self.asked.borrow_mut().push(question.clone());
            self.consent.borrow().clone().unwrap_or(Consent::NoAnswer)
        }
        fn now(&self) -> u64 {
            59
        }
    }

    /// Pairs the extension's side (`extension`) through `answer`, confirming in the window; returns the pairing.
    fn pair(desk: &FakeDesk, connector: &Connector, extension: &Pairer) -> (String, PairingKey) {
        let public_key = BASE64URL_NOPAD.encode(&extension.public_key());
        let ToExtension::PairOffer { offer, public_key: theirs, code } =
            answer(desk, connector, EXTENSION, FromExtension::Pair { browser: "Firefox".into(), public_key })
        else {
            panic!("an offer")
        };
        assert_eq!(desk.offered.get(), 1, "the window is told");
        let agreed = extension.agree_as_extension(&BASE64URL_NOPAD.decode(theirs.as_bytes()).unwrap()).unwrap();
        assert_eq!(agreed.code, code, "the extension computes the code Twofold shows");
        connector.decide(&offer, true);
        let ToExtension::Paired { pairing } = answer(desk, connector, EXTENSION, FromExtension::PairWait { offer })
        else {
            panic!("paired")
        };
        // Both sides derive the same key (checked against the extension's own code in tests/browser_pairing.rs).
        (pairing, agreed.key)
    }

    fn ask_fill(
        desk: &FakeDesk,
        connector: &Connector,
        pairing: &str,
        key: &PairingKey,
        n: u64,
        origin: &str,
    ) -> SignedAnswer {
        let body = serde_json::to_string(&SignedRequest::Fill { origin: origin.into() }).unwrap();
        let signature = key.sign(Direction::ToApp, pairing, n, &body);
        let signed = Signed { pairing: pairing.into(), sequence: n, body, signature };
        match answer(desk, connector, EXTENSION, FromExtension::Signed(signed)) {
            ToExtension::Signed(reply) => {
                assert_eq!(key.verify(Direction::ToExtension, pairing, n, &reply.body, &reply.signature), Ok(()));
                serde_json::from_str(&reply.body).unwrap()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_paired_extension_gets_the_code_of_the_account_whose_website_the_page_is_on() {
        let (desk, ids) = FakeDesk::with(&[&format!("otpauth://totp/GitHub:alice?secret={RFC_SECRET}")]);
        desk.vault.borrow_mut().set_websites(&ids[0], &["github.com"]).unwrap();
        let connector = Connector::new();
        let (pairing, key) = pair(&desk, &connector, &Pairer::new());
        assert_eq!(desk.vault.borrow().pairings().len(), 1, "kept in the vault");
        let got = ask_fill(&desk, &connector, &pairing, &key, 1, "https://github.com");
        assert_eq!(
            got,
            SignedAnswer::Code { code: "287082".into(), account: "GitHub (alice)".into(), seconds_left: Some(1) }
        );
        assert!(desk.asked.borrow().is_empty(), "a website is consent already");
    }

    #[test]
    fn a_site_named_only_by_the_issuer_is_asked_about_and_always_keeps_it() {
        let (desk, ids) = FakeDesk::with(&[&format!("otpauth://totp/GitHub:alice?secret={RFC_SECRET}")]);
        let connector = Connector::new();
        let (pairing, key) = pair(&desk, &connector, &Pairer::new());
        *desk.consent.borrow_mut() = Some(Consent::Deny);
        let denied = ask_fill(&desk, &connector, &pairing, &key, 1, "https://github.com");
        assert!(matches!(denied, SignedAnswer::Nothing { reason: NothingReason::Denied, .. }));
        assert_eq!(desk.asked.borrow()[0].site, "github.com");
        assert!(!desk.asked.borrow()[0].known);

        *desk.consent.borrow_mut() = Some(Consent::Always(ids[0].clone()));
        assert!(matches!(
            ask_fill(&desk, &connector, &pairing, &key, 2, "https://github.com"),
            SignedAnswer::Code { .. }
        ));
        assert_eq!(desk.vault.borrow().websites(&ids[0]).unwrap(), [Website::parse("github.com").unwrap()]);
        *desk.consent.borrow_mut() = None;
        assert!(matches!(
            ask_fill(&desk, &connector, &pairing, &key, 3, "https://github.com"),
            SignedAnswer::Code { .. }
        ));
        assert_eq!(desk.asked.borrow().len(), 2, "not asked again");
    }

    #[test]
    fn lookalikes_and_unknown_sites_get_nothing_and_no_question() {
        let (desk, ids) = FakeDesk::with(&[&format!("otpauth://totp/GitHub:alice?secret={RFC_SECRET}")]);
        desk.vault.borrow_mut().set_websites(&ids[0], &["github.com"]).unwrap();
        let connector = Connector::new();
        let (pairing, key) = pair(&desk, &connector, &Pairer::new());
        let lookalike = ask_fill(&desk, &connector, &pairing, &key, 1, "https://githuh.com");
        assert!(matches!(lookalike, SignedAnswer::Nothing { reason: NothingReason::Lookalike, .. }), "{lookalike:?}");
        let unknown = ask_fill(&desk, &connector, &pairing, &key, 2, "https://example.com");
        assert!(matches!(unknown, SignedAnswer::Nothing { reason: NothingReason::NoAccount, .. }));
        let plain = ask_fill(&desk, &connector, &pairing, &key, 3, "http://github.com");
        assert!(matches!(
            plain,
            SignedAnswer::Nothing { reason: NothingReason::Lookalike | NothingReason::Unsafe, .. }
        ));
        assert!(desk.asked.borrow().is_empty());
    }

    #[test]
    fn a_locked_twofold_is_unlocked_first_or_says_it_stayed_locked() {
        let (desk, ids) = FakeDesk::with(&[&format!("otpauth://totp/GitHub:alice?secret={RFC_SECRET}")]);
        desk.vault.borrow_mut().set_websites(&ids[0], &["github.com"]).unwrap();
        let connector = Connector::new();
        let (pairing, key) = pair(&desk, &connector, &Pairer::new());
        desk.locked.set(true);
        let body = serde_json::to_string(&SignedRequest::Fill { origin: "https://github.com".into() }).unwrap();
        let signed = |n| Signed {
            pairing: pairing.clone(),
            sequence: n,
            body: body.clone(),
            signature: key.sign(Direction::ToApp, &pairing, n, &body),
        };
        let stayed = answer(&desk, &connector, EXTENSION, FromExtension::Signed(signed(1)));
        assert!(matches!(stayed, ToExtension::Error { kind: super::super::messages::BrowserErrorKind::Locked, .. }));
        desk.unlocks.set(true);
        let ToExtension::Signed(reply) = answer(&desk, &connector, EXTENSION, FromExtension::Signed(signed(2))) else {
            panic!("answered once unlocked")
        };
        assert!(reply.body.contains("287082"));
    }

    #[test]
    fn an_unpaired_or_removed_pairing_is_refused_and_nothing_carries_a_secret() {
        let (desk, ids) = FakeDesk::with(&[&format!("otpauth://totp/GitHub:alice?secret={RFC_SECRET}")]);
        desk.vault.borrow_mut().set_websites(&ids[0], &["github.com"]).unwrap();
        let connector = Connector::new();
        let (pairing, key) = pair(&desk, &connector, &Pairer::new());
        let body = serde_json::to_string(&SignedRequest::Fill { origin: "https://github.com".into() }).unwrap();
        let signature = key.sign(Direction::ToApp, &pairing, 1, &body);
        let signed = Signed { pairing: pairing.clone(), sequence: 1, body, signature };
        let reply = serde_json::to_string(&answer(&desk, &connector, EXTENSION, FromExtension::Signed(signed.clone())))
            .unwrap();
        for secret_form in [RFC_SECRET, "otpauth", "12345678901234567890"] {
            assert!(!reply.contains(secret_form), "the answer carries no secret: {reply}");
        }
        desk.vault.borrow_mut().remove_pairing(&pairing).unwrap();
        let mut again = signed;
        again.sequence = 2;
        again.signature = key.sign(Direction::ToApp, &pairing, 2, &again.body);
        assert!(matches!(
            answer(&desk, &connector, EXTENSION, FromExtension::Signed(again)),
            ToExtension::Error { kind: super::super::messages::BrowserErrorKind::NotPaired, .. }
        ));
    }
}
