#!/usr/bin/env bash
# Runs the fuzz targets, each for SECONDS (default 20), seeded from the committed seeds, the import fixtures and,
# when it is there, ../shared. Needs a nightly toolchain and cargo-fuzz (scripts/test.sh installs both).
#   bash fuzz/run.sh [SECONDS] [TARGET...]
# The corpus grows in fuzz/corpus/TARGET; a crash is saved in fuzz/artifacts/TARGET and fails the run. Once fixed,
# its input goes to fuzz/regressions/TARGET, where tests/fuzz_regressions.rs runs it in every test run.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(otpauth_uri migration import_file import_encrypted vault_file qr_picture)
shared=../../shared

seeds() {
  local target=$1 dir=seeds/$1
  [ -d "$dir" ] && echo "$dir"
  # Inputs that crashed a target once (tests/fuzz_regressions.rs runs them too).
  [ -d "regressions/$target" ] && echo "regressions/$target"
  case $target in
    import_file | import_encrypted)
      echo ../tests/fixtures/import
      [ -d "$shared/fixtures" ] && find "$shared/fixtures" -mindepth 1 -maxdepth 1 -type d ;;
    qr_picture)
      # The small photographs only: the fuzzer mutates better at a few kilobytes.
      if [ -d "$shared/qr" ]; then
        mkdir -p corpus/qr_picture-seeds
        find "$shared/qr" -name '*.png' -size -6k -exec cp -n {} corpus/qr_picture-seeds/ \;
        echo corpus/qr_picture-seeds
      fi ;;
    migration | otpauth_uri)
      # The texts of the photographed codes, one file each.
      if [ -d "$shared/webcam" ]; then
        mkdir -p "corpus/$target-seeds"
        local want='^otpauth://'
        [ "$target" = migration ] && want='^otpauth-migration://'
        grep -l "$want" "$shared"/webcam/*.txt "$shared"/qr/*/*.txt 2>/dev/null | head -200 |
          while read -r f; do cp -n "$f" "corpus/$target-seeds/"; done
        echo "corpus/$target-seeds"
      fi ;;
  esac
}

[ -d "$shared" ] || echo "fuzz: $shared is absent, so the targets start from the committed seeds and the repository's fixtures only"
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  mapfile -t extra < <(seeds "$target")
  echo "fuzz: $target for ${seconds}s"
  # The picture decoder is safe Rust and slow under AddressSanitizer: a long run fuzzes it without a sanitizer, many
  # times faster; a short one keeps the single build the other targets use.
  sanitizer=address
  [ "$target" = qr_picture ] && [ "$seconds" -gt 60 ] && sanitizer=none
  cargo +nightly fuzz run -O -s "$sanitizer" "$target" "corpus/$target" "${extra[@]}" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 2>&1 |
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written|Done )|panicked|ERROR' || true
  # A slow unit is only reported: on a busy machine a normal input can take long in wall time.
  if ls "artifacts/$target" 2>/dev/null | grep -qE '^(crash|oom|timeout|leak)-'; then
    echo "fuzz: $target found a crash, kept in fuzz/artifacts/$target" >&2
    exit 1
  fi
done
