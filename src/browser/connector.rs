//! The app's side of the browser connection, apart from the vault's answers: the pairings being offered and the
//! user's decision on each, and the checks every signed request passes before it is read (a pairing that exists
//! for this extension, a good signature, a number never seen before, and not too many at once).
//!
//! A [`Connector`] is shared by the socket's connection threads: [`Connector::wait`] blocks one of them until the
//! user decides in the window ([`Connector::decide`]).

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};

use super::messages::{BrowserErrorKind, Signed, SignedAnswer, SignedRequest, ToExtension};
use super::pairing::{Direction, Pairer, PairingKey};

/// How long an offer waits for the user.
pub const OFFER_LIFETIME: Duration = Duration::from_secs(120);

/// How many signed requests one pairing may make in [`RATE_WINDOW`].
pub const RATE_LIMIT: usize = 20;

/// The window [`RATE_LIMIT`] counts in.
pub const RATE_WINDOW: Duration = Duration::from_secs(60);

/// The most offers waiting at once: a program that asks again and again fills no list.
const MAX_OFFERS: usize = 3;

/// Why a browser's message is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// Not a message Twofold can read.
    #[error("Twofold could not read the extension's message ({0}). Update the extension and Twofold.")]
    BadMessage(String),
    /// The pairing is not (or no longer) in the vault, or was made with another extension.
    #[error("This browser is not paired with Twofold. Pair it again from the extension's settings.")]
    NotPaired,
    /// A signature that does not check out, or a number seen before.
    #[error("Twofold refused a message that was not signed by this browser's pairing. Pair it again.")]
    BadSignature,
    /// More than [`RATE_LIMIT`] requests in [`RATE_WINDOW`].
    #[error("Too many requests from this browser. Wait a minute, then try again.")]
    TooMany,
    /// The user refused the pairing, or did not confirm it in time.
    #[error("The pairing was not confirmed in Twofold. Start it again, and confirm it there when the codes match.")]
    Declined,
}

impl BrowserError {
    /// The kind the extension branches on.
    pub fn kind(&self) -> BrowserErrorKind {
        match self {
            BrowserError::BadMessage(_) => BrowserErrorKind::BadMessage,
            BrowserError::NotPaired => BrowserErrorKind::NotPaired,
            BrowserError::BadSignature => BrowserErrorKind::BadSignature,
            BrowserError::TooMany => BrowserErrorKind::TooMany,
            BrowserError::Declined => BrowserErrorKind::Declined,
        }
    }

    /// The error as the extension receives it.
    pub fn to_extension(&self) -> ToExtension {
        ToExtension::Error { kind: self.kind(), message: self.to_string() }
    }
}

/// A pairing waiting for the user, as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPairing {
    /// The offer's id.
    pub offer: String,
    /// The browser, as the extension names it.
    pub browser: String,
    /// The six digits both sides show.
    pub code: String,
}

/// A pairing the user confirmed, for the vault to keep.
#[derive(Debug)]
pub struct Confirmed {
    /// The browser, as the extension names it.
    pub browser: String,
    /// The pairing's key.
    pub key: PairingKey,
}

struct Offer {
    extension: String,
    browser: String,
    code: String,
    key: PairingKey,
    made: Instant,
    decision: Option<bool>,
}

#[derive(Default)]
struct State {
    offers: HashMap<String, Offer>,
    /// The highest number accepted on each pairing since Twofold started.
    sequences: HashMap<String, u64>,
    /// When each pairing's recent requests came.
    recent: HashMap<String, VecDeque<Instant>>,
}

/// Offers, decisions and the checks on signed requests.
#[derive(Default)]
pub struct Connector {
    state: Mutex<State>,
    decided: Condvar,
}

