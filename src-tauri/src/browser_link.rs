//! The running app's side of the browser extension: the core's answers ([`twofold::browser::answer`]) with this
//! app as their [`Desk`]. A pairing offer or a question about a site is kept here, the window is brought to the
//! front and its page told; the page reads them ([`BrowserLink::view`]) and the user's decision comes back through
//! [`BrowserLink::decide_pairing`] or [`BrowserLink::answer_question`], which wakes the request waiting for it.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use twofold::browser::answer::{Consent, Desk, Question};
use twofold::browser::connector::Connector;
use twofold::browser::messages::{FromExtension, ToExtension};
use twofold::sync::lock;
use twofold::vault::Vault;

use crate::error::AppError;
use crate::open_vault::OpenVault;

/// What the page shows for the browser: the pairings to confirm and the question waiting, if any.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserView {
    /// Oldest first.
    pub pairings: Vec<PairingView>,
    /// The question a page's request waits on.
    pub question: Option<QuestionView>,
}

/// A pairing offer, as the confirmation shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PairingView {
    /// Its id.
    pub offer: String,
    /// The browser, as the extension names it.
    pub browser: String,
    /// The six digits, in two groups of three.
    pub code: String,
}

/// The question about a site.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionView {
    /// Its id, for the answer.
    pub id: u64,
    /// The site (`github.com`).
    pub site: String,
    /// The accounts to choose from: ids and names, never a secret.
    pub accounts: Vec<AccountChoice>,
    /// Whether they are already this site's accounts (only a choice among them), rather than suggested.
    pub known: bool,
}

/// An account offered in a question.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountChoice {
    /// Its id.
    pub id: String,
    /// The service.
    pub issuer: String,
    /// The user's name there.
    pub name: String,
}

struct Waiting {
    id: u64,
    question: Question,
    reply: Sender<Consent>,
}

/// Offers, the question waiting and how to get the user's attention.
pub struct BrowserLink {
    connector: Connector,
    waiting: Mutex<Option<Waiting>>,
    next_id: Mutex<u64>,
    /// Brings the window to the front (set once the window exists).
    attention: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
    /// Tells the window's page to look again (set by the page).
    page: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
}

impl BrowserLink {
    pub fn new() -> BrowserLink {
        BrowserLink {
            connector: Connector::new(),
            waiting: Mutex::new(None),
            next_id: Mutex::new(0),
            attention: Mutex::new(None),
            page: Mutex::new(None),
        }
    }

    /// Sets what brings the window forward (the last one set is kept).
    pub fn on_attention(&self, attention: impl Fn() + Send + Sync + 'static) {
        *lock(&self.attention) = Some(Box::new(attention));
    }

    /// Sets what tells the window's page that the pairings or the question changed (the last one set is kept).
    pub fn watch(&self, page: impl Fn() + Send + Sync + 'static) {
        *lock(&self.page) = Some(Box::new(page));
    }

    fn attend(&self) {
        if let Some(attention) = lock(&self.attention).as_ref() {
            attention();
        }
        if let Some(page) = lock(&self.page).as_ref() {
            page();
        }
    }

    /// Answers one message of the extension `extension`, waiting for the user when it must.
    pub fn answer(&self, vault: &Arc<OpenVault>, extension: &str, message: FromExtension) -> ToExtension {
        twofold::browser::answer::answer(&AppDesk { link: self, vault }, &self.connector, extension, message)
    }

    /// What the page shows now.
    pub fn view(&self) -> BrowserView {
        let pairings = self
            .connector
            .pending()
            .into_iter()
            .map(|p| PairingView {
                offer: p.offer,
                browser: p.browser,
                code: format!("{} {}", &p.code[..3], &p.code[3..]),
            })
            .collect();
        let question = lock(&self.waiting).as_ref().map(|w| QuestionView {
            id: w.id,
            site: w.question.site.clone(),
            accounts: w
                .question
                .accounts
                .iter()
                .map(|a| AccountChoice { id: a.id.to_string(), issuer: a.issuer.clone(), name: a.name.clone() })
                .collect(),
            known: w.question.known,
        });
        BrowserView { pairings, question }
    }

