#!/usr/bin/env bash
# Installs what the tests need (only what is missing), then checks formatting and lints and runs every test.
# Missing test data or tools fail the run here instead of being skipped (TWOFOLD_STRICT=1).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_rust
ensure_rust_components
ensure_tauri_driver

export TWOFOLD_STRICT=1
# Fewer debug symbols keep a cold build near two minutes; backtraces still name files and lines.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

if [ ! -d ../shared ] && [ -z "${TWOFOLD_SHARED:-}" ] && [ -z "${TWOFOLD_WITHOUT_SHARED:-}" ]; then
  echo "Note: ../shared (real QR photos and other apps' exports) is not beside this clone; the tests that read it will fail." >&2
  echo "      Put it there, set TWOFOLD_SHARED to its path, or set TWOFOLD_WITHOUT_SHARED=1 to skip those tests." >&2
fi

step "Checking formatting"
cargo fmt --all --check

step "Linting (clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Checking the GitHub workflows (schema, zizmor)"
check_workflows

step "Running every test"
mkdir -p target
rm -rf target/e2e-artifacts
log=target/test-output.log
set +e
# Inside a private D-Bus session with a throwaway, unlocked GNOME Keyring: the vault tests use a real keychain.
bash scripts/with-keyring.sh cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Closing lines: the end-to-end suite's own count, then the total over all test binaries and doc tests.
awk '/^ *Running .*\/e2e-[0-9a-f]+\)$/ { in_e2e = 1; next }
     /^ *(Running|Doc-tests) / { in_e2e = 0 }
     /^test result:/ {
       for (i = 1; i <= NF; i++) {
         n = $(i - 1)
         if ($(i) ~ /^passed;?$/)  { passed  += n; if (in_e2e) e2e_passed += n }
         if ($(i) ~ /^failed;?$/)  { failed  += n; if (in_e2e) e2e_failed += n }
         if ($(i) ~ /^ignored;?$/) { ignored += n }
       }
       if (in_e2e) e2e_seen = 1
     }
     END {
       if (e2e_seen) printf "\nend-to-end tests (the real app over WebDriver): %d passed, %d failed\n", e2e_passed, e2e_failed
       else printf "\nend-to-end tests: none ran\n"
       printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, ignored
     }' "$log"
if ls target/e2e-artifacts/*/ >/dev/null 2>&1; then
  echo "Screenshots and app logs of the failed end-to-end scenarios: $(pwd)/target/e2e-artifacts"
fi

# The release check: the .deb and .rpm build, the .deb installs, the installed program shows its window.
step "Installers: build the .deb and .rpm, install the .deb, start it, remove it"
set +e
bash scripts/package-check.sh 2>&1 | tee target/package-check.log
package_status=${PIPESTATUS[0]}
set -e
if [ "$package_status" -eq 0 ]; then echo "installer check: passed"; else echo "installer check: FAILED"; fi

[ "$status" -eq 0 ] && status=$package_status
exit "$status"
