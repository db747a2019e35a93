#!/usr/bin/env bash
# The load benchmark of identity-mock (issue 6), in one command from a clean clone:
#
#   bash benches/load.sh            # full run: 10 s per row, scale rows at 1,000 and 1,000,000
#   QUICK=1 bash benches/load.sh    # smoke run: 2 s per row, 1,000 and 100,000
#
# It builds identity-mock and the bare hyper hello-world (examples/hello.rs) in release mode,
# installs wrk from the system packages if it is missing, starts every server on a free loopback
# port, loads each row with the same wrk settings (-t2 -c32, keep-alive), and prints one table:
# requests/s, p50/p99 latency, the ratio to the hello-world's GET (POST for create rows), the
# server's peak RSS during the row, and every target of the issue checked.
#
# Settings (environment): QUICK=1, DURATION (per row, e.g. 10s), WARMUP (unmeasured load before each
# row, default 1s; 0 for none), BIG (identities of the large scale rows), KEEP_WORK=1 (keep the temp
# dir with the wrk outputs, fixtures and server logs).
# Needs: cargo, python3 (standard library only), apt-get when wrk is missing. Loopback only; every
# wait is bounded; every server started here is stopped on exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
HELPER="$ROOT/benches/load_helper.py"
POST_LUA="$ROOT/benches/post_unique.lua"

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  DURATION=${DURATION:-2s}
  BIG=${BIG:-100000}
  STARTS=${STARTS:-3}
else
  DURATION=${DURATION:-10s}
  BIG=${BIG:-1000000}
  STARTS=${STARTS:-7}
fi
WARMUP=${WARMUP:-1s}
SMALL=1000
START_SIZE=100000 # the start-time target is stated for this many fixture identities
THREADS=2
CONNECTIONS=32
WRK=(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency)
# Rows that scan the whole store are measured one request at a time: at 32 connections a scan of
# 1,000,000 records would only measure the queue.
WRK_SEQUENTIAL=(wrk -t1 -c1 -d"$DURATION" --timeout 10s --latency)
START_TIMEOUT=600 # seconds a server may take to print its 'listening on' line (1,000,000 fixtures)
ORQ_KEY="Authorization: Bearer bench"

log() { printf '[load.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
fail() {
  printf 'load.sh: %s\n' "$*" >&2
  exit 1
}

command -v cargo >/dev/null || fail "cargo is needed (https://rustup.rs)"
command -v python3 >/dev/null || fail "python3 is needed for the fixture generator and the report"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/identity-mock-bench.XXXXXX")
SERVERS=()

stop_server() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${SERVERS[@]}"; do
    stop_server "$pid"
  done
  if [[ ${KEEP_WORK:-0} == 1 ]]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Build and tools

log "building identity-mock and examples/hello in release mode"
cargo build --release --bin identity-mock --example hello >&2
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# Copies, so that a rebuild in the work tree during the run cannot swap a binary under a row.
mkdir -p "$WORK/bin"
cp "$TARGET_DIR/release/identity-mock" "$TARGET_DIR/release/examples/hello" "$WORK/bin/"
MOCK="$WORK/bin/identity-mock"
HELLO="$WORK/bin/hello"

if ! command -v wrk >/dev/null; then
  log "wrk is missing: installing it with apt-get"
  SUDO=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || fail "wrk is missing and installing it needs root: run 'apt-get install -y wrk' as root"
    SUDO=(sudo)
  fi
  command -v apt-get >/dev/null || fail "wrk is missing and there is no apt-get: install wrk with the system's package manager"
  if ! "${SUDO[@]}" apt-get install -y wrk >&2; then
    "${SUDO[@]}" apt-get update >&2 || fail "apt-get update failed: install wrk by hand and run again"
    "${SUDO[@]}" apt-get install -y wrk >&2 || fail "apt-get could not install wrk: install it by hand and run again"
  fi
  command -v wrk >/dev/null || fail "wrk is still missing after apt-get install"
fi

helper() { python3 "$HELPER" "$@"; }

# ---------------------------------------------------------------------------------------------
# Servers, memory, rows

# start_server NAME COMMAND...: starts it on a free port; sets PID and PORT.
start_server() {
  local name=$1
  shift
  local out="$WORK/$name.out" err="$WORK/$name.err" deadline=$((SECONDS + START_TIMEOUT))
  "$@" --port 0 >"$out" 2>"$err" &
  local pid=$!
  SERVERS+=("$pid")
  until grep -q 'listening on http://' "$out"; do
    kill -0 "$pid" 2>/dev/null || fail "$name exited before listening: $(tail -n 5 "$err")"
    ((SECONDS < deadline)) || fail "$name printed no 'listening on' line within ${START_TIMEOUT}s"
    sleep 0.05
  done
  PORT=$(sed -n 's#.*listening on http://[^ ]*:\([0-9][0-9]*\).*#\1#p' "$out" | head -n 1)
  PID=$pid
  [[ -n $PORT ]] || fail "$name: no port in its 'listening on' line"
}

kill_server() {
  local pid=$1 i
  stop_server "$pid"
  for i in "${!SERVERS[@]}"; do
    [[ ${SERVERS[$i]} == "$pid" ]] && unset 'SERVERS[i]'
  done
  SERVERS=("${SERVERS[@]}")
}

# Peak RSS per row: writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+). Where
# that is refused, the peak is the process's whole life, and the table says so.
PEAK_NOTE=""
reset_peak() {
  if ! { echo 5 >"/proc/$1/clear_refs"; } 2>/dev/null; then
    PEAK_NOTE="peak RSS is since process start (clear_refs refused)"
  fi
}
status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

ROWS="$WORK/rows.tsv"
: >"$ROWS"
ROWNUM=0
# add_row label kind rps p50 p99 rss_kib non2xx errors baseline group size targets note [pair_rps]
add_row() {
  local IFS=$'\t'
  printf '%s\n' "$*" >>"$ROWS"
}

# load_row LABEL PID BASELINE GROUP SIZE TARGETS BODY -- CHECK... -- WRK_COMMAND...
#   BASELINE: what "vs hello" divides by: hello-get|hello-post, the better of the two hello rows of
#   the run; pair-get|pair-post, the hello-world loaded the same way right before this row (for the
#   rows with a ratio target, so that the machine's drift during the run cancels out); - for none
#   BODY: - for GET, letta|orq|empty for POST (benches/post_unique.lua)
#   CHECK: arguments of 'load_helper.py http', run once before the load: a row whose request does
#   not get the expected answer is reported invalid instead of measuring errors.
load_row() {
  local label=$1 pid=$2 baseline=$3 group=$4 size=$5 targets=$6 body=$7
  shift 7
  [[ ${1:-} == -- ]] || fail "load_row $label: expected -- before the check"
  shift
  local -a check_args=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    check_args+=("$1")
    shift
  done
  [[ ${1:-} == -- ]] || fail "load_row $label: expected -- before the wrk command"
  shift
  ROWNUM=$((ROWNUM + 1))
  local out="$WORK/wrk-$ROWNUM.txt" problem
  log "row $ROWNUM: $label"
  if ! problem=$(helper http "${check_args[@]}" --quiet 2>&1); then
    add_row "$label" load nan nan nan - 0 1 "$baseline" "$group" "$size" "$targets" "check failed: ${problem//$'\n'/ }"
    return 0
  fi
  local -a script=()
  [[ $body == - ]] || script=(-s "$POST_LUA")
  local pair_rps=- rps p50 p99 non2xx errors requests
  if [[ $baseline == pair-* ]]; then
    local -a pair_script=()
    [[ $baseline == pair-post ]] && pair_script=(-s "$POST_LUA")
    if BENCH_BODY=letta BENCH_RUN="p$ROWNUM" "${WRK[@]}" "${pair_script[@]}" "$HELLO_URL/" >"$out.pair" 2>&1; then
      read -r pair_rps p50 p99 non2xx errors requests < <(helper wrk "$out.pair")
    fi
  fi
  if [[ $WARMUP != 0 ]]; then
    # The same load, unmeasured: a server's first second after a start or a large load is spent
    # faulting its heap back in, which would otherwise land in the row's p99.
    local -a warm=()
    local arg
    for arg in "$@"; do
      [[ $arg == -d* ]] && arg="-d$WARMUP"
      warm+=("$arg")
    done
    BENCH_BODY=$body BENCH_RUN="w$ROWNUM-$RANDOM" "${warm[@]}" "${script[@]}" >"$out.warmup" 2>&1 || true
  fi
  reset_peak "$pid"
  if ! BENCH_BODY=$body BENCH_RUN="r$ROWNUM-$RANDOM" "$@" "${script[@]}" >"$out" 2>&1; then
    add_row "$label" load nan nan nan - 0 1 "$baseline" "$group" "$size" "$targets" "wrk failed: $(tail -n 1 "$out")"
    return 0
  fi
  local rss
  rss=$(status_kib "$pid" VmHWM)
  read -r rps p50 p99 non2xx errors requests < <(helper wrk "$out")
  add_row "$label" load "$rps" "$p50" "$p99" "$rss" "$non2xx" "$errors" "$baseline" "$group" "$size" "$targets" "-" "$pair_rps"
}

# ---------------------------------------------------------------------------------------------
# Fixtures

log "generating fixtures ($SMALL, $START_SIZE and $BIG identities) in $WORK"
declare -A MIDDLE
for size in $SMALL $START_SIZE $BIG; do
  for api in letta orq; do
    file="$WORK/$api-$size.json"
    [[ -e $file ]] && continue
    # The start-time rows only need Letta identities.
    [[ $size == "$START_SIZE" && $size != "$BIG" && $api == orq ]] && continue
    MIDDLE[$api-$size]=$(helper gen "$api" "$size" "$file")
  done
done

# ---------------------------------------------------------------------------------------------
# Start time and idle memory

log "start time, bundled fixtures ($STARTS starts)"
starts="$WORK/starts-bundled.txt"
for ((i = 0; i < STARTS; i++)); do
  helper startup 60 -- "$MOCK" --port 0 >>"$starts"
done
# start → first 200 of /__admin/health: median as p50, slowest as p99; idle RSS of the median start.
read -r median slowest idle_rss < <(sort -n -k2 "$starts" | awk '{ t[NR] = $2; r[NR] = $3 } END { m = int((NR + 1) / 2); print t[m], t[NR], r[m] }')
add_row "start → first 200 /__admin/health, bundled fixtures (median/max of $STARTS)" startup - "$median" "$slowest" - - - - - - "p50<20" "-"
add_row "idle RSS, bundled fixtures" rss - - - "$idle_rss" - - - - - "rss<20" "-"

log "10,000 namespaces that each read once"
start_server mock-namespaces "$MOCK" --journal-size 0 --max-namespaces 20000
rss_before=$(status_kib "$PID" VmRSS)
helper namespaces "http://127.0.0.1:$PORT" 10000
rss_after=$(status_kib "$PID" VmRSS)
add_row "RSS added by 10,000 namespaces that each read once (bundled fixtures)" rss - - - \
  "$((rss_after - rss_before))" - - - - - "rss<100" "from $((rss_before / 1024)) to $((rss_after / 1024)) MiB"
kill_server "$PID"

start_tries=$((STARTS > 3 ? 3 : STARTS))
log "start time, $START_SIZE Letta identities ($start_tries starts)"
starts="$WORK/starts-$START_SIZE.txt"
for ((i = 0; i < start_tries; i++)); do
  helper startup "$START_TIMEOUT" -- "$MOCK" --port 0 --fixtures "$WORK/letta-$START_SIZE.json" --journal-size 0 >>"$starts"
done
read -r median slowest idle_rss < <(sort -n -k2 "$starts" | awk '{ t[NR] = $2; r[NR] = $3 } END { m = int((NR + 1) / 2); print t[m], t[NR], r[m] }')
add_row "start → first 200 /__admin/health, $(printf "%'d" "$START_SIZE") Letta identities (median/max of $start_tries)" startup - "$median" "$slowest" "$idle_rss" - - - - - "p50<1000" "RSS: idle after start"

# ---------------------------------------------------------------------------------------------
# The bare hyper baseline

start_server hello "$HELLO"
HELLO_PID=$PID
HELLO_URL="http://127.0.0.1:$PORT"
load_row "hello GET (bare hyper)" "$HELLO_PID" - - - - - -- GET "$HELLO_URL/" --expect 200 -- "${WRK[@]}" "$HELLO_URL/"
load_row "hello POST (bare hyper, reads the body)" "$HELLO_PID" - - - - letta -- POST "$HELLO_URL/" --body "{}" --expect 200 -- "${WRK[@]}" "$HELLO_URL/"

# ---------------------------------------------------------------------------------------------
# Hot path, bundled fixtures, with the journal on (default) and off

# Every row starts from the same state: the bundled fixtures plus 1,000 Letta identities in the
# default namespace and 1,000 orq identities in the workspace of the key "bench", so a list page
# holds 50 identities and a create row does not see the previous row's creates.
prepare() {
  local url=$1
  helper http POST "$url/__admin/reset" --expect 200 --quiet
  helper http POST "$url/__admin/fixtures" --body-file "$WORK/letta-$SMALL.json" --expect 200 --quiet
  helper http POST "$url/__admin/fixtures?namespace=bench" --body-file "$WORK/orq-$SMALL.json" --expect 200 --quiet
}

LETTA_CREATE='{"identifier_key":"check-create","name":"Check","identity_type":"user","properties":[{"key":"email","value":"bench@example.com","type":"string"}]}'
ORQ_CREATE='{"external_id":"check-create","display_name":"Check","email":"bench@example.com","tags":["bench"]}'

for journal in on off; do
  if [[ $journal == on ]]; then
    start_server "mock-journal-on" "$MOCK"
    tag="journal on"
    rss_target=";rss<50"
  else
    start_server "mock-journal-off" "$MOCK" --journal-size 0
    tag="journal off"
    rss_target=""
  fi
  pid=$PID
  url="http://127.0.0.1:$PORT"
  prepare "$url"
  letta_id=$(helper http GET "$url/v1/identities/?limit=1&order=asc" --expect 200 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
  orq_id=$(helper http GET "$url/v2/identities?limit=1" -H "$ORQ_KEY" --expect 200 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["data"][0]["_id"])')

  # Reads first: creates grow the heap, and the allocator keeps what a reset frees.
  prepare "$url"
  load_row "Letta retrieve ($tag)" "$pid" pair-get - - "ratio>=0.75;p99<5$rss_target" - \
    -- GET "$url/v1/identities/$letta_id" --expect 200 -- "${WRK[@]}" "$url/v1/identities/$letta_id"
  prepare "$url"
  load_row "Letta list ?limit=50 ($tag)" "$pid" pair-get - - "ratio>=0.4;p99<5$rss_target" - \
    -- GET "$url/v1/identities/?limit=50" --expect 200 --items 50 -- "${WRK[@]}" "$url/v1/identities/?limit=50"
  prepare "$url"
  load_row "orq retrieve ($tag)" "$pid" pair-get - - "ratio>=0.75;p99<5$rss_target" - \
    -- GET "$url/v2/identities/$orq_id" -H "$ORQ_KEY" --expect 200 -- "${WRK[@]}" -H "$ORQ_KEY" "$url/v2/identities/$orq_id"
  prepare "$url"
  load_row "orq list ?limit=50&search=ex ($tag)" "$pid" pair-get - - "ratio>=0.4;p99<5$rss_target" - \
    -- GET "$url/v2/identities?limit=50&search=ex" -H "$ORQ_KEY" --expect 200 --items 50 -- \
    "${WRK[@]}" -H "$ORQ_KEY" "$url/v2/identities?limit=50&search=ex"
  prepare "$url"
  load_row "Letta create, validated + stored ($tag)" "$pid" pair-post - - "ratio>=0.5;p99<5" letta \
    -- POST "$url/v1/identities/" --body "$LETTA_CREATE" --expect 200 -- "${WRK[@]}" "$url/v1/identities/"
  prepare "$url"
  load_row "orq create ($tag)" "$pid" pair-post - - "ratio>=0.5;p99<5" orq \
    -- POST "$url/v2/identities" -H "$ORQ_KEY" --body "$ORQ_CREATE" --expect 201 -- "${WRK[@]}" -H "$ORQ_KEY" "$url/v2/identities"

  if [[ $journal == on ]]; then
    load_row "POST /__admin/reset, bundled fixtures (1 connection)" "$pid" - - - "p50<1" empty \
      -- POST "$url/__admin/reset" --expect 200 -- "${WRK_SEQUENTIAL[@]}" "$url/__admin/reset"
  fi
  kill_server "$pid"
done

# ---------------------------------------------------------------------------------------------
# Scale: the same list and retrieve rows with SMALL and BIG stored identities

# rss_note PID SIZE RSS_KIB T0: the peak while loading, the start time, and for a size below
# 1,000,000 a linear projection to 1,000,000 (what the 1 GiB target is stated for).
rss_note() {
  local note="peak while loading $(($(status_kib "$1" VmHWM) / 1024)) MiB; up in $((SECONDS - $4))s"
  if ((${2} > 1000 && ${2} != 1000000)); then
    note+="; ~$(awk -v r="$3" -v n="$2" 'BEGIN { printf "%.1f", r * 1000000 / n / 1048576 }') GiB projected for 1,000,000"
  fi
  printf '%s' "$note"
}

# start_loaded letta|orq SIZE: starts identity-mock with SIZE identities of that API as fixtures and
# adds the row of its RSS once it answers; sets pid, url and rss_now.
start_loaded() {
  local api=$1 size=$2 t0=$SECONDS
  local n label
  n=$(printf "%'d" "$size")
  label=$([[ $api == letta ]] && echo Letta || echo orq)
  log "starting identity-mock with $n $label identities"
  start_server "mock-$api-$size" "$MOCK" --fixtures "$WORK/$api-$size.json" --journal-size 0
  pid=$PID
  url="http://127.0.0.1:$PORT"
  helper http GET "$url/__admin/health" --expect 200 --quiet
  log "  up in $((SECONDS - t0))s"
  rss_now=$(status_kib "$pid" VmRSS)
  add_row "RSS, $n $label identities (idle after start)" rss - - - "$rss_now" - - - - - \
    "$([[ $size == 1000000 ]] && echo 'rss<1024' || echo -)" "$(rss_note "$pid" "$size" "$rss_now" "$t0")"
}

for size in $SMALL $BIG; do
  n=$(printf "%'d" "$size")

  # Letta: the identities are in the default namespace.
  start_loaded letta "$size"
  mid=${MIDDLE[letta-$size]}
  load_row "Letta list ?limit=50&after=<middle>, $n" "$pid" hello-get "Letta list, cursor" "$size" \
    "p99<5$([[ $size != "$SMALL" ]] && echo ';scale<=2')" - \
    -- GET "$url/v1/identities/?limit=50&after=$mid" --expect 200 --items 50 -- "${WRK[@]}" "$url/v1/identities/?limit=50&after=$mid"
  load_row "Letta retrieve <middle>, $n" "$pid" hello-get "Letta retrieve" "$size" \
    "p99<5$([[ $size != "$SMALL" ]] && echo ';scale<=1.5')" - \
    -- GET "$url/v1/identities/$mid" --expect 200 -- "${WRK[@]}" "$url/v1/identities/$mid"
  load_row "Letta list ?name=<no match> (scans), $n, 1 connection" "$pid" - "Letta list, name matching nothing" "$size" - - \
    -- GET "$url/v1/identities/?limit=50&name=zz-nobody" --expect 200 --items 0 -- \
    "${WRK_SEQUENTIAL[@]}" "$url/v1/identities/?limit=50&name=zz-nobody"
  kill_server "$pid"

  # orq: the identities seed every workspace; the key "bench" gets its workspace on first use.
  start_loaded orq "$size"
  rss_before=$rss_now
  first_ms=$(helper http GET "$url/v2/identities?limit=1" -H "$ORQ_KEY" --expect 200 --time)
  add_row "orq first request of a new API key, $n (fills its workspace from the fixtures)" startup - "$first_ms" - \
    "$(status_kib "$pid" VmRSS)" - - - - - - "RSS after it; +$((($(status_kib "$pid" VmRSS) - rss_before) / 1024)) MiB; one request over a fresh connection"
  mid=${MIDDLE[orq-$size]}
  load_row "orq list ?limit=50&starting_after=<middle>, $n" "$pid" hello-get "orq list, cursor" "$size" \
    "p99<5$([[ $size != "$SMALL" ]] && echo ';scale<=2')" - \
    -- GET "$url/v2/identities?limit=50&starting_after=$mid" -H "$ORQ_KEY" --expect 200 --items 50 -- \
    "${WRK[@]}" -H "$ORQ_KEY" "$url/v2/identities?limit=50&starting_after=$mid"
  load_row "orq retrieve <middle>, $n" "$pid" hello-get "orq retrieve" "$size" \
    "p99<5$([[ $size != "$SMALL" ]] && echo ';scale<=1.5')" - \
    -- GET "$url/v2/identities/$mid" -H "$ORQ_KEY" --expect 200 -- "${WRK[@]}" -H "$ORQ_KEY" "$url/v2/identities/$mid"
  load_row "orq list ?limit=50&search=ex, $n" "$pid" hello-get "orq list, search" "$size" \
    "p99<5$([[ $size != "$SMALL" ]] && echo ';scale<=2')" - \
    -- GET "$url/v2/identities?limit=50&search=ex" -H "$ORQ_KEY" --expect 200 --items 50 -- \
    "${WRK[@]}" -H "$ORQ_KEY" "$url/v2/identities?limit=50&search=ex"
  load_row "orq list ?search=<no match> (scans), $n, 1 connection" "$pid" - "orq list, search matching nothing" "$size" - - \
    -- GET "$url/v2/identities?limit=50&search=zz-nobody" -H "$ORQ_KEY" --expect 200 --items 0 -- \
    "${WRK_SEQUENTIAL[@]}" -H "$ORQ_KEY" "$url/v2/identities?limit=50&search=zz-nobody"
  load_row "orq list ?sort_by=display name (secondary index), $n, 1 connection" "$pid" - "orq list, sorted by name" "$size" - - \
    -- GET "$url/v2/identities?limit=50&sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME" -H "$ORQ_KEY" --expect 200 --items 50 -- \
    "${WRK_SEQUENTIAL[@]}" -H "$ORQ_KEY" "$url/v2/identities?limit=50&sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME"
  kill_server "$pid"
done

# The baseline once more, at the end: the ratios use the better of the two runs of each, so a
# disturbance of the machine during one of them makes the ratios stricter, never looser.
load_row "hello GET (bare hyper, again at the end)" "$HELLO_PID" - - - - - \
  -- GET "$HELLO_URL/" --expect 200 -- "${WRK[@]}" "$HELLO_URL/"
load_row "hello POST (bare hyper, again at the end)" "$HELLO_PID" - - - - letta \
  -- POST "$HELLO_URL/" --body "{}" --expect 200 -- "${WRK[@]}" "$HELLO_URL/"
kill_server "$HELLO_PID"

# ---------------------------------------------------------------------------------------------
# The table

echo
echo "identity-mock load benchmark: wrk -t$THREADS -c$CONNECTIONS -d$DURATION over loopback, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)')"
echo "vs hello = req/s over the bare hyper hello-world's GET (POST for creates): rows with a ratio target are paired with a hello run"
echo "loaded the same way just before them (its req/s in the note); other rows use the better of the two hello rows of the run"
echo "[Nx cost] = req/s at the small size over req/s at this size; peak RSS = VmHWM during the row"
echo "startup rows: p50 = median, p99 = slowest start; 1-connection rows use wrk -t1 -c1${PEAK_NOTE:+; $PEAK_NOTE}"
echo "each load row follows ${WARMUP} of the same load, unmeasured"
echo
helper table "$ROWS"
