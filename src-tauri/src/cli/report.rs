//! What adding accounts did, as the command line reports it.

use serde::Serialize;

/// The names of the accounts added, already there, and left out for a name conflict.
#[derive(Serialize, Default)]
pub struct Added {
    pub added: Vec<String>,
    pub duplicates: Vec<String>,
    pub conflicts: Vec<String>,
}

/// What adding accounts did, in sentences.
pub fn print_added(added: &Added) {
    let count = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    println!("{} to Twofold.", count(added.added.len(), "account was added", "accounts were added"));
    if !added.duplicates.is_empty() {
        println!(
            "{} already in Twofold: {}.",
            count(added.duplicates.len(), "was", "were"),
            added.duplicates.join(", ")
        );
    }
    if !added.conflicts.is_empty() {
        println!(
            "Not added, because an account with the same name is already in Twofold: {}. Run the command again with --keep-both to add them beside it, or use the app to replace it.",
            added.conflicts.join(", ")
        );
    }
}
