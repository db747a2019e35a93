#!/usr/bin/env bash
# Every test of the project: the Rust suite (unit, integration, replay, snapshots), then the
# packages as users install them (tests/packages.sh, which builds the one release binary), then
# the official SDK scenarios against that same binary. This is the README's test command and what
# CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets
cargo test --doc
bash tests/packages.sh
IDENTITY_MOCK_BIN="$PWD/target/packaging/identity-mock" bash tests/sdk/run.sh
