fn main() {
    // Declaring the app's commands makes each one a permission that a capability must grant explicitly.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "startup",
        "unlock_with_password",
        "create_vault",
        "list_accounts",
        "copy_code",
        "delete_account",
        "restore_account",
        "rename_account",
        "set_favorite",
        "move_account",
        "next_code",
        "reveal_secret",
        "account_qr",
        "list_cameras",
        "start_camera",
        "stop_camera",
        "scan_image",
        "scan_screen",
        "scan_clipboard",
        "scan_link",
        "add_manual",
        "pending_accounts",
        "confirm_pending",
        "discard_pending",
        "get_settings",
        "save_settings",
        "set_password",
        "report_timing",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build step");
}