    /// The user's decision on a pairing offer.
    pub fn decide_pairing(&self, offer: &str, accept: bool) -> BrowserView {
        self.connector.decide(offer, accept);
        self.view()
    }

    /// The user's answer to the question `id`: an account to fill (once, or always on this site), or none.
    pub fn answer_question(&self, id: u64, account: Option<&str>, always: bool) -> Result<BrowserView, AppError> {
        let mut waiting = lock(&self.waiting);
        let Some(current) = waiting.take_if(|w| w.id == id) else { return Ok(self.view_without(waiting)) };
        let consent = match account {
            None => Consent::Deny,
            Some(account) => {
                let Some(chosen) = current.question.accounts.iter().find(|a| a.id.as_str() == account) else {
                    *waiting = Some(current);
                    return Err(twofold::vault::VaultError::UnknownAccount.into());
                };
                if always { Consent::Always(chosen.id.clone()) } else { Consent::Once(chosen.id.clone()) }
            }
        };
        // The request may have stopped waiting meanwhile; then there is nobody to tell.
        let _ = current.reply.send(consent);
        Ok(self.view_without(waiting))
    }

    fn view_without(&self, waiting: std::sync::MutexGuard<'_, Option<Waiting>>) -> BrowserView {
        drop(waiting);
        self.view()
    }

    /// Puts a question up and returns where its answer arrives; a question still up is answered "no answer" first.
    fn put_up(&self, question: &Question) -> (u64, Receiver<Consent>) {
        let (reply, answer) = channel();
        let id = {
            let mut next = lock(&self.next_id);
            *next += 1;
            *next
        };
        if let Some(before) = lock(&self.waiting).replace(Waiting { id, question: question.clone(), reply }) {
            let _ = before.reply.send(Consent::NoAnswer);
        }
        (id, answer)
    }

    fn take_down(&self, id: u64) {
        lock(&self.waiting).take_if(|w| w.id == id);
    }
}

/// The window, as the core's answers see it.
struct AppDesk<'a> {
    link: &'a BrowserLink,
    vault: &'a Arc<OpenVault>,
}

impl Desk for AppDesk<'_> {
    fn with_vault<R>(&self, work: impl FnOnce(&mut Vault) -> R) -> Option<R> {
        self.vault.with(|vault| Ok(work(vault))).ok()
    }

    fn pairing_offered(&self) {
        self.link.attend();
    }

    fn unlock(&self, patience: Duration) -> bool {
        self.link.attend();
        let until = Instant::now() + patience;
        // Polled only while a browser's request waits for the user.
        while !self.vault.is_open() {
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        true
    }

    fn ask(&self, question: &Question, patience: Duration) -> Consent {
        let (id, answer) = self.link.put_up(question);
        self.link.attend();
        let consent = answer.recv_timeout(patience).unwrap_or(Consent::NoAnswer);
        self.link.take_down(id);
        self.link.attend();
        consent
    }

    fn now(&self) -> u64 {
        twofold::otp::unix_now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twofold::vault::AccountId;

    #[test]
    fn an_answer_reaches_the_request_waiting_and_a_stale_one_is_ignored() {
        let link = BrowserLink::new();
        let account = AccountId::from("a1");
        let question = Question {
            site: "github.com".into(),
            origin: "https://github.com".into(),
            accounts: vec![twofold::vault::AccountSummary {
                id: account.clone(),
                issuer: "GitHub".into(),
                name: "alice".into(),
                otp: twofold::Otp::Totp {
                    algorithm: twofold::Algorithm::Sha1,
                    digits: twofold::Digits::SIX,
                    period: twofold::Period::THIRTY,
                },
                favorite: false,
            }],
            known: false,
        };
        let (id, answer) = link.put_up(&question);
        let shown = link.view().question.expect("the question is up");
        assert_eq!((shown.id, shown.site.as_str(), shown.accounts[0].issuer.as_str()), (id, "github.com", "GitHub"));
        assert!(link.answer_question(id, Some("nobody"), false).is_err(), "only an account offered");
        link.answer_question(id + 1, None, false).unwrap();
        assert!(link.view().question.is_some(), "another question's answer changes nothing");
        assert!(link.answer_question(id, Some("a1"), true).unwrap().question.is_none());
        assert_eq!(answer.recv().unwrap(), Consent::Always(account));
    }
}
