#!/usr/bin/env bash
# Regenerates every icon the installers need from the one source, icons/twofold.svg, with `tauri icon`
# (tauri-cli, installed here if missing). Only the desktop sizes are kept: the PNGs, Windows' .ico and the
# Store logos, macOS's .icns. The Android and iOS sets it also makes are not used.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_rust
ensure_tauri_cli

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tauri_cli icon icons/twofold.svg --output "$scratch"
find "$scratch" -maxdepth 1 -type f \( -name '*.png' -o -name '*.ico' -o -name '*.icns' \) -exec cp {} icons/ \;
ls icons
