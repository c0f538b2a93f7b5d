#!/usr/bin/env bash
# The release check on Linux: builds the .deb and .rpm from this clone (no downloads besides crates), installs the
# .deb with apt-get, starts the installed program on a private X display, checks that its window shows (its title
# and a screenshot), then removes the package again. Needs root or sudo for apt-get.
#
#   bash scripts/package-check.sh            # everything
#   KEEP_INSTALLED=1 bash scripts/package-check.sh   # leave the package installed afterwards
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages "${BUILD_PACKAGES[@]}" xvfb xauth x11-utils imagemagick desktop-file-utils dbus-daemon dbus-bin
ensure_rust
ensure_tauri_cli

out=target/package-check
rm -rf "$out"
mkdir -p "$out"

step "Building the .deb and .rpm (release build)"
tauri_cli build --bundles deb,rpm --ci

deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
rpm=$(ls -t target/release/bundle/rpm/*.rpm | head -n 1)
deb_bytes=$(stat -c %s "$deb")
rpm_bytes=$(stat -c %s "$rpm")
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
printf '\n%-60s %s\n%-60s %s\n' "$deb" "$(mib "$deb_bytes")" "$rpm" "$(mib "$rpm_bytes")"
# A budget, so that growth is noticed: the browser connector's Public Suffix List and P-256, and the Wayland portal's
# client, took the .deb past 8 MiB.
if [ "$deb_bytes" -gt $((10 * 1024 * 1024)) ]; then
  echo "The .deb is larger than 10 MiB." >&2
  exit 1
fi

step "What the .deb declares"
dpkg-deb --field "$deb" Package Version Architecture Depends Section
package=$(dpkg-deb --field "$deb" Package)

step "Installing $deb with apt-get"
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$(realpath "$deb")"
remove() {
  if [ -z "${KEEP_INSTALLED:-}" ]; then
    step "Removing $package"
    DEBIAN_FRONTEND=noninteractive as_root apt-get remove -y -qq "$package" >/dev/null
    dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q 'install ok installed' && exit 1
    echo "$package is removed."
  fi
}
trap remove EXIT

desktop=$(dpkg -L "$package" | grep '\.desktop$' | head -n 1)
program=$(dpkg -L "$package" | grep '^/usr/bin/' | head -n 1)
echo "Program: $program"
echo "Desktop entry: $desktop"
grep -E '^(Name|Categories|Exec|Icon)=' "$desktop"
desktop-file-validate "$desktop"
dpkg -L "$package" | grep '/icons/' | sed 's/^/Icon: /'

step "The shell completions and man pages it installs"
dpkg -L "$package" | grep -E '/(man1|completions|vendor-completions|vendor_completions\.d)/' | sed 's/^/File: /'
grep -m 1 '^\.TH' /usr/share/man/man1/twofold-code.1
bash -c 'source /usr/share/bash-completion/completions/twofold && complete -p twofold'

step "Starting the installed program on a private X display"
# Its own D-Bus session (the app registers its single-instance name there) and a scratch data folder.
dbus-run-session -- bash -c '
  set -euo pipefail
  program=$1 out=$2
  Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$out/display" 2>/dev/null &
  xvfb=$!
  for _ in $(seq 1 50); do [ -s "$out/display" ] && break; sleep 0.1; done
  export DISPLAY=":$(cat "$out/display")"
  export TWOFOLD_DATA_DIR="$out/data" NO_AT_BRIDGE=1
  "$program" >"$out/app.log" 2>&1 &
  app=$!
  trap "kill $app $xvfb 2>/dev/null || true" EXIT
  for _ in $(seq 1 150); do
    if xwininfo -root -tree | grep -q "\"Twofold\""; then break; fi
    sleep 0.2
  done
  xwininfo -root -tree | grep "\"Twofold\"" || { echo "No window titled Twofold appeared; the log:"; cat "$out/app.log"; exit 1; }
  sleep 2
  import -window root "$out/installed-window.png"
  kill -0 "$app" || { echo "The program exited; the log:"; cat "$out/app.log"; exit 1; }
' package-check "$program" "$out"
echo "The installed Twofold showed its window; screenshot: $out/installed-window.png"
