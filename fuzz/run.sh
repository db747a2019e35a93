#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (FUZZ_SECONDS, default 60) on its committed corpus.
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain provide them.
# Whatever a run finds is written to fuzz/artifacts/<target>/; copy it into fuzz/corpus/<target>/
# and `cargo test --test fuzz_regressions` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in request_body query_string namespace_headers; do
  echo "== fuzzing $target for ${FUZZ_SECONDS:-60}s"
  cargo fuzz run --sanitizer none "$target" "corpus/$target" -- -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048
done
