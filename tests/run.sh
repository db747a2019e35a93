#!/usr/bin/env bash
# Every test of the project: the Rust suite (unit, integration, replay, snapshots), then the
# official SDK scenarios. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets
cargo test --doc
bash tests/sdk/run.sh
