#!/usr/bin/env bash
# The packages as users get them. Builds dist/ with packaging/build.sh, installs the wheel into a
# fresh venv and the npm tarballs into a fresh npm project (identity-mock from the local files
# only; the SDKs and test runners from the registries), then runs:
#   - mypy --strict over the Python module, and its unit tests (packaging/python/tests) against
#     the installed wheel,
#   - the pytest example suite (examples/python), once plainly and once with `pytest -n 2`,
#   - `npx identity-mock` as a command,
#   - the Vitest and Jest example suites (examples/node), and tsc over the package's types,
#   - the unit tests of the Node module (packaging/npm/identity-mock/test).
# Part of the README's test command (tests/run.sh).
#
# Environment: PACKAGES_PYTHON, the Python for the venv (default: python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MYPY_VERSION=2.4.1  # checks that the typed Python module (py.typed) holds its types
WORK="$(mktemp -d "${TMPDIR:-/tmp}/identity-mock-packages.XXXXXX")"
SERVER_PID=""
cleanup() {
  [[ -z "$SERVER_PID" ]] || kill -KILL "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# A check that is not a test runner's: tests/run.sh counts these "check passed/failed" lines.
fail() {
  echo "check failed: $*"
  exit 1
}
passed() { echo "check passed: $*"; }
step() { echo "--- $*"; }
# The servers are local: a proxy configured for the registries must not catch their requests.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

step "packaging/build.sh"
bash "$ROOT/packaging/build.sh"
BINARY="$ROOT/target/packaging/identity-mock"
shopt -s nullglob
wheels=("$ROOT"/dist/identity_mock-*.whl)
tarballs=("$ROOT"/dist/identity-mock-*.tgz)
[[ ${#wheels[@]} -eq 1 ]] || fail "expected one wheel in dist/, found ${#wheels[@]}"
[[ ${#tarballs[@]} -eq 2 ]] || fail "expected two npm tarballs in dist/, found ${#tarballs[@]}"
VERSION="$(basename "${wheels[0]}" | cut -d- -f2)"
passed "build.sh leaves one wheel and two npm tarballs in dist/"

if [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]]; then
  step "the wheel is manylinux_2_17 (auditwheel show)"
  report="$("$ROOT/.packaging-env/bin/auditwheel" show "${wheels[0]}" | tr '\n' ' ')"
  [[ "$report" == *'consistent with the following platform tag: "manylinux_2_17_x86_64"'* ]] ||
    fail "auditwheel does not accept the wheel as manylinux_2_17_x86_64: $report"
  passed "auditwheel accepts the wheel as manylinux_2_17_x86_64"
fi

step "Python: a fresh venv with the wheel, the SDKs and pytest"
"${PACKAGES_PYTHON:-python3}" -m venv "$WORK/py"
PY="$WORK/py/bin/python"
"$PY" -m pip install --disable-pip-version-check --no-input --quiet "${wheels[0]}" \
  -r "$ROOT/examples/python/requirements.txt" \
  -c "$ROOT/tests/sdk/constraints-letta-python.txt" -c "$ROOT/tests/sdk/constraints-orq-python.txt"
[[ "$("$WORK/py/bin/identity-mock" --version)" == "identity-mock $VERSION" ]] ||
  fail "the wheel's identity-mock command does not report version $VERSION"
passed "the wheel puts identity-mock $VERSION on the venv's PATH"

step "Python: the module type-checks (mypy --strict)"
"$PY" -m pip install --disable-pip-version-check --no-input --quiet "mypy==$MYPY_VERSION"
"$PY" -m mypy --strict --no-incremental --cache-dir "$WORK/mypy" "$ROOT/packaging/python/src/identity_mock" ||
  fail "mypy --strict"
passed "mypy --strict over the identity_mock module"
step "Python: unit tests of the identity_mock module"
(cd "$WORK" && "$PY" -m pytest -q -p no:cacheprovider --basetemp="$WORK/pytest-unit" "$ROOT/packaging/python/tests")
step "Python: examples/python"
(cd "$ROOT/examples/python" && "$PY" -m pytest -q -p no:cacheprovider --basetemp="$WORK/pytest-examples")
step "Python: examples/python with pytest -n 2"
(cd "$ROOT/examples/python" && "$PY" -m pytest -q -p no:cacheprovider --basetemp="$WORK/pytest-xdist" -n 2)

step "Node: a fresh npm project with the tarballs, the SDKs, Vitest and Jest"
mkdir "$WORK/node"
(cd "$ROOT/examples/node" && tar --exclude=node_modules -cf - .) | (cd "$WORK/node" && tar -xf -)
cd "$WORK/node"
npm ci --no-audit --no-fund --loglevel=error
npm install --no-audit --no-fund --loglevel=error "${tarballs[@]}"
installed="node_modules/$(cd "$ROOT/packaging/npm/identity-mock" && node -e 'import("./index.js").then(m => console.log(m.platformPackage()))')"
cmp -s "$installed/bin/identity-mock" "$BINARY" || fail "$installed does not hold the binary that was packaged"
passed "the platform package came from dist/ with the packaged binary"

step "Node: the identity-mock command"
[[ "$(npx --no-install identity-mock --version)" == "identity-mock $VERSION" ]] || fail "npx identity-mock --version"
passed "npx identity-mock --version"
# The command npx runs, started directly: npm exec itself does not pass SIGTERM on.
node_modules/.bin/identity-mock --port 0 --empty >"$WORK/npx.out" &
SERVER_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/npx.out" ]] && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$WORK/npx.out")"
[[ -n "$url" ]] || fail "identity-mock --port 0 printed no 'listening on' line"
[[ "$(node -e 'fetch(process.argv[1]).then(r => r.text()).then(console.log)' "$url/v1/identities/count")" == 0 ]] ||
  fail "the server npx started does not answer"
kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
[[ $status -eq 0 ]] || fail "the identity-mock command exited with $status after SIGTERM (the launcher passes signals on)"
passed "the identity-mock command serves and exits 0 on SIGTERM"

step "Node: the TypeScript declarations type-check (tsc, strict)"
npm run -s typecheck || fail "tsc over the package's declarations"
passed "tsc --strict over the package's declarations"
step "Node: examples/node with Vitest"
npm run -s test:vitest
step "Node: examples/node with Jest"
npm run -s test:jest
step "Node: unit tests of the identity-mock package"
cd "$ROOT/packaging/npm/identity-mock"
IDENTITY_MOCK_BINARY="$BINARY" node --test --test-reporter=spec test/
echo "packages: all passed"
