#!/usr/bin/env bash
# Installs what the tests need (only what is missing), then checks formatting, lints, import cycles, the docs and
# the Windows build, runs every test and checks the installers. Prints the time of each step at the end.
# Missing test data or tools fail the run here instead of being skipped (TWOFOLD_STRICT=1).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "Setting up: system packages, Rust toolchain and targets, tauri-driver, geckodriver"
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_rust
ensure_rust_components
ensure_windows_target
ensure_tauri_driver
ensure_geckodriver

export TWOFOLD_STRICT=1
# Fewer debug symbols keep a cold build near two minutes; backtraces still name files and lines.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

if [ ! -d ../shared ] && [ -z "${TWOFOLD_SHARED:-}" ] && [ -z "${TWOFOLD_WITHOUT_SHARED:-}" ]; then
  echo "Note: ../shared (real QR photos and other apps' exports) is not beside this clone; the tests that read it will fail." >&2
  echo "      Put it there, set TWOFOLD_SHARED to its path, or set TWOFOLD_WITHOUT_SHARED=1 to skip those tests." >&2
fi

step "Checking formatting"
cargo fmt --all --check
# The fuzz targets are a workspace of their own.
cargo fmt --manifest-path fuzz/Cargo.toml --check

step "Linting (clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Checking that no module imports another in a cycle (src, src-tauri/src, ui)"
python3 scripts/module-cycles.py

step "Linting the browser extension (web-ext)"
ensure_web_ext
"$WEB_EXT" lint --source-dir browser

step "Building the docs (rustdoc, warnings such as broken links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# The program's own modules are documented for its developers only; their links are checked the same way.
RUSTDOCFLAGS="-D warnings" cargo rustdoc -p twofold-app --bin twofold --locked -- --document-private-items

step "Type-checking and linting both crates for Windows ($WINDOWS_TARGET)"
cargo clippy -p twofold -p twofold-app --target "$WINDOWS_TARGET" --locked -- -D warnings

step "Checking the GitHub workflows (schema, zizmor)"
check_workflows

step "Running every test"
mkdir -p target
rm -rf target/e2e-artifacts
log=target/test-output.log
# Tests that return without testing anything (a missing tool, or a helper that runs only as another test's child
# process) note it here, so that the closing line does not count them as passed.
export TWOFOLD_SKIP_LOG="$PWD/target/tests-not-run.tsv"
rm -f "$TWOFOLD_SKIP_LOG"
set +e
# Inside a private D-Bus session with a throwaway, unlocked GNOME Keyring: the vault tests use a real keychain.
bash scripts/with-keyring.sh cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Closing lines: the tests that did not run, the end-to-end suite's own count, then the total over all test
# binaries and doc tests, with the tests that did not run counted apart.
touch "$TWOFOLD_SKIP_LOG"
if grep -q '^skipped' "$TWOFOLD_SKIP_LOG"; then
  printf '\nSkipped, for something missing:\n'
  awk -F'\t' '$1 == "skipped" { printf "  %s: %s\n", $2, $3 }' "$TWOFOLD_SKIP_LOG" | sort -u
fi
awk -v not_run="$TWOFOLD_SKIP_LOG" '
     BEGIN {
       while ((getline line < not_run) > 0) {
         split(line, field, "\t")
         if (seen[field[2]]++) continue
         if (field[1] == "skipped") { skipped++; if (field[2] ~ /^e2e::/) e2e_skipped++ }
         else helpers++
       }
     }
     /^ *Running .*\/e2e-[0-9a-f]+\)$/ { in_e2e = 1; next }
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
       if (e2e_seen) printf "\nend-to-end tests (the real app over WebDriver): %d passed, %d failed, %d skipped\n",
                            e2e_passed - e2e_skipped, e2e_failed, e2e_skipped
       else printf "\nend-to-end tests: none ran\n"
       printf "tests: %d passed, %d failed, %d skipped (and %d helpers that run only as other tests'"'"' child processes)\n",
              passed - skipped - helpers, failed, skipped + ignored, helpers
     }' "$log"
if ls target/e2e-artifacts/*/ >/dev/null 2>&1; then
  echo "Screenshots and app logs of the failed end-to-end scenarios: $(pwd)/target/e2e-artifacts"
fi

# A short run of every fuzz target, seeded from fuzz/seeds and the fixtures; a crash fails the command.
step "Fuzzing every target for 15 s (cargo-fuzz on nightly)"
ensure_fuzz_tools
set +e
bash fuzz/run.sh 15 2>&1 | tee target/fuzz.log
fuzz_status=${PIPESTATUS[0]}
set -e
if [ "$fuzz_status" -eq 0 ]; then echo "fuzzing: no crash"; else echo "fuzzing: FAILED (a crash, or the build)"; fi

# The release check: the .deb and .rpm build, the .deb installs, the installed program shows its window.
step "Installers: build the .deb and .rpm, install the .deb, start it, remove it"
set +e
bash scripts/package-check.sh 2>&1 | tee target/package-check.log
package_status=${PIPESTATUS[0]}
set -e
if [ "$package_status" -eq 0 ]; then echo "installer check: passed"; else echo "installer check: FAILED"; fi

step_times
[ "$status" -eq 0 ] && status=$fuzz_status
[ "$status" -eq 0 ] && status=$package_status
exit "$status"
