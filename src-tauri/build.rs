fn main() {
    // Declaring the app's commands makes each one a permission that a capability must grant explicitly.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "startup",
        "unlock_with_password",
        "create_vault",
        "list_accounts",
        "add_link",
        "copy_code",
        "delete_account",
        "restore_account",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build step");
}
