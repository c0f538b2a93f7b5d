//! The vault as the command line opens it when no app runs, and the files and passwords it reads.

use std::io::BufRead;
use std::path::Path;

use twofold::import::{self, ImportError};
use twofold::vault::{KdfParams, OsKeychain, Unlock, Vault, VaultError, VaultStatus};
use zeroize::Zeroizing;

use super::args::VaultArgs;
use super::error::CliError;

/// A password from a file (its first line) or from standard input; `None` when neither is asked for.
pub fn password(file: Option<&Path>, stdin: bool) -> Result<Option<Zeroizing<String>>, CliError> {
    let mut line = Zeroizing::new(String::new());
    if let Some(path) = file {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| read_error(path, &e))?);
        line.push_str(text.lines().next().unwrap_or(""));
    } else if stdin {
        std::io::stdin().lock().read_line(&mut line).map_err(|e| read_error(Path::new("standard input"), &e))?;
        let kept = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(kept);
    } else {
        return Ok(None);
    }
    Ok(Some(line))
}

pub fn read_error(path: &Path, error: &std::io::Error) -> CliError {
    CliError::Read { path: path.to_path_buf(), reason: error.to_string() }
}

/// Opens the vault as the app does: through the keychain, else with the recovery password given. With `create`, a
/// missing vault is created as the welcome screen creates it (its key in the keychain).
pub fn open_vault(args: &VaultArgs, create: bool) -> Result<Vault, CliError> {
    let dir = twofold::paths::data_dir().ok_or(CliError::NoDataDir)?;
    let path = twofold::paths::vault(&dir);
    let recovery = password(args.vault_password_file.as_deref(), false)?;
    let keychain = match Vault::status(&path)? {
        VaultStatus::Missing if create => {
            return match Vault::create(&path, Some(&OsKeychain), None) {
                Err(VaultError::Keychain(_)) if recovery.is_some() => {
                    let password = recovery.as_deref().map(|p| (p.as_str(), KdfParams::default()));
                    Ok(Vault::create(&path, None, password)?)
                }
                other => Ok(other?),
            };
        }
        VaultStatus::Missing => return Err(CliError::NoVault(path)),
        VaultStatus::Present { keychain, .. } => keychain,
    };
    let refused = match keychain.then(|| Vault::open(&path, Unlock::Keychain(&OsKeychain))) {
        Some(Ok(vault)) => return Ok(vault),
        Some(Err(VaultError::InUse)) => return Err(CliError::InUse),
        Some(Err(error)) => error.to_string(),
        None => "This vault is not linked to the keychain.".to_owned(),
    };
    let recovery = recovery.ok_or(CliError::NeedsRecoveryPassword(refused))?;
    Ok(Vault::open(&path, Unlock::Password(&recovery))?)
}

pub fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let size = std::fs::metadata(path).map_err(|e| read_error(path, &e))?.len();
    if size > import::MAX_BYTES as u64 {
        return Err(
            ImportError::TooLarge { megabytes: usize::try_from(size.div_ceil(1 << 20)).unwrap_or(usize::MAX) }.into()
        );
    }
    std::fs::read(path).map_err(|e| read_error(path, &e))
}
