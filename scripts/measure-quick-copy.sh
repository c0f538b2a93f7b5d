#!/usr/bin/env bash
# Measures the quick ways to a code with the release app under Xvfb and a real keyring, and prints a table (each
# figure the median of 10, in milliseconds):
#   shortcut -> palette shown: from xdotool pressing Ctrl+Shift+Space to the palette's window being mapped;
#   Enter -> clipboard: from pressing Enter in the palette (a query typed) to xclip reading the code;
#   `twofold code github`, the app running: the whole command, process start to exit (it asks the app);
#   `twofold code github`, no app: the same with the app quit (the command reads the keychain and the vault).
# Run: bash scripts/measure-quick-copy.sh (it starts its own private keyring session).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${TWOFOLD_TEST_KEYRING:-} ]]; then
  exec bash scripts/with-keyring.sh bash "$0" "$@"
fi
cargo build --locked --release -p twofold-app >/dev/null 2>&1
cargo build --locked --release -p twofold --example demo_vault >/dev/null 2>&1
app=./target/release/twofold
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT

Xvfb :95 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
export DISPLAY=:95 NO_AT_BRIDGE=1 TWOFOLD_DATA_DIR="$scratch/vault"
sleep 1
./target/release/examples/demo_vault "$scratch/vault" >/dev/null # eight accounts, one of them GitHub

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f", m / 1000 }'; }
palette_shown() { xdotool search --onlyvisible --name '^Twofold quick copy$' >/dev/null 2>&1; }
wait_until() { # condition: polls it for up to 10 s
  for _ in $(seq 1 5000); do "$@" && return 0; sleep 0.002; done
  echo "timed out waiting for: $*" >&2
  return 1
}
clipboard_is() { [[ $(xclip -o -selection clipboard 2>/dev/null) == "$1" ]]; }
clipboard_changed() { ! clipboard_is placeholder; }

"$app" >"$scratch/app.log" 2>&1 &
app_pid=$!
wait_until test -S "$scratch/vault/twofold.sock"
wait_until "$app" list >/dev/null 2>&1
sleep 3 # the palette is built hidden two seconds after start

shortcut=() enter=()
for _ in $(seq 1 10); do
  t0=$(now_us)
  xdotool key ctrl+shift+space
  wait_until palette_shown
  shortcut+=($(($(now_us) - t0)))
  sleep 0.5
  xdotool type --delay 20 github
  sleep 0.5
  printf placeholder | xclip -selection clipboard -i
  t0=$(now_us)
  xdotool key Return
  wait_until clipboard_changed
  enter+=($(($(now_us) - t0)))
  wait_until bash -c '! xdotool search --onlyvisible --name "^Twofold quick copy$" >/dev/null 2>&1'
  sleep 0.3
done

with_app=()
for _ in $(seq 1 10); do
  t0=$(now_us)
  "$app" code github >/dev/null
  with_app+=($(($(now_us) - t0)))
done
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
without_app=()
for _ in $(seq 1 10); do
  t0=$(now_us)
  "$app" code github >/dev/null
  without_app+=($(($(now_us) - t0)))
done

printf '\n%-46s %s\n' "What (median of 10)" "ms"
printf '%-46s %s\n' "shortcut -> palette shown" "$(printf '%s\n' "${shortcut[@]}" | median)"
printf '%-46s %s\n' "Enter -> code on the clipboard" "$(printf '%s\n' "${enter[@]}" | median)"
printf '%-46s %s\n' "twofold code github, the app running" "$(printf '%s\n' "${with_app[@]}" | median)"
printf '%-46s %s\n' "twofold code github, no app (keychain read)" "$(printf '%s\n' "${without_app[@]}" | median)"
