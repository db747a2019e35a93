#!/usr/bin/env bash
# The differential test: generated request sequences sent in lockstep to a real Letta 0.16.8
# server and to identity-mock, compared byte for byte (after mapping ids and blanking times).
#
#   bash tests/differential/run.sh [SEEDS] [STEPS]     e.g. bash tests/differential/run.sh 1,2,3,4,5 300
#
# Starts the real server first if it is not up, with the scripts of ../shared/real-letta/ (or
# the folder REAL_LETTA_DIR names): the first start installs Letta and PostgreSQL's cluster (~2
# min). Builds identity-mock in release mode. Not part of the test command: it needs that server.
# RECORD=FILE also appends every exchange, with the real server's answer, to FILE: the format of
# tests/data/letta/differential/*.jsonl, which the suite replays without the real server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SEEDS=${1:-1,2,3,4,5}
STEPS=${2:-300}
REAL_URL=${REAL_LETTA_URL:-http://127.0.0.1:18283}
REAL_LETTA_DIR=${REAL_LETTA_DIR:-$ROOT/../shared/real-letta}

if ! curl -sf -m 2 "$REAL_URL/v1/health/" >/dev/null; then
  [[ -x "$REAL_LETTA_DIR/setup-and-start.sh" || -f "$REAL_LETTA_DIR/setup-and-start.sh" ]] ||
    { echo "run.sh: no real Letta at $REAL_URL and no $REAL_LETTA_DIR/setup-and-start.sh to start one" >&2; exit 2; }
  bash "$REAL_LETTA_DIR/setup-and-start.sh"
fi
(cd "$ROOT" && cargo build --release --quiet --bin identity-mock)
args=(run "$REAL_URL" "$ROOT/target/release/identity-mock" --seeds "$SEEDS" --steps "$STEPS")
[[ -z "${RECORD:-}" ]] || args+=(--record "$RECORD")
REAL_LETTA_START="$REAL_LETTA_DIR/setup-and-start.sh" exec python3 "$ROOT/tests/differential/diff.py" "${args[@]}"
