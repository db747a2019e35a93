#!/usr/bin/env bash
# SDK conformance checks: the official SDKs, at the versions pinned in versions.env, run against
# identity-mock, and schemathesis against the server's own /openapi.json. Each scenario gets a
# server of its own on a free port.
#
# Usage: bash tests/sdk/run.sh
#
# Environment:
#   IDENTITY_MOCK_BIN  server binary to test; without it, `cargo build --release --bin identity-mock`
#                      runs and target/release/identity-mock is used
#   SDK_PYTHON         the Python that creates the venvs under .sdk-env/ (default: python3)
#   SDK_VERBOSE=1      also print the output of scenarios that pass
#   SCHEMATHESIS_SEED, SCHEMATHESIS_MAX_EXAMPLES, SCHEMATHESIS_REPORT_DIR
#                      tune the schemathesis scenario (see schemathesis.sh)
#
# SDKs are installed under .sdk-env/ at the repository root (git-ignored), one venv per SDK
# version (python: letta-client; letta-current-python: letta-client, newest release; orq-python:
# orq-ai-sdk current; orq-v1-python: orq-ai-sdk v1; schemathesis: schemathesis), and reinstalled
# only when the installed version differs from the pinned one. The Node SDKs (@letta-ai/letta-client,
# its newest release under the npm alias letta-client-current, and @orq-ai/node) are installed
# together into .sdk-env/node/ with `npm ci` from tests/sdk/package.json and package-lock.json, and
# reinstalled only when that lock changes.
# Their versions are pinned in versions.env too: when a pin there differs from package.json, this
# script first updates package.json and package-lock.json to it (commit them).
#
# Output: one PASS/FAIL line per scenario (the reasons indented below a FAIL), then
# "N passed, N failed". The exit status is non-zero if a scenario failed or the setup did.
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SDK_DIR/../.." && pwd)"
# shellcheck source=versions.env
source "$SDK_DIR/versions.env"

PY_ENV="$ROOT/.sdk-env/python"                # letta-client
LETTA_CURRENT_PY_ENV="$ROOT/.sdk-env/letta-current-python"  # letta-client, newest release
ORQ_PY_ENV="$ROOT/.sdk-env/orq-python"        # orq-ai-sdk, current contract
ORQ_V1_PY_ENV="$ROOT/.sdk-env/orq-v1-python"  # orq-ai-sdk, v1 contract
ST_PY_ENV="$ROOT/.sdk-env/schemathesis"       # schemathesis, against /openapi.json
NODE_SDK_ENV="$ROOT/.sdk-env/node"            # @letta-ai/letta-client (twice) and @orq-ai/node
# The Node packages pinned in versions.env, as NAME=SPEC: SPEC is the exact version, or
# npm:PACKAGE@VERSION for a second version of one package under an alias (NAME).
NODE_PINS=("@letta-ai/letta-client=$LETTA_CLIENT_NODE"
  "letta-client-current=npm:@letta-ai/letta-client@$LETTA_CLIENT_CURRENT_NODE"
  "@orq-ai/node=$ORQ_AI_NODE")
NODE_MIN_MAJOR=18     # both SDKs use the global fetch
START_TIMEOUT_S=10    # for the "listening on" line
STOP_TIMEOUT_S=10     # between SIGTERM and exit
SCENARIO_TIMEOUT_S=300
WORK="$(mktemp -d "${TMPDIR:-/tmp}/identity-mock-sdk.XXXXXX")"
SERVER_PID=""
SERVER_URL=""
PASSED=0
FAILED=0

cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
  echo "run.sh: ERROR: $*" >&2
  exit 2
}

indent() { sed 's/^/    /'; }

# ---------------------------------------------------------------- setup

# installed_version PYTHON DIST: the installed version of DIST, or nothing.
installed_version() {
  "$1" -c 'import sys, importlib.metadata as m; print(m.version(sys.argv[1]))' "$2" 2>/dev/null || true
}

