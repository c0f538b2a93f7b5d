//! The settings' "Browser integration": for each browser this user has, whether it can start Twofold's host (the
//! host manifest the core writes where that browser reads it), turned on or off one by one and repaired when
//! Twofold moved; and the browsers paired with Twofold, each of which can be unpaired.

use std::path::{Path, PathBuf};

use serde::Serialize;
use twofold::browser::hosts::{Browser, Connection};

use crate::error::AppError;
use crate::open_vault::OpenVault;

/// What the settings show.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationView {
    /// Every browser Twofold knows, found or not.
    pub browsers: Vec<BrowserRow>,
    /// The paired browsers, oldest first; empty while Twofold is locked.
    pub pairings: Vec<PairedRow>,
}

/// One browser.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserRow {
    /// Its id (`chromium`).
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Whether this user has it.
    pub found: bool,
    /// Whether it can start Twofold.
    pub connection: Connection,
}

/// One paired browser.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PairedRow {
    /// The pairing's id.
    pub id: String,
    /// The browser, as the extension named it.
    pub browser: String,
    /// When, in seconds since 1970.
    pub paired_at: u64,
}

/// Where the host manifests go, and the program they start.
pub struct BrowserSetup {
    home: Option<PathBuf>,
    program: Option<PathBuf>,
}

impl BrowserSetup {
    /// For this user and this program.
    pub fn for_user() -> BrowserSetup {
        BrowserSetup { home: dirs::home_dir(), program: std::env::current_exe().ok() }
    }

    fn places(&self) -> Result<(&Path, &Path), AppError> {
        match (&self.home, &self.program) {
            (Some(home), Some(program)) => Ok((home, program)),
            _ => Err(AppError::BrowserSetup("Twofold cannot find your home folder or its own program.".into())),
        }
    }

    /// What the settings show.
    pub fn view(&self, vault: &OpenVault) -> IntegrationView {
        let browsers = Browser::ALL
            .into_iter()
            .map(|browser| {
                let (found, connection) = match self.places() {
                    Ok((home, program)) => (browser.is_present(home), browser.connection(home, program)),
                    Err(_) => (false, Connection::Off),
                };
                BrowserRow { id: browser.id(), name: browser.name(), found, connection }
            })
            .collect();
        let pairings = vault
            .with(|vault| Ok(vault.pairings()))
            .unwrap_or_default()
            .into_iter()
            .map(|p| PairedRow { id: p.id, browser: p.browser, paired_at: p.paired_at })
            .collect();
        IntegrationView { browsers, pairings }
    }

    /// Lets a browser start Twofold, or stops it.
    pub fn connect(&self, vault: &OpenVault, browser: &str, on: bool) -> Result<IntegrationView, AppError> {
        let browser = Browser::from_id(browser)
            .ok_or_else(|| AppError::BrowserSetup(format!("{browser} is not a browser Twofold knows.")))?;
        let (home, program) = self.places()?;
        let done = if on { browser.install(home, program).map(drop) } else { browser.uninstall(home) };
        done.map_err(|e| AppError::BrowserSetup(e.to_string()))?;
        Ok(self.view(vault))
    }

    /// Points every browser turned on at this program again.
    pub fn repair(&self, vault: &OpenVault) -> Result<IntegrationView, AppError> {
        let (home, program) = self.places()?;
        for browser in Browser::ALL {
            if browser.connection(home, program) != Connection::Off {
                browser.install(home, program).map_err(|e| AppError::BrowserSetup(e.to_string()))?;
            }
        }
        Ok(self.view(vault))
    }

    /// Unpairs a browser: its key leaves the vault.
    pub fn unpair(&self, vault: &OpenVault, pairing: &str) -> Result<IntegrationView, AppError> {
        vault.with(|v| v.remove_pairing(pairing).map_err(AppError::from))?;
        Ok(self.view(vault))
    }
}