impl Connector {
    /// A connector with nothing pending.
    pub fn new() -> Connector {
        Connector::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A thread that panicked while holding the lock left consistent maps behind (each change is one insert or
        // remove).
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes an offer to the extension `extension` (its id, as the browser gave it to the host) from its public key:
    /// Twofold's key and the code to show. The window then asks the user ([`Connector::pending`]).
    pub fn offer(&self, extension: &str, browser: &str, public_key: &str) -> Result<ToExtension, BrowserError> {
        let theirs = BASE64URL_NOPAD
            .decode(public_key.trim_end_matches('=').as_bytes())
            .map_err(|_| BrowserError::BadMessage("the public key is not base64url".into()))?;
        let pairer = Pairer::new();
        let agreed = pairer.agree(&theirs).map_err(|e| BrowserError::BadMessage(e.to_string()))?;
        let id = HEXLOWER.encode(&crate::random::bytes::<16>());
        let mut state = self.state();
        state.offers.retain(|_, offer| offer.made.elapsed() < OFFER_LIFETIME);
        if state.offers.len() >= MAX_OFFERS {
            return Err(BrowserError::TooMany);
        }
        let browser: String = browser.trim().chars().take(40).collect();
        let offer = Offer {
            extension: extension.to_owned(),
            browser: if browser.is_empty() { "A browser".to_owned() } else { browser },
            code: agreed.code.clone(),
            key: agreed.key,
            made: Instant::now(),
            decision: None,
        };
        state.offers.insert(id.clone(), offer);
        Ok(ToExtension::PairOffer {
            offer: id,
            public_key: BASE64URL_NOPAD.encode(&pairer.public_key()),
            code: agreed.code,
        })
    }

    /// The offers waiting for the user, oldest first.
    pub fn pending(&self) -> Vec<PendingPairing> {
        let state = self.state();
        let mut waiting: Vec<(&String, &Offer)> = state
            .offers
            .iter()
            .filter(|(_, offer)| offer.decision.is_none() && offer.made.elapsed() < OFFER_LIFETIME)
            .collect();
        waiting.sort_by_key(|(_, offer)| offer.made);
        waiting
            .into_iter()
            .map(|(id, offer)| PendingPairing {
                offer: id.clone(),
                browser: offer.browser.clone(),
                code: offer.code.clone(),
            })
            .collect()
    }

    /// The user's decision on an offer; an offer gone meanwhile is ignored.
    pub fn decide(&self, offer: &str, accept: bool) {
        if let Some(waiting) = self.state().offers.get_mut(offer) {
            waiting.decision = Some(accept);
        }
        self.decided.notify_all();
    }

    /// Waits up to `patience` (and no longer than the offer lives) for the user's decision on `offer`, made to
    /// `extension`; the offer is gone afterwards.
    pub fn wait(&self, offer: &str, extension: &str, patience: Duration) -> Result<Confirmed, BrowserError> {
        let until = Instant::now() + patience;
        let mut state = self.state();
        loop {
            let Some(waiting) = state.offers.get(offer).filter(|o| o.extension == extension) else {
                return Err(BrowserError::Declined);
            };
            let deadline = until.min(waiting.made + OFFER_LIFETIME);
            match waiting.decision {
                Some(true) => {
                    let taken = state.offers.remove(offer).ok_or(BrowserError::Declined)?;
                    return Ok(Confirmed { browser: taken.browser, key: taken.key });
                }
                Some(false) => {
                    state.offers.remove(offer);
                    return Err(BrowserError::Declined);
                }
                None if Instant::now() >= deadline => {
                    state.offers.remove(offer);
                    return Err(BrowserError::Declined);
                }
                None => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    state = self.decided.wait_timeout(state, left).unwrap_or_else(|e| e.into_inner()).0;
                }
            }
        }
    }

    /// Checks a signed request of `extension` against its pairing (`key`, and the extension it was made with,
    /// from the vault) and reads it. Each number is accepted once, in increasing order, and a pairing may make
    /// [`RATE_LIMIT`] requests in [`RATE_WINDOW`].
    pub fn open(
        &self,
        signed: &Signed,
        extension: &str,
        pairing: Option<(&PairingKey, &str)>,
    ) -> Result<SignedRequest, BrowserError> {
        let (key, paired_with) = pairing.ok_or(BrowserError::NotPaired)?;
        if paired_with != extension {
            return Err(BrowserError::NotPaired);
        }
        key.verify(Direction::ToApp, &signed.pairing, signed.sequence, &signed.body, &signed.signature)
            .map_err(|_| BrowserError::BadSignature)?;
        let mut state = self.state();
        if state.sequences.get(&signed.pairing).is_some_and(|last| signed.sequence <= *last) {
            return Err(BrowserError::BadSignature);
        }
        let recent = state.recent.entry(signed.pairing.clone()).or_default();
        while recent.front().is_some_and(|at| at.elapsed() >= RATE_WINDOW) {
            recent.pop_front();
        }
        if recent.len() >= RATE_LIMIT {
            return Err(BrowserError::TooMany);
        }
        recent.push_back(Instant::now());
        state.sequences.insert(signed.pairing.clone(), signed.sequence);
        drop(state);
        serde_json::from_str(&signed.body).map_err(|e| BrowserError::BadMessage(e.to_string()))
    }

    /// Twofold's answer to the signed request numbered `sequence` on `pairing`, signed with its key.
    pub fn seal(key: &PairingKey, pairing: &str, sequence: u64, answer: &SignedAnswer) -> ToExtension {
        // An answer is plain data: it always serialises.
        let body = serde_json::to_string(answer).unwrap_or_else(|_| unreachable!());
        let signature = key.sign(Direction::ToExtension, pairing, sequence, &body);
        ToExtension::Signed(Signed { pairing: pairing.to_owned(), sequence, body, signature })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::pairing::PairingKey;

    const EXTENSION: &str = "connector@twofold.app";

    fn public_key() -> String {
        BASE64URL_NOPAD.encode(&Pairer::new().public_key())
    }

    fn signed(key: &PairingKey, sequence: u64, body: &str) -> Signed {
        Signed {
            pairing: "p1".into(),
            sequence,
            body: body.into(),
            signature: key.sign(Direction::ToApp, "p1", sequence, body),
        }
    }

    #[test]
    fn a_confirmed_offer_gives_the_pairing_and_is_gone_after() {
        let connector = Connector::new();
        let ToExtension::PairOffer { offer, code, .. } = connector.offer(EXTENSION, "Firefox", &public_key()).unwrap()
        else {
            panic!("an offer")
        };
        assert_eq!(connector.pending(), [PendingPairing { offer: offer.clone(), browser: "Firefox".into(), code }]);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| connector.wait(&offer, EXTENSION, Duration::from_secs(10)));
            std::thread::sleep(Duration::from_millis(50));
            connector.decide(&offer, true);
            assert_eq!(waiting.join().unwrap().unwrap().browser, "Firefox");
        });
        assert!(connector.pending().is_empty());
        assert_eq!(connector.wait(&offer, EXTENSION, Duration::ZERO).unwrap_err(), BrowserError::Declined);
    }

    #[test]
    fn a_refused_unanswered_or_foreign_offer_pairs_nothing() {
        let connector = Connector::new();
        let offer = |c: &Connector| match c.offer(EXTENSION, "Chromium", &public_key()).unwrap() {
            ToExtension::PairOffer { offer, .. } => offer,
            other => panic!("{other:?}"),
        };
        let refused = offer(&connector);
        connector.decide(&refused, false);
        assert_eq!(connector.wait(&refused, EXTENSION, Duration::from_secs(1)).unwrap_err(), BrowserError::Declined);
        let unanswered = offer(&connector);
        assert_eq!(
            connector.wait(&unanswered, EXTENSION, Duration::from_millis(20)).unwrap_err(),
            BrowserError::Declined
        );
        let foreign = offer(&connector);
        connector.decide(&foreign, true);
        assert_eq!(connector.wait(&foreign, "other@example.org", Duration::ZERO).unwrap_err(), BrowserError::Declined);
        assert!(matches!(connector.offer(EXTENSION, "Firefox", "not a key!"), Err(BrowserError::BadMessage(_))));
    }

    #[test]
    fn offers_waiting_at_once_are_few() {
        let connector = Connector::new();
        for _ in 0..MAX_OFFERS {
            connector.offer(EXTENSION, "Firefox", &public_key()).unwrap();
        }
        assert_eq!(connector.offer(EXTENSION, "Firefox", &public_key()).unwrap_err(), BrowserError::TooMany);
    }

    #[test]
    fn a_signed_request_is_read_once_in_order_and_only_from_its_extension() {
        let connector = Connector::new();
        let key = PairingKey::from_bytes([3; 32]);
        let fill = r#"{"type":"fill","origin":"https://github.com"}"#;
        let pairing = Some((&key, EXTENSION));
        assert_eq!(
            connector.open(&signed(&key, 1, fill), EXTENSION, pairing).unwrap(),
            SignedRequest::Fill { origin: "https://github.com".into() }
        );
        let again = connector.open(&signed(&key, 1, fill), EXTENSION, pairing);
        assert_eq!(again.unwrap_err(), BrowserError::BadSignature, "a replay");
        let mut tampered = signed(&key, 2, fill);
        tampered.body = r#"{"type":"fill","origin":"https://evil.example"}"#.into();
        assert_eq!(connector.open(&tampered, EXTENSION, pairing).unwrap_err(), BrowserError::BadSignature);
        assert_eq!(
            connector.open(&signed(&key, 3, fill), "other@example.org", pairing).unwrap_err(),
            BrowserError::NotPaired
        );
        assert_eq!(connector.open(&signed(&key, 4, fill), EXTENSION, None).unwrap_err(), BrowserError::NotPaired);
        assert!(matches!(connector.open(&signed(&key, 5, "{}"), EXTENSION, pairing), Err(BrowserError::BadMessage(_))));
    }

    #[test]
    fn a_pairing_asking_too_often_waits() {
        let connector = Connector::new();
        let key = PairingKey::from_bytes([4; 32]);
        let hello = r#"{"type":"hello"}"#;
        for sequence in 1..=RATE_LIMIT as u64 {
            connector.open(&signed(&key, sequence, hello), EXTENSION, Some((&key, EXTENSION))).unwrap();
        }
        let over = connector.open(&signed(&key, 100, hello), EXTENSION, Some((&key, EXTENSION)));
        assert_eq!(over.unwrap_err(), BrowserError::TooMany);
    }

    #[test]
    fn an_answer_is_signed_for_the_extension_under_the_requests_number() {
        let key = PairingKey::from_bytes([5; 32]);
        let ToExtension::Signed(sealed) = Connector::seal(&key, "p1", 9, &SignedAnswer::Hello) else { panic!() };
        assert_eq!((sealed.pairing.as_str(), sealed.sequence, sealed.body.as_str()), ("p1", 9, r#"{"type":"hello"}"#));
        assert_eq!(key.verify(Direction::ToExtension, "p1", 9, &sealed.body, &sealed.signature), Ok(()));
        assert!(key.verify(Direction::ToApp, "p1", 9, &sealed.body, &sealed.signature).is_err());
    }
}
