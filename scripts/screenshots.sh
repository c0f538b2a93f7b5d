#!/usr/bin/env bash
# Starts the built app under Xvfb in a private keyring session and saves screenshots of its screens to
# docs/screenshots/: the welcome, the account list, the camera tab with the replay camera showing a QR code,
# the confirmation card, settings, the quick-copy palette, and the keychain-unavailable screen. Keys are sent with
# xdotool, as a user would press them.
# Run: bash scripts/with-keyring.sh bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
cargo build --locked -p twofold-app >/dev/null
cargo build --locked -p twofold --example demo_vault --example qr_frames >/dev/null
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT

Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
export DISPLAY=:97 NO_AT_BRIDGE=1
sleep 1

# The replay camera's pictures: the first code of a two-code export (the camera stays open, showing progress),
# and a single account.
./target/debug/examples/qr_frames "$scratch/export" --export 4 2 >/dev/null
mkdir -p "$scratch/part-one" && cp "$scratch/export/frame-1.png" "$scratch/part-one/"
./target/debug/examples/qr_frames "$scratch/single" \
  'otpauth://totp/Video%20API%20Console:dev@example.com?secret=MFRGGZDFMZTWQ2LK&issuer=Video%20API%20Console' >/dev/null

snap() { # name
  import -window root -crop 420x640+0+0 +repage "$out/$1.png"
  echo "saved $out/$1.png"
}

# run DATA_DIR REPLAY STEPS...: starts the app, then runs each step: a key, "sleep:N" or "snap:NAME".
run() {
  local dir=$1 replay=$2; shift 2
  env TWOFOLD_DATA_DIR="$dir" TWOFOLD_REPLAY_CAMERA="$replay" ./target/debug/twofold >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do xwininfo -root -tree | grep -q '"Twofold"' && break; sleep 0.2; done
  sleep 3
  for step in "$@"; do
    case $step in
      sleep:*) sleep "${step#sleep:}" ;;
      snap:*) snap "${step#snap:}" ;;
      palette) TWOFOLD_DATA_DIR="$dir" ./target/debug/twofold --palette ;;
      snap-palette:*) # the palette's own window
        import -window "$(xdotool search --onlyvisible --name '^Twofold quick copy$' | head -n 1)" "$out/${step#snap-palette:}.png"
        echo "saved $out/${step#snap-palette:}.png" ;;
      *) xdotool key "$step" ;;
    esac
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run "$scratch/empty" "$scratch/single" snap:welcome
./target/debug/examples/demo_vault "$scratch/demo" 8 "demo recovery password" >/dev/null
run "$scratch/demo" "$scratch/part-one@25" snap:accounts ctrl+n sleep:3 snap:camera
run "$scratch/demo" "$scratch/single@25" ctrl+n sleep:3 snap:confirm Escape ctrl+comma sleep:1 snap:settings
# The quick-copy palette, as it opens: every account, favourites and the last copied first.
run "$scratch/demo" "$scratch/single" sleep:1 palette sleep:2 snap-palette:palette Escape
# No session bus: the keychain is out of reach, so the locked screen offers the recovery password.
DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus run "$scratch/demo" "$scratch/single" snap:keychain-unavailable