# pip_pin ENV DIST VERSION CONSTRAINTS: makes the venv ENV hold exactly DIST==VERSION, with its
# dependencies held to the versions in CONSTRAINTS, or stops the run.
pip_pin() {
  local env=$1 dist=$2 version=$3 constraints=$4 have
  have="$(installed_version "$env/bin/python" "$dist")"
  [[ "$have" == "$version" ]] && return 0
  echo "installing $dist==$version into ${env#"$ROOT/"} (installed: ${have:-none})"
  if ! "$env/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
      -c "$constraints" "$dist==$version" >"$WORK/pip.log" 2>&1; then
    tail -n 30 "$WORK/pip.log" | indent >&2
    die "pip install $dist==$version failed (see above); the $dist scenarios cannot run"
  fi
  have="$(installed_version "$env/bin/python" "$dist")"
  [[ "$have" == "$version" ]] || die "after pip install, $dist is '${have:-missing}', not $version"
}

# python_venv ENV: creates the venv ENV unless it already holds a working Python.
python_venv() {
  local env=$1 python="${SDK_PYTHON:-python3}"
  "$env/bin/python" -c '' 2>/dev/null && return 0
  command -v "$python" >/dev/null || die "$python not found: it is needed to create ${env#"$ROOT/"}"
  echo "creating the Python venv ${env#"$ROOT/"}"
  rm -rf "$env"
  if ! "$python" -m venv "$env" >"$WORK/venv.log" 2>&1; then
    indent <"$WORK/venv.log" >&2
    die "'$python -m venv $env' failed"
  fi
}

# python_sdk ENV DIST VERSION CONSTRAINTS: a venv ENV that holds exactly DIST==VERSION.
python_sdk() {
  python_venv "$1"
  pip_pin "$@"
}

setup_python() {
  python_sdk "$PY_ENV" letta-client "$LETTA_CLIENT_PY" "$SDK_DIR/constraints-letta-python.txt"
  # Two versions of one distribution cannot share a venv: the newest letta-client has its own
  # (its dependencies are 1.7.0's, held by the same constraints).
  python_sdk "$LETTA_CURRENT_PY_ENV" letta-client "$LETTA_CLIENT_CURRENT_PY" "$SDK_DIR/constraints-letta-python.txt"
  # Each orq-ai-sdk has its own venv too.
  python_sdk "$ORQ_PY_ENV" orq-ai-sdk "$ORQ_AI_SDK_PY" "$SDK_DIR/constraints-orq-python.txt"
  python_sdk "$ORQ_V1_PY_ENV" orq-ai-sdk "$ORQ_AI_SDK_V1_PY" "$SDK_DIR/constraints-orq-v1-python.txt"
  python_sdk "$ST_PY_ENV" schemathesis "$SCHEMATHESIS_PY" "$SDK_DIR/constraints-schemathesis-python.txt"
}

