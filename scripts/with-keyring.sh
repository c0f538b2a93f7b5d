#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own GNOME Keyring, unlocked, so tests talk to a real
# Secret Service without touching the user's keychain. Everything it creates is removed when the command ends.
set -euo pipefail

if [ -z "${TWOFOLD_PRIVATE_SESSION:-}" ]; then
  export TWOFOLD_PRIVATE_SESSION=1
  exec dbus-run-session -- bash "$0" "$@"
fi

scratch=$(mktemp -d)
mkdir -p "$scratch/data" "$scratch/config" "$scratch/run"
chmod 700 "$scratch/run"
# Keyrings, and anything else the app under test or its libraries save, stay in the scratch folder.
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch/run"

# The keyring's password only protects this throwaway keyring.
printf 'twofold-test-keyring' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring_pid=$!
cleanup() { kill "$keyring_pid" 2>/dev/null || true; wait "$keyring_pid" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT

# Wait until the daemon owns the Secret Service name on this bus.
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.1
done

export TWOFOLD_TEST_KEYRING=1
"$@"
