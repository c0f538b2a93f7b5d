//! Text files of links, one a line: `otpauth://` links (Google's Key URI format,
//! <https://github.com/google/google-authenticator/wiki/Key-Uri-Format>), as many apps export them, Google
//! Authenticator's `otpauth-migration://` export links, and Ente Auth's plain export, whose links carry a
//! `codeDisplay` parameter (JSON: `pinned`, `trashed`, `tags`, `note`; see ente-io/ente, `auth/lib/models/code.dart`).
//!
//! What the conversion loses: every parameter the link format has is kept; of Ente's `codeDisplay`, the pinned
//! mark, the tags and the note are kept, and its use counts, position and icon are not. An entry in Ente's trash is
//! listed as skipped.

use serde_json::Value;

use super::entry::{Entry, Reason, Skipped};
use super::{File, Format, ImportError, Importer, Parsed, Protection};
use crate::migration::{self, MigrationError};

/// Link lists and Ente Auth's plain export.
pub(crate) struct Links;

/// The lines that hold something: no blank lines, no `#` comments.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn is_link(line: &str) -> bool {
    let lower = line.get(..21).unwrap_or(line).to_ascii_lowercase();
    lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://")
}

/// Whether the links are Ente Auth's: they carry its `codeDisplay` parameter.
pub(crate) fn is_ente(text: &str) -> bool {
    lines(text).any(|line| line.contains("codeDisplay="))
}

impl Importer for Links {
    fn format(&self) -> Format {
        Format::OtpauthList
    }

    fn recognise(&self, file: &File<'_>) -> Option<Protection> {
        let text = file.text?;
        let mut lines = lines(text);
        lines.next().filter(|first| is_link(first))?;
        Some(Protection::Plain)
    }

    fn read(&self, file: &File<'_>, _password: Option<&str>) -> Result<Parsed, ImportError> {
        Ok(read_text(file.text.unwrap_or("")))
    }
}

/// Reads the links of `text`: every line is an account, part of an export, or a reason in the skipped list.
pub(crate) fn read_text(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (number, line) in lines(text).enumerate() {
        if line.to_ascii_lowercase().starts_with("otpauth-migration://") {
            add_export(&mut parsed, line, number + 1);
            continue;
        }
        let display = ente_display(line);
        let account = match crate::uri::parse(line) {
            Ok(account) => account,
            Err(error) => {
                let (issuer, name) = label_of(line).unwrap_or_else(|| (String::new(), format!("Line {}", number + 1)));
                parsed.skipped.push(Skipped::new(&issuer, &name, Reason::from(error)));
                continue;
            }
        };
        if display.as_ref().is_some_and(|d| d.get("trashed").and_then(Value::as_bool) == Some(true)) {
            parsed.skipped.push(Skipped::new(&account.issuer, &account.name, Reason::Trashed("Ente Auth")));
            continue;
        }
        let mut entry = Entry::new(account);
        if let Some(display) = display {
            entry.favorite = display.get("pinned").and_then(Value::as_bool).unwrap_or(false);
            let tags = display.get("tags").and_then(Value::as_array).into_iter().flatten();
            entry.groups = tags.filter_map(Value::as_str).map(str::to_owned).collect();
            entry.note = display.get("note").and_then(Value::as_str).filter(|n| !n.is_empty()).map(str::to_owned);
        }
        parsed.entries.push(entry);
    }
    parsed
}

/// Ente's `codeDisplay` parameter of a link, as JSON.
fn ente_display(line: &str) -> Option<Value> {
    serde_json::from_str(&crate::uri::parameter(line, "codeDisplay")?).ok()
}

/// The issuer and name in a link's label, for naming a link that cannot be read.
fn label_of(line: &str) -> Option<(String, String)> {
    let (_, rest) = line.split_once("://")?;
    let label = rest.split(['?', '#']).next()?.split_once('/')?.1;
    let label = percent_encoding::percent_decode_str(label).decode_utf8().ok()?;
    let (issuer, name) = crate::account::Account::split_label(&label, None);
    (!issuer.is_empty() || !name.is_empty()).then_some((issuer, name))
}

/// Adds the accounts of one Google Authenticator export link.
fn add_export(parsed: &mut Parsed, line: &str, number: usize) {
    match migration::decode(line) {
        Ok(part) => {
            parsed.entries.extend(part.accounts.into_iter().map(Entry::new));
            parsed.skipped.extend(part.left_out.into_iter().map(skipped_from_export));
        }
        Err(error) => {
            let name = format!("The Google Authenticator export on line {number}");
            parsed.skipped.push(Skipped { name, reason: Reason::Export(error) });
        }
    }
}

/// An account that a Google export holds but Twofold cannot use.
pub(crate) fn skipped_from_export(error: MigrationError) -> Skipped {
    match error {
        MigrationError::UnsupportedAlgorithm(name) => Skipped { name, reason: Reason::Algorithm("MD5".into()) },
        MigrationError::UnknownKind(name) => Skipped { name, reason: Reason::Kind("unknown".into()) },
        MigrationError::EmptySecret(name) => Skipped { name, reason: Reason::Missing("secret key") },
        other => Skipped { name: "An account of a Google Authenticator export".into(), reason: Reason::Export(other) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_and_comments_are_passed_over_and_a_broken_link_is_named_by_its_label() {
        let text = "# exported by hand\n\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\r\n\
                    otpauth://totp/Broken%20Co:bob?secret=!!!\nnot a link at all\n";
        let parsed = read_text(text);
        assert_eq!(parsed.entries.len(), 1);
        let reasons: Vec<String> = parsed.skipped.iter().map(ToString::to_string).collect();
        assert!(
            reasons[0].starts_with("Broken Co (bob) cannot be added. Its secret key cannot be read."),
            "{reasons:?}"
        );
        assert!(
            reasons[1].starts_with("Line 3 cannot be added. This text is not an authenticator link."),
            "{reasons:?}"
        );
    }

    #[test]
    fn entes_pinned_mark_tags_and_note_are_kept_and_its_trash_is_skipped() {
        let display =
            |json: &str| percent_encoding::utf8_percent_encode(json, percent_encoding::NON_ALPHANUMERIC).to_string();
        let kept = display(r#"{"pinned":true,"trashed":false,"tags":["work","bank"],"note":"the old phone"}"#);
        let trashed = display(r#"{"pinned":false,"trashed":true,"tags":[]}"#);
        let text = format!(
            "otpauth://totp/Bank:me?secret=JBSWY3DPEHPK3PXP&codeDisplay={kept}\n\
             otpauth://totp/Gone:me?secret=GEZDGNBVGY3TQOJQ&codeDisplay={trashed}\n"
        );
        assert!(is_ente(&text));
        let parsed = read_text(&text);
        let entry = &parsed.entries[0];
        assert!(entry.favorite);
        assert_eq!(entry.groups, ["work", "bank"]);
        assert_eq!(entry.note.as_deref(), Some("the old phone"));
        assert_eq!(
            parsed.skipped[0].to_string(),
            "Gone (me) cannot be added. It is in Ente Auth's trash; restore it there first if you still need it."
        );
    }
}