# npm_failed WHAT LOG: stops the run after a failed npm command, naming the package npm could not
# get when the log says which (a network failure names the URL it requested).
npm_failed() {
  local what=$1 log=$2 url="" pkg="" name enc
  tail -n 25 "$log" | indent >&2
  url="$(sed -n 's/.*request to \([^ ]*\) failed.*/\1/p' "$log" | head -n 1)"
  if [[ -n "$url" ]]; then
    # The longest package name of the lock (or a pin) that the URL names, plain or %2f-encoded.
    while read -r name; do
      enc="${name/\//%2f}"
      if [[ "$url" == *"/$name"* || "${url,,}" == *"/$enc"* ]] && [[ ${#name} -gt ${#pkg} ]]; then
        pkg="$name"
      fi
    done < <(node_lock_packages; printf '%s\n' "${NODE_PINS[@]%%=*}")
    die "$what: npm could not download ${pkg:-a package} (request to $url failed, see above);" \
      "the Node SDK scenarios cannot run"
  fi
  die "$what failed (see above); the Node SDK scenarios cannot run"
}

# node_lock_packages: the names of the packages in tests/sdk/package-lock.json, one a line.
node_lock_packages() {
  node -e '
    const lock = require(process.argv[1]);
    for (const key of Object.keys(lock.packages || {})) if (key) console.log(key.replace(/^.*node_modules\//, ""));
  ' "$SDK_DIR/package-lock.json" 2>/dev/null || true
}

# pin_version SPEC: the version a NODE_PINS spec names ("1.6.4" or "npm:PACKAGE@1.6.4"), or nothing.
pin_version() {
  local spec=$1
  [[ "$spec" == npm:* ]] && spec="${spec##*@}"
  echo "$spec"
}

# node_json FILE EXPR: the value of the JavaScript expression EXPR over the JSON document `j` in
# FILE, or nothing.
node_json() {
  node -e '
    const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const v = eval(process.argv[2]);
    if (v !== undefined && v !== null) console.log(v);
  ' "$1" "$2" 2>/dev/null || true
}

# sync_node_pins: makes tests/sdk/package.json and package-lock.json pin exactly the versions of
# versions.env, updating both with npm when they do not (a new release is one edit of versions.env).
sync_node_pins() {
  local pin pkg spec stale=()
  for pin in "${NODE_PINS[@]}"; do
    pkg="${pin%%=*}" spec="${pin#*=}"
    [[ -n "$(pin_version "$spec")" ]] || die "versions.env pins no version for $pkg"
    if [[ "$(node_json "$SDK_DIR/package.json" "j.dependencies['$pkg']")" != "$spec" ||
          "$(node_json "$SDK_DIR/package-lock.json" "j.packages['node_modules/$pkg'].version")" != "$(pin_version "$spec")" ]]; then
      stale+=("$pkg@$spec")
    fi
  done
  [[ ${#stale[@]} -eq 0 ]] && return 0
  # CI never edits tracked files: the pins must already agree there.
  [[ -z "${CI:-}" ]] || die "versions.env pins ${stale[*]} but tests/sdk/package.json or package-lock.json do not; run tests/sdk/run.sh once locally and commit both files"
  echo "pinning ${stale[*]} in tests/sdk/package.json and package-lock.json (as versions.env says; commit them)"
  if ! npm install --prefix "$SDK_DIR" --package-lock-only --save-exact --legacy-peer-deps \
      --no-audit --no-fund "${stale[@]}" >"$WORK/npm.log" 2>&1; then
    npm_failed "npm install --package-lock-only ${stale[*]}" "$WORK/npm.log"
  fi
}

# node_sdks_installed: whether .sdk-env/node/node_modules holds what tests/sdk/package-lock.json says.
node_sdks_installed() {
  local pin
  cmp -s "$SDK_DIR/package-lock.json" "$NODE_SDK_ENV/package-lock.json" || return 1
  [[ -f "$NODE_SDK_ENV/node_modules/.package-lock.json" ]] || return 1
  for pin in "${NODE_PINS[@]}"; do
    [[ "$(node_json "$NODE_SDK_ENV/node_modules/${pin%%=*}/package.json" "j.version")" == "$(pin_version "${pin#*=}")" ]] || return 1
  done
}

setup_node() {
  local major
  command -v node >/dev/null || die "node not found: it is needed for the Node SDK scenarios"
  command -v npm >/dev/null || die "npm not found: it is needed to install the Node SDKs"
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$major" -ge $NODE_MIN_MAJOR ]] || die "node $(node --version) is too old: the Node SDKs need $NODE_MIN_MAJOR or later"
  sync_node_pins
  node_sdks_installed && return 0
  echo "installing ${NODE_PINS[*]/=/@} into ${NODE_SDK_ENV#"$ROOT/"} (npm ci)"
  rm -rf "$NODE_SDK_ENV"
  mkdir -p "$NODE_SDK_ENV"
  cp "$SDK_DIR/package.json" "$SDK_DIR/package-lock.json" "$SDK_DIR/.npmrc" "$NODE_SDK_ENV/"
  if ! npm ci --prefix "$NODE_SDK_ENV" --legacy-peer-deps --no-audit --no-fund >"$WORK/npm.log" 2>&1; then
    npm_failed "npm ci (${NODE_PINS[*]/=/@})" "$WORK/npm.log"
  fi
  node_sdks_installed || die "after npm ci, ${NODE_SDK_ENV#"$ROOT/"}/node_modules does not hold ${NODE_PINS[*]/=/@}"
}

setup_server() {
  if [[ -n "${IDENTITY_MOCK_BIN:-}" ]]; then
    BIN="$IDENTITY_MOCK_BIN"
    [[ -f "$BIN" && -x "$BIN" ]] || die "IDENTITY_MOCK_BIN=$BIN is not an executable file"
    return 0
  fi
  if ! (cd "$ROOT" && cargo build --release --bin identity-mock) >"$WORK/build.log" 2>&1; then
    tail -n 40 "$WORK/build.log" | indent >&2
    die "cargo build --release --bin identity-mock failed (see above)"
  fi
  local target="${CARGO_TARGET_DIR:-target}"
  [[ "$target" == /* ]] || target="$ROOT/$target"
  BIN="$target/release/identity-mock"
  [[ -x "$BIN" ]] || die "cargo build succeeded but $BIN is missing"
}

# ---------------------------------------------------------------- one server per scenario

# start_server FLAG...: starts the server, sets SERVER_PID and SERVER_URL. On failure, writes the
# reason to $WORK/reasons and returns 1.
start_server() {
  : >"$WORK/server.out"
  : >"$WORK/server.err"
  "$BIN" --port 0 "$@" >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  local i line
  for ((i = 0; i < START_TIMEOUT_S * 20; i++)); do
    if [[ "$(wc -l <"$WORK/server.out")" -ge 1 ]]; then
      line="$(head -n 1 "$WORK/server.out")"
      if [[ "$line" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]]; then
        SERVER_URL="${BASH_REMATCH[1]}"
        return 0
      fi
      echo "the server's first line is not 'listening on http://127.0.0.1:PORT': $line" >>"$WORK/reasons"
      return 1
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      local rc=0
      wait "$SERVER_PID" || rc=$?
      SERVER_PID=""
      echo "the server exited with status $rc before it printed 'listening on'" >>"$WORK/reasons"
      return 1
    fi
    sleep 0.05
  done
  echo "the server printed no 'listening on' line within ${START_TIMEOUT_S} s" >>"$WORK/reasons"
  return 1
}

# stop_server: SIGTERM, then expects exit status 0 within STOP_TIMEOUT_S and nothing more on
# stdout than the one "listening on" line. Problems go to $WORK/reasons (returns 1).
stop_server() {
  local i rc=0 problems=0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT_S * 20; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the server did not exit within ${STOP_TIMEOUT_S} s of SIGTERM (killed)" >>"$WORK/reasons"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    problems=1
  fi
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  if [[ $problems -eq 0 && $rc -ne 0 ]]; then
    echo "the server exited with status $rc after SIGTERM (expected 0)" >>"$WORK/reasons"
    problems=1
  fi
  if [[ "$(wc -l <"$WORK/server.out")" -ne 1 ]]; then
    echo "the server printed more than the one 'listening on' line on stdout:" >>"$WORK/reasons"
    indent <"$WORK/server.out" >>"$WORK/reasons"
    problems=1
  fi
  return $problems
}

# scenario LABEL MODE [SERVER_FLAG...] -- COMMAND...: runs COMMAND against a fresh server, with
# IDENTITY_MOCK_BASE_URL and IDENTITY_MOCK_MODE set, and prints PASS or FAIL for LABEL.
scenario() {
  local label=$1 mode=$2 flags=() status=0
  shift 2
  while [[ "$1" != "--" ]]; do
    flags+=("$1")
    shift
  done
  shift
  : >"$WORK/reasons"
  : >"$WORK/scenario.out"
  if start_server "${flags[@]}"; then
    local runner=()
    command -v timeout >/dev/null && runner=(timeout "$SCENARIO_TIMEOUT_S")
    # NO_PROXY: a proxy configured for the registries must not catch requests to the local server.
    IDENTITY_MOCK_BASE_URL="$SERVER_URL" IDENTITY_MOCK_MODE="$mode" \
      NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" \
      no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" \
      "${runner[@]}" "$@" >"$WORK/scenario.out" 2>&1 </dev/null || status=$?
    if [[ $status -eq 124 && ${#runner[@]} -gt 0 ]]; then
      echo "the scenario did not finish within ${SCENARIO_TIMEOUT_S} s" >>"$WORK/reasons"
    elif [[ $status -ne 0 ]]; then
      echo "the scenario exited with status $status:" >>"$WORK/reasons"
    fi
    [[ $status -eq 0 ]] || indent <"$WORK/scenario.out" >>"$WORK/reasons"
    stop_server || status=1
  else
    status=1
    # stop a server that is still running (e.g. one that printed a wrong line)
    if [[ -n "$SERVER_PID" ]]; then
      kill -KILL "$SERVER_PID" 2>/dev/null || true
      wait "$SERVER_PID" 2>/dev/null || true
      SERVER_PID=""
    fi
  fi
  if [[ $status -eq 0 ]]; then
    PASSED=$((PASSED + 1))
    echo "PASS $label"
    [[ "${SDK_VERBOSE:-}" != 1 ]] || indent <"$WORK/scenario.out"
  else
    FAILED=$((FAILED + 1))
    echo "FAIL $label"
    if [[ -s "$WORK/server.err" ]]; then
      echo "server stderr:" >>"$WORK/reasons"
      tail -n 20 "$WORK/server.err" | indent >>"$WORK/reasons"
    fi
    indent <"$WORK/reasons"
  fi
}

# ---------------------------------------------------------------- main

setup_python
setup_node
setup_server

LETTA_PY_LABEL="letta-client $LETTA_CLIENT_PY (python)"
export LETTA_CLIENT_PY
scenario "$LETTA_PY_LABEL: default" default \
  -- "$PY_ENV/bin/python" "$SDK_DIR/letta_python.py"
scenario "$LETTA_PY_LABEL: fix-upstream-bugs" fix-upstream-bugs --fix-upstream-bugs \
  -- "$PY_ENV/bin/python" "$SDK_DIR/letta_python.py"
# The newest letta-client has no client.identities: identities as /v1/agents and /v1/blocks see
# them (no route it uses behaves differently under --fix-upstream-bugs, so one mode).
export LETTA_CLIENT_CURRENT_PY
scenario "letta-client $LETTA_CLIENT_CURRENT_PY (python): default" default \
  -- "$LETTA_CURRENT_PY_ENV/bin/python" "$SDK_DIR/letta_current_python.py"

# One scenario file for both orq-ai-sdk versions; IDENTITY_MOCK_MODE names the API revision.
export ORQ_AI_SDK_PY ORQ_AI_SDK_V1_PY
scenario "orq-ai-sdk $ORQ_AI_SDK_PY (python): current" current \
  -- "$ORQ_PY_ENV/bin/python" "$SDK_DIR/orq_python.py"
scenario "orq-ai-sdk $ORQ_AI_SDK_V1_PY (python): v1" v1 --orq-api v1 \
  -- "$ORQ_V1_PY_ENV/bin/python" "$SDK_DIR/orq_python.py"

# The Node scenarios load the SDKs from the npm prefix IDENTITY_MOCK_NODE_PREFIX names.
export IDENTITY_MOCK_NODE_PREFIX="$NODE_SDK_ENV" LETTA_CLIENT_NODE LETTA_CLIENT_CURRENT_NODE ORQ_AI_NODE
LETTA_NODE_LABEL="@letta-ai/letta-client $LETTA_CLIENT_NODE (node)"
scenario "$LETTA_NODE_LABEL: default" default \
  -- node "$SDK_DIR/letta_node.mjs"
scenario "$LETTA_NODE_LABEL: fix-upstream-bugs" fix-upstream-bugs --fix-upstream-bugs \
  -- node "$SDK_DIR/letta_node.mjs"
scenario "@letta-ai/letta-client $LETTA_CLIENT_CURRENT_NODE (node): default" default \
  -- node "$SDK_DIR/letta_current_node.mjs"
scenario "@orq-ai/node $ORQ_AI_NODE (node): current" current \
  -- node "$SDK_DIR/orq_node.mjs"

# schemathesis against GET /openapi.json: no 5xx at all and no response the document does not
# describe (checks, exclusions and bounds in schemathesis.sh). --fix-upstream-bugs turns the Letta
# server's faithful 500s into the documented 404/422; --journal-size 0 keeps the run's thousands
# of requests out of memory; --seed 1 makes the ids, and so the whole run, the same every time.
export SCHEMATHESIS_PY
scenario "schemathesis $SCHEMATHESIS_PY (python): openapi" openapi \
  --fix-upstream-bugs --journal-size 0 --seed 1 \
  -- bash "$SDK_DIR/schemathesis.sh" "$ST_PY_ENV/bin/schemathesis"

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
