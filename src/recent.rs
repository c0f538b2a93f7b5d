//! Which accounts' codes were copied lately, so that the quick-copy palette and `twofold code` put them first.
//!
//! Kept in `recent.json` beside the vault: account ids (random, naming nothing) and the time of their last copy,
//! never a name or a secret. It is a hint for ordering, not data: a file that cannot be read counts as empty and is
//! kept aside, and a failed write is reported but loses nothing the user made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::fs::{self, DiskError, Keep};

/// How many accounts are remembered: the most recently copied.
const KEPT: usize = 64;

/// The last copy of each account lately copied.
#[derive(Debug, Default)]
pub struct RecentUses {
    path: PathBuf,
    /// Account id → seconds since 1970.
    uses: BTreeMap<String, u64>,
}

impl RecentUses {
    /// Reads `path` (normally [`crate::paths::recent`]); a missing or unreadable file gives an empty list.
    pub fn load(path: &Path) -> Self {
        let uses = match fs::read_optional(path) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                let _ = fs::set_aside(path, ".unreadable");
                BTreeMap::new()
            }),
            Ok(None) | Err(_) => BTreeMap::new(),
        };
        RecentUses { path: path.to_path_buf(), uses }
    }

    /// When the code of account `id` was last copied, in seconds since 1970.
    pub fn last_used(&self, id: &str) -> Option<u64> {
        self.uses.get(id).copied()
    }

    /// Notes that the code of account `id` was copied at `now`, and saves the list.
    pub fn note(&mut self, id: &str, now: u64) -> Result<(), DiskError> {
        self.uses.insert(id.to_owned(), now);
        if self.uses.len() > KEPT {
            let mut times: Vec<u64> = self.uses.values().copied().collect();
            times.sort_unstable_by(|a, b| b.cmp(a));
            let oldest_kept = times[KEPT - 1];
            self.uses.retain(|_, &mut t| t >= oldest_kept);
        }
        fs::replace_json(&self.path, &self.uses, Keep::Nothing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_remembered_across_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("recent.json");
        let mut recent = RecentUses::load(&path);
        assert_eq!(recent.last_used("a"), None);
        recent.note("a", 100).unwrap();
        recent.note("b", 200).unwrap();
        recent.note("a", 300).unwrap();
        let again = RecentUses::load(&path);
        assert_eq!((again.last_used("a"), again.last_used("b")), (Some(300), Some(200)));
    }

    #[test]
    fn only_the_most_recent_copies_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut recent = RecentUses::load(&dir.path().join("recent.json"));
        for n in 0..100u64 {
            recent.note(&format!("id{n}"), 1000 + n).unwrap();
        }
        assert_eq!(recent.uses.len(), KEPT);
        assert_eq!(recent.last_used("id35"), None);
        assert_eq!(recent.last_used("id36"), Some(1036));
    }

    #[test]
    fn an_unreadable_file_counts_as_empty_and_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("recent.json");
        std::fs::write(&path, b"{not json").unwrap();
        let mut recent = RecentUses::load(&path);
        assert_eq!(recent.last_used("a"), None);
        assert_eq!(std::fs::read(dir.path().join("recent.json.unreadable")).unwrap(), b"{not json");
        recent.note("a", 1).unwrap();
        assert_eq!(RecentUses::load(&path).last_used("a"), Some(1));
    }
}
