//! The command contract: every command the web UI may invoke, listed once.
//!
//! `with_commands!` hands the list to a macro, which turns it into what each place needs: the invoke handler
//! (`commands.rs`), the permission of each command (`build.rs`, so a capability must grant each one by name) and
//! the list the tests compare with the capability file, `ui/api.js` and the leak test. A command added here and
//! in `commands.rs` only makes the test below fail until it is granted, called from `api.js` and checked for leaks.

/// Calls the macro `$then` with the name of every command, in the order the UI's `api.js` lists them.
macro_rules! with_commands {
    ($then:ident) => {
        $then! {
            startup,
            unlock_with_password,
            create_vault,
            list_accounts,
            copy_code,
            find_accounts,
            quick_copy,
            palette_unlock,
            close_palette,
            watch_palette,
            delete_account,
            restore_account,
            list_trash,
            restore_from_trash,
            delete_for_good,
            rename_account,
            account_websites,
            set_websites,
            set_favorite,
            move_account,
            next_code,
            reveal_secret,
            account_qr,
            list_cameras,
            start_camera,
            stop_camera,
            watch_drops,
            scan_image,
            scan_screen,
            scan_clipboard,
            scan_link,
            import_file,
            unlock_export,
            add_manual,
            pending_accounts,
            confirm_pending,
            discard_pending,
            get_settings,
            save_settings,
            set_shortcut,
            set_password,
            set_app_lock,
            lock_now,
            note_use,
            watch_lock,
            watch_accounts,
            browser_requests,
            decide_pairing,
            answer_site_question,
            watch_browser,
            browser_integration,
            connect_browser,
            repair_browsers,
            unpair_browser,
            set_backups,
            back_up_now,
            verify_backups,
            watch_backups,
            choose_folder,
            choose_save_file,
            export_file,
            export_codes,
            report_timing,
        }
    };
}

pub(crate) use with_commands;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    macro_rules! names {
        ($($name:ident),* $(,)?) => {
            &[$(stringify!($name)),*]
        };
    }

    /// The contract's list.
    const COMMANDS: &[&str] = super::with_commands!(names);

    fn read(path: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The functions marked `#[tauri::command]` in `commands.rs`.
    fn defined() -> BTreeSet<String> {
        let source = read("src/commands.rs");
        let mut lines = source.lines();
        let mut names = BTreeSet::new();
        while let Some(line) = lines.next() {
            if line.trim() == "#[tauri::command]" {
                let signature = lines.next().unwrap_or_default();
                let name = signature.split("fn ").nth(1).and_then(|rest| rest.split(['(', '<']).next());
                names.insert(name.unwrap_or_else(|| panic!("no function after #[tauri::command]")).to_owned());
            }
        }
        names
    }

    /// The commands a capability file lets its window call (`allow-copy-code` grants `copy_code`).
    fn granted_by(file: &str) -> BTreeSet<String> {
        let capability: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
        let permissions = capability["permissions"].as_array().expect("a list of permissions");
        permissions
            .iter()
            .map(|p| {
                let p = p.as_str().expect("permissions by name only");
                p.strip_prefix("allow-")
                    .unwrap_or_else(|| panic!("{p} is not a command's permission"))
                    .replace('-', "_")
            })
            .collect()
    }

    /// The commands the main window and the palette may call, together.
    fn granted() -> BTreeSet<String> {
        let mut granted = granted_by("capabilities/main.json");
        granted.extend(granted_by("capabilities/palette.json"));
        granted
    }

    /// The commands `ui/api.js` invokes.
    fn invoked() -> BTreeSet<String> {
        read("../ui/api.js")
            .split("invoke(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(String::from)
            .collect()
    }

    /// The commands the leak test drives, and those it leaves out with a reason.
    fn leak_checked() -> BTreeSet<String> {
        let driven = crate::leak_tests::DRIVEN.iter().copied();
        driven.chain(crate::leak_tests::NOT_DRIVEN.iter().map(|(name, _)| *name)).map(String::from).collect()
    }

    #[test]
    fn every_command_is_declared_granted_called_and_checked_for_leaks() {
        let contract: BTreeSet<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
        assert_eq!(contract.len(), COMMANDS.len(), "a command is listed twice in the contract");
        let places = [
            ("`commands.rs` defines", defined()),
            ("the capabilities grant", granted()),
            ("`ui/api.js` invokes", invoked()),
            ("the leak test lists", leak_checked()),
        ];
        let mut problems = Vec::new();
        for (place, names) in &places {
            for missing in contract.difference(names) {
                problems.push(format!("{place} no `{missing}`, which the contract lists"));
            }
            for extra in names.difference(&contract) {
                problems.push(format!("{place} `{extra}`, which the contract (contract.rs) does not list"));
            }
        }
        assert!(problems.is_empty(), "the command contract is broken:\n{}", problems.join("\n"));
    }

    #[test]
    fn the_palette_may_call_only_what_it_needs_and_the_window_none_of_that() {
        let palette = granted_by("capabilities/palette.json");
        let wanted = ["find_accounts", "quick_copy", "palette_unlock", "close_palette", "watch_palette"];
        assert_eq!(palette, wanted.iter().map(|c| c.to_string()).collect());
        let main = granted_by("capabilities/main.json");
        assert!(main.is_disjoint(&palette), "the main window is granted palette commands");
    }

    #[test]
    fn a_closed_set_from_the_page_with_an_unknown_value_is_refused_with_the_values_it_takes() {
        let typo = serde_json::from_str::<twofold::vault::OnNameConflict>("\"keepboth\"").unwrap_err().to_string();
        assert!(typo.contains("unknown variant `keepboth`, expected one of `ask`, `replace`, `keepBoth`"), "{typo}");
        let kind = serde_json::from_str::<twofold::otp::Kind>("\"TOTP\"").unwrap_err().to_string();
        assert!(kind.contains("expected one of `totp`, `hotp`, `steam`"), "{kind}");
        let theme = serde_json::from_str::<twofold::settings::Theme>("\"night\"").unwrap_err().to_string();
        assert!(theme.contains("expected one of `system`, `light`, `dark`"), "{theme}");
    }
}
