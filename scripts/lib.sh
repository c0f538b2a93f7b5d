# Shared helpers for the set-up, run and test scripts. Source it; do not run it.

# Print a step header so long runs show where they are, and note when the step began for `step_times`.
STEP_NAMES=()
STEP_STARTS=()
step() {
  printf '\n==> %s\n' "$*"
  STEP_NAMES+=("$*")
  STEP_STARTS+=("$SECONDS")
}

# Print how long each step took, and the whole run (bash's SECONDS counts from the script's start).
step_times() {
  local i end
  printf '\nTime per step:\n'
  for i in "${!STEP_NAMES[@]}"; do
    end=${STEP_STARTS[$((i + 1))]:-$SECONDS}
    printf '  %4d s  %s\n' "$((end - STEP_STARTS[i]))" "${STEP_NAMES[$i]}"
  done
  printf '  %4d s  in all (%d min %d s)\n' "$SECONDS" "$((SECONDS / 60))" "$((SECONDS % 60))"
}

# Run as root directly, otherwise through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Install the named Debian/Ubuntu packages that are not installed yet, and nothing else.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Twofold needs these packages, and this system has no apt-get: ${missing[*]}" >&2
    echo "Install their equivalents with your package manager, then run this command again." >&2
    return 1
  fi
  step "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Make sure a Rust toolchain is on PATH; install rustup's stable toolchain when there is none.
ensure_rust() {
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
  if command -v cargo >/dev/null 2>&1; then return 0; fi
  step "Installing the Rust toolchain with rustup"
  ensure_packages curl ca-certificates build-essential
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
  . "$HOME/.cargo/env"
}

# What building and running the desktop app needs on Debian/Ubuntu.
# libclang: the camera (nokhwa, V4L) and screen capture (xcap, PipeWire) bindings are generated at build time.
# libayatana-appindicator3-dev: the tray icon's library, which the app loads only when the user chooses the tray;
# the installer build finds it through pkg-config, to make the .deb depend on it and the AppImage carry it.
BUILD_PACKAGES=(build-essential pkg-config libwebkit2gtk-4.1-dev libclang1-14 libclang-common-14-dev
  libpipewire-0.3-dev libxcb1-dev libxcb-randr0-dev libegl-dev libgbm-dev libayatana-appindicator3-dev)

# What the test suite needs on top: a virtual display, a window manager (Openbox) and window tools; the
# independent OTP oracle; Python's cryptography package for the independent reader of exported Aegis files; a real
# Secret Service (GNOME Keyring) in a private D-Bus session; WebKitGTK's WebDriver for the end-to-end tests; gdbus,
# which reads the tray icon's menu as a desktop's tray does; the desktop portal service, which asks a (stand-in)
# Wayland desktop for the palette's shortcut; Node.js, which runs the browser extension's own code against the
# app's; and the browsers the extension is tested in, Chromium with its WebDriver and Firefox ESR (geckodriver,
# its WebDriver, is a crate: see ensure_geckodriver).
TEST_PACKAGES=(xvfb xauth x11-utils openbox wmctrl xclip xdotool imagemagick oathtool python3 python3-venv
  python3-cryptography dbus-daemon dbus-bin gnome-keyring webkit2gtk-driver desktop-file-utils libglib2.0-bin
  xdg-desktop-portal nodejs chromium chromium-driver firefox-esr)

# The WebDriver server that starts the app for the end-to-end tests (it drives WebKitWebDriver).
TAURI_DRIVER_VERSION=2.1.0

# Install tauri-driver with cargo when it is missing or another version.
ensure_tauri_driver() {
  if command -v tauri-driver >/dev/null 2>&1 \
     && cargo install --list | grep -qx "tauri-driver v$TAURI_DRIVER_VERSION:"; then
    return 0
  fi
  step "Installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
}

# Firefox's WebDriver server, for the browser extension's tests.
GECKODRIVER_VERSION=0.37.1

ensure_geckodriver() {
  if command -v geckodriver >/dev/null 2>&1 \
     && cargo install --list | grep -qx "geckodriver v$GECKODRIVER_VERSION:"; then
    return 0
  fi
  step "Installing geckodriver $GECKODRIVER_VERSION"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --quiet
}

# Mozilla's linter for the browser extension, from npm, kept under target/ (not installed for the whole system).
WEB_EXT_VERSION=10.8.0
WEB_EXT=target/tools/web-ext/node_modules/.bin/web-ext

