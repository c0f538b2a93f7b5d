#!/usr/bin/env bash
# Starts the built app under Xvfb in a private keyring session and saves screenshots of its screens to
# docs/screenshots/: the welcome, the account list, and the keychain-unavailable screen.
# Run: bash scripts/with-keyring.sh bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
cargo build --locked -p twofold-app >/dev/null && cargo build --locked -p twofold --example demo_vault >/dev/null
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT

Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
export DISPLAY=:97 WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1
sleep 1

shoot() { # name, data dir, extra env...
  local name=$1 dir=$2; shift 2
  env TWOFOLD_DATA_DIR="$dir" "$@" ./target/debug/twofold-app >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do xwininfo -root -tree | grep -q '"Twofold"' && break; sleep 0.2; done
  sleep 3
  import -window root -crop 420x640+0+0 +repage "$out/$name.png"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "saved $out/$name.png"
}

shoot welcome "$scratch/empty"
./target/debug/examples/demo_vault "$scratch/demo" 8 "demo recovery password" >/dev/null
shoot accounts "$scratch/demo"
shoot keychain-unavailable "$scratch/demo" DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus
