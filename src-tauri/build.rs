use std::process::Command;

#[path = "src/lookup_order.rs"]
mod lookup_order;

#[path = "src/contract.rs"]
mod contract;

#[path = "src/cli/args.rs"]
#[allow(dead_code)]
mod cli_args;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // WebKitGTK first among the program's libraries: the dynamic linker then reaches the libraries it depends on,
    // where most of its lookups end, sooner (the speech synthesiser's voice data, 31,000 of them, comes 62nd rather
    // than 87th), and the program starts about 10 ms sooner on a 2-core machine. Both are linked anyway.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-lib=dylib=webkit2gtk-4.1");
        println!("cargo:rustc-link-lib=dylib=javascriptcoregtk-4.1");
        link_lookup_order();
    }
    // Declaring the app's commands makes each one a permission that a capability must grant explicitly. The list
    // is the command contract's (`src/contract.rs`).
    macro_rules! names {
        ($($name:ident),* $(,)?) => {
            &[$(stringify!($name)),*]
        };
    }
    shell_assets()?;
    let commands: &[&str] = contract::with_commands!(names);
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))?;
    Ok(())
}

/// Writes the completions of bash, zsh, fish and PowerShell and the man pages (one a command) into `gen/shell/`,
/// from the command line's own definition, for the Linux packages to install.
fn shell_assets() -> std::io::Result<()> {
    use clap::CommandFactory;
    use clap_complete::Shell;
    println!("cargo:rerun-if-changed=src/cli/args.rs");
    let dir =
        std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").map_err(std::io::Error::other)?).join("gen/shell");
    std::fs::create_dir_all(dir.join("man"))?;
    let mut command = cli_args::Cli::command();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
        clap_complete::generate_to(shell, &mut command, "twofold", &dir)?;
    }
    clap_mangen::generate_to(command, dir.join("man"))?;
    // clap's own `help` subcommands get pages too: they say nothing the pages of the commands do not.
    for page in std::fs::read_dir(dir.join("man"))? {
        let page = page?.path();
        if page.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains("-help")) {
            std::fs::remove_file(page)?;
        }
    }
    Ok(())
}

/// Names the libraries of [`lookup_order::LOOKUP_ORDER`] among the program's own, after the ones it uses. Those it
/// uses keep their place; the others (the voice data, epoxy, libstdc++, SQLite, libyuv, ICU) then come about 20th
/// in the order the dynamic linker searches, instead of up to 90th (the voice data 19th instead of 62nd), and the
/// program reaches `main` about 10 ms sooner on a 2-core machine. They come after every library the program links
/// directly, so no symbol binds to a different library than before (checked by comparing the program's
/// `LD_DEBUG=bindings` with and without them: 72,600 bindings, none moved).
///
/// Only for a native build, and only the libraries, and versions, that this system's WebKitGTK loads (as `ldd`
/// lists them): a WebKitGTK without speech synthesis, say, or with another ICU, gets the others, or its own.
fn link_lookup_order() {
    if std::env::var("HOST").ok() != std::env::var("TARGET").ok() {
        return;
    }
    let Ok(output) = Command::new("pkg-config").args(["--variable=libdir", "webkit2gtk-4.1"]).output() else {
        return;
    };
    let libdir = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let Ok(output) = Command::new("ldd").arg(format!("{libdir}/libwebkit2gtk-4.1.so")).output() else {
        return;
    };
    let listing = String::from_utf8_lossy(&output.stdout);
    let loaded: Vec<&str> = listing.lines().filter_map(|line| line.split_whitespace().next()).collect();
    let found: Vec<&str> = lookup_order::LOOKUP_ORDER
        .iter()
        .filter_map(|stem| loaded.iter().copied().find(|name| lookup_order::is_library_file(name, stem)))
        .collect();
    if found.is_empty() {
        return;
    }
    // The linker would leave out libraries that no code of the program refers to.
    println!("cargo:rustc-link-arg-bins=-Wl,--push-state,--no-as-needed");
    for name in found {
        println!("cargo:rustc-link-arg-bins=-l:{name}");
    }
    println!("cargo:rustc-link-arg-bins=-Wl,--pop-state");
}