ensure_web_ext() {
  if [ -x "$WEB_EXT" ] && [ "$("$WEB_EXT" --version 2>/dev/null)" = "$WEB_EXT_VERSION" ]; then
    return 0
  fi
  step "Installing web-ext $WEB_EXT_VERSION (npm)"
  mkdir -p target/tools/web-ext
  npm install --prefix target/tools/web-ext --no-audit --no-fund --silent "web-ext@$WEB_EXT_VERSION"
}

# The fuzzing tools: a nightly toolchain beside the default stable one, and cargo-fuzz at a known version.
CARGO_FUZZ_VERSION=0.13.2

ensure_fuzz_tools() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    step "Installing a nightly Rust toolchain for fuzzing (stable stays the default)"
    rustup toolchain install nightly --profile minimal
  fi
  if ! cargo install --list | grep -qx "cargo-fuzz v$CARGO_FUZZ_VERSION:"; then
    step "Installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
  fi
}

# Make sure cargo's lint and format tools are installed (rustup toolchains may lack them).
ensure_rust_components() {
  if ! cargo clippy --version >/dev/null 2>&1 || ! cargo fmt --version >/dev/null 2>&1; then
    step "Adding clippy and rustfmt to the Rust toolchain"
    rustup component add clippy rustfmt
  fi
}

# The checkers of the GitHub workflows, from PyPI, in a virtual environment under target/.
WORKFLOW_TOOLS=(check-jsonschema==0.39.0 zizmor==1.32.0)
WORKFLOW_TOOLS_DIR=target/workflow-tools

ensure_workflow_tools() {
  local wanted="${WORKFLOW_TOOLS[*]}"
  if [ -f "$WORKFLOW_TOOLS_DIR/installed" ] && [ "$(cat "$WORKFLOW_TOOLS_DIR/installed")" = "$wanted" ]; then
    return 0
  fi
  step "Installing the workflow checkers: $wanted"
  rm -rf "$WORKFLOW_TOOLS_DIR"
  python3 -m venv "$WORKFLOW_TOOLS_DIR"
  "$WORKFLOW_TOOLS_DIR/bin/pip" install --quiet --disable-pip-version-check "${WORKFLOW_TOOLS[@]}"
  echo "$wanted" >"$WORKFLOW_TOOLS_DIR/installed"
}

# Validates the workflows against GitHub's schema and audits them with zizmor; a high-severity finding fails.
check_workflows() {
  ensure_workflow_tools
  "$WORKFLOW_TOOLS_DIR/bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
  "$WORKFLOW_TOOLS_DIR/bin/zizmor" --offline --no-progress --min-severity high .github/workflows
  # Releases are built by the same exact tauri-cli as the local installers.
  if ! grep -q "@tauri-apps/cli@$TAURI_CLI_VERSION\b" .github/workflows/release.yml; then
    echo "The release workflow must install @tauri-apps/cli@$TAURI_CLI_VERSION, as scripts/lib.sh does." >&2
    return 1
  fi
}

# The Tauri command line, which builds the installers and the icons: the program prebuilt for this system from the
# npm registry (a few seconds), or, without npm, built from crates.io with cargo (about 8 minutes on two cores).
TAURI_CLI_VERSION=2.12.4
TAURI_CLI_DIR=target/tauri-cli

ensure_tauri_cli() {
  if [ "$(tauri_cli --version 2>/dev/null)" = "tauri-cli $TAURI_CLI_VERSION" ]; then return 0; fi
  if command -v npm >/dev/null 2>&1; then
    step "Installing tauri-cli $TAURI_CLI_VERSION, prebuilt, from the npm registry"
    npm install --prefix "$TAURI_CLI_DIR" --no-save --no-audit --no-fund --loglevel=error \
      "@tauri-apps/cli@$TAURI_CLI_VERSION"
  else
    step "Installing tauri-cli $TAURI_CLI_VERSION with cargo (about 8 minutes on two cores; npm would take seconds)"
    cargo install tauri-cli --version "$TAURI_CLI_VERSION" --locked --quiet
  fi
}

# Runs the Tauri command line that ensure_tauri_cli installed.
tauri_cli() {
  if [ -x "$TAURI_CLI_DIR/node_modules/.bin/tauri" ]; then
    "$TAURI_CLI_DIR/node_modules/.bin/tauri" "$@"
  else
    cargo tauri "$@"
  fi
}

# The Windows target, for type-checking the Windows-only code here (no linking: that needs Windows' own tools).
WINDOWS_TARGET=x86_64-pc-windows-msvc

ensure_windows_target() {
  if rustup target list --installed | grep -qx "$WINDOWS_TARGET"; then return 0; fi
  step "Adding the $WINDOWS_TARGET target to the Rust toolchain"
  rustup target add "$WINDOWS_TARGET"
}
