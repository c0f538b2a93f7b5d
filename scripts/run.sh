#!/usr/bin/env bash
# Installs what building Twofold needs (only what is missing), builds it and starts it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages "${BUILD_PACKAGES[@]}"
ensure_rust

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "There is no graphical display here (DISPLAY and WAYLAND_DISPLAY are unset), so Twofold's window cannot open." >&2
  echo "Run this command from a desktop session, or under a virtual display: xvfb-run -a bash scripts/run.sh" >&2
  exit 1
fi

step "Building and starting Twofold"
exec cargo run --release --locked -p twofold-app
