#!/usr/bin/env bash
# End-to-end tests of the admin page (/__admin/ui/) in headless Chromium, driven by playwright-core
# with Node's test runner. Each test file starts its own server(s) on free ports.
#
# Usage: bash tests/ui/run.sh [test files…]
#
# Environment:
#   IDENTITY_MOCK_BIN  server binary to test; without it, `cargo build --release --bin identity-mock`
#                      runs and target/release/identity-mock is used
#   CHROMIUM_BIN       the browser (default /usr/bin/chromium; installed with apt when missing)
#
# Installs on first use: Debian's chromium package (playwright cannot download its own browser
# here), and playwright-core at the version pinned in package-lock.json, with `npm ci` into
# tests/ui/node_modules (git-ignored), again only when the lock changes.
# Screenshots of every view land in target/ui-screenshots/.
# Output: node's test report ("# pass N", "# fail N"); the exit status is non-zero on a failure.
set -euo pipefail

UI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$UI_DIR/../.." && pwd)"
CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM_BIN" ]]; then
  echo "ui: installing chromium (Debian package)"
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq chromium >/dev/null
fi

command -v node >/dev/null || { echo "ui: node is needed (20 or later)" >&2; exit 1; }
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
if (( NODE_MAJOR < 20 )); then
  echo "ui: node 20 or later is needed, found $(node --version)" >&2
  exit 1
fi

# npm ci only when the lock changed since the last install.
LOCK_SUM=$(sha256sum "$UI_DIR/package-lock.json" | cut -d' ' -f1)
STAMP="$UI_DIR/node_modules/.identity-mock-lock"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$LOCK_SUM" ]]; then
  echo "ui: npm ci (playwright-core)"
  (cd "$UI_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$LOCK_SUM" >"$STAMP"
fi

if [[ -z "${IDENTITY_MOCK_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build --release --quiet --bin identity-mock)
  IDENTITY_MOCK_BIN="$ROOT/target/release/identity-mock"
fi
# The tests run from tests/ui/: a path relative to where this script was called from is made absolute.
if [[ "$IDENTITY_MOCK_BIN" != /* ]]; then
  IDENTITY_MOCK_BIN="$(cd "$(dirname "$IDENTITY_MOCK_BIN")" && pwd)/$(basename "$IDENTITY_MOCK_BIN")"
fi
if [[ ! -x "$IDENTITY_MOCK_BIN" ]]; then
  echo "ui: no server binary at $IDENTITY_MOCK_BIN" >&2
  exit 1
fi
export IDENTITY_MOCK_BIN CHROMIUM_BIN
mkdir -p "$ROOT/target/ui-screenshots"

cd "$UI_DIR"
if [[ $# -gt 0 ]]; then
  FILES=("$@")
else
  FILES=(*.test.mjs)
fi
# One file at a time: each starts a browser, and the machine has two cores.
exec node --test --test-concurrency=1 --test-reporter=spec "${FILES[@]}"
