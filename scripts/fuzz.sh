#!/usr/bin/env bash
# Runs every fuzz target for a while on the stable toolchain (cargo-fuzz needs nightly flags:
# RUSTC_BOOTSTRAP=1 enables them on stable; `-s none` skips the sanitizer, which needs nightly).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in deid_redact query_parse import_lines; do
  echo "== fuzz $target for ${seconds}s =="
  cargo fuzz run -s none "$target" -- -max_total_time="$seconds" -max_len=4096
done
