#!/usr/bin/env bash
# Installs what the tests need (only what is missing), then checks formatting and lints and runs every test.
# Missing test data or tools fail the run here instead of being skipped (TWOFOLD_STRICT=1).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_rust
ensure_rust_components

export TWOFOLD_STRICT=1
# Fewer debug symbols keep a cold build near two minutes; backtraces still name files and lines.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

if [ ! -d ../shared ] && [ -z "${TWOFOLD_SHARED:-}" ]; then
  echo "Note: ../shared (real QR photos and other apps' exports) is not beside this clone; the tests that read it will fail." >&2
  echo "      Put it there or set TWOFOLD_SHARED to its path." >&2
fi

step "Checking formatting"
cargo fmt --all --check

step "Linting (clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Running every test"
mkdir -p target
log=target/test-output.log
set +e
# Inside a private D-Bus session with a throwaway, unlocked GNOME Keyring: the vault tests use a real keychain.
bash scripts/with-keyring.sh cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all test binaries and doc tests.
awk '/^test result:/ {
       for (i = 1; i <= NF; i++) {
         if ($(i) ~ /^passed;?$/)  passed  += $(i - 1)
         if ($(i) ~ /^failed;?$/)  failed  += $(i - 1)
         if ($(i) ~ /^ignored;?$/) ignored += $(i - 1)
       }
     }
     END { printf "\ntests: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' "$log"
exit "$status"
