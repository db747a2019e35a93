#!/usr/bin/env bash
# Instructions per request of identity-mock's hot rows, counted by valgrind's callgrind: unlike
# requests per second, the count does not move with whatever else the machine is doing, so it is
# the number to compare two builds by.
#
#   bash benches/instructions.sh              # release build of the work tree
#   CREATES=1 bash benches/instructions.sh    # also the two create rows
#
# It builds in release mode, starts the server under callgrind with instrumentation off, loads
# 1,000 Letta and 1,000 orq identities, and for each row switches instrumentation on, runs
# `wrk -t1 -c4` for a few seconds, switches it off and divides the instructions by the requests.
# User-space instructions only; the kernel's part of a request is not counted. Needs valgrind, wrk
# and python3.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
HELPER="$ROOT/benches/load_helper.py"
for tool in valgrind callgrind_control wrk python3; do
  command -v "$tool" >/dev/null || { echo "instructions.sh: $tool is needed" >&2; exit 1; }
done

cargo build --release --bin identity-mock >&2
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
WORK=$(mktemp -d "${TMPDIR:-/tmp}/identity-mock-instructions.XXXXXX")
PID=
cleanup() {
  [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HELPER" gen letta 1000 "$WORK/letta.json" >/dev/null
python3 "$HELPER" gen orq 1000 "$WORK/orq.json" >/dev/null
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/callgrind.%p" \
  "$TARGET_DIR/release/identity-mock" --port "$PORT" >"$WORK/server.out" 2>"$WORK/valgrind.err" &
PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 120); do
  python3 "$HELPER" http GET "$URL/__admin/health" --expect 200 --quiet 2>/dev/null && break
  sleep 0.5
done
python3 "$HELPER" http POST "$URL/__admin/fixtures" --body-file "$WORK/letta.json" --expect 200 --quiet
python3 "$HELPER" http POST "$URL/__admin/fixtures?namespace=bench" --body-file "$WORK/orq.json" --expect 200 --quiet
KEY="Authorization: Bearer bench"
LETTA_ID=$(python3 "$HELPER" http GET "$URL/v1/identities/?limit=1&order=asc" --expect 200 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
ORQ_ID=$(python3 "$HELPER" http GET "$URL/v2/identities?limit=1" -H "$KEY" --expect 200 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["data"][0]["_id"])')

DUMPS=0
row() {
  local name=$1 out requests total
  shift
  callgrind_control -i on "$PID" >/dev/null
  callgrind_control -z "$PID" >/dev/null
  out=$(wrk -t1 -c4 -d4s "$@" 2>&1)
  callgrind_control -i off "$PID" >/dev/null
  callgrind_control -d "$PID" >/dev/null
  DUMPS=$((DUMPS + 1))
  for _ in $(seq 50); do [[ -s $WORK/callgrind.$PID.$DUMPS ]] && break; sleep 0.1; done
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  total=$(awk '/^totals:/ { print $2; exit }' "$WORK/callgrind.$PID.$DUMPS")
  printf '%-28s %9d instructions/request (%d requests)\n' "$name" $((total / requests)) "$requests"
}

row "Letta retrieve" "$URL/v1/identities/$LETTA_ID"
row "Letta list ?limit=50" "$URL/v1/identities/?limit=50"
row "orq retrieve" -H "$KEY" "$URL/v2/identities/$ORQ_ID"
row "orq list ?limit=50&search=ex" -H "$KEY" "$URL/v2/identities?limit=50&search=ex"
if [[ ${CREATES:-0} == 1 ]]; then
  BENCH_BODY=letta BENCH_RUN="i$RANDOM" row "Letta create" -s benches/post_unique.lua "$URL/v1/identities/"
  BENCH_BODY=orq BENCH_RUN="i$RANDOM" row "orq create" -H "$KEY" -s benches/post_unique.lua "$URL/v2/identities"
fi
