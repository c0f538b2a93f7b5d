fn main() {
    // WebKitGTK first among the program's libraries: the dynamic linker then reaches the libraries it depends on,
    // where most of its 70,000 start-up lookups end, sooner (the speech synthesiser's voice data comes 62nd rather
    // than 87th), and the program starts about 10 ms sooner on a 2-core machine. Both are linked anyway.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-lib=dylib=webkit2gtk-4.1");
        println!("cargo:rustc-link-lib=dylib=javascriptcoregtk-4.1");
    }
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
