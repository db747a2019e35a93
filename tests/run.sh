#!/usr/bin/env bash
# Every test of the project, and the README's test command (what CI runs):
#   1. the Rust suite (unit, integration, replay, snapshots, the README's examples, doctests);
#   2. the packages as users install them (tests/packages.sh builds the one release binary);
#   3. the official SDK scenarios against that same binary (tests/sdk/run.sh);
#   4. the differential test's recordings of a real Letta 0.16.8 server, replayed against that
#      binary (tests/differential/diff.py replay; recording them needs the real server);
#   5. the admin page in headless Chromium against that binary (tests/ui/run.sh installs Debian's
#      chromium and playwright-core on first use).
# Each stage runs even when an earlier one failed; the last line sums up the whole run:
# "N passed, M failed", counted from what each test runner reports.
set -uo pipefail
cd "$(dirname "$0")/.."
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/identity-mock-run.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT
FAILED_STAGES=()

# stage NAME COMMAND...: runs COMMAND, shows and keeps its output.
stage() {
  local name=$1 status=0
  shift
  echo "=== $name"
  "$@" 2>&1 | tee "$LOGS/$name.log" || status=$?
  echo "$status" >"$LOGS/$name.status"
  [[ $status -eq 0 ]] || FAILED_STAGES+=("$name (exit status $status)")
}

stage rust cargo test --all-targets --quiet
stage doctests cargo test --doc --quiet
stage packages bash tests/packages.sh
stage sdk env IDENTITY_MOCK_BIN="$PWD/target/packaging/identity-mock" bash tests/sdk/run.sh
stage differential python3 tests/differential/diff.py replay target/packaging/identity-mock tests/data/letta/differential/*.jsonl
stage ui env IDENTITY_MOCK_BIN="$PWD/target/packaging/identity-mock" bash tests/ui/run.sh

# The tests each runner reports as passed and failed (cargo, pytest, Vitest, Jest, node --test, the
# SDK scenarios, the checks of packages.sh). A stage that failed without reporting a failed test
# counts as one failure, so that the sum never hides it.
python3 - "$LOGS" <<'PY'
import pathlib, re, sys

logs = pathlib.Path(sys.argv[1])
patterns = [
    (r"^test result: \w+\. (?P<p>\d+) passed; (?P<f>\d+) failed", "cargo"),
    (r"^(?:=+ )?(?P<all>(?:\d+ (?:passed|failed|errors?|skipped|warnings?|deselected)(?:, )?)+) in [\d.]+s", "pytest"),
    (r"^\s*Tests\s+(?P<all>.*?)\s*\(\d+\)$", "vitest"),
    (r"^Tests:\s+(?P<all>.*) total$", "jest"),
    (r"^\S* ?pass (?P<p>\d+)$", "node"),
    (r"^\S* ?fail (?P<f>\d+)$", "node"),
    (r"^(?P<p>\d+) passed, (?P<f>\d+) failed$", "sdk"),
    (r"^check (?P<word>passed|failed): ", "check"),
]
total_passed = total_failed = 0
parts = []
for log in sorted(logs.glob("*.log"), key=lambda p: p.stat().st_mtime):
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))
    passed = failed = 0
    for line in text.splitlines():
        for pattern, _ in patterns:
            match = re.match(pattern, line)
            if not match:
                continue
            groups = match.groupdict()
            if groups.get("all"):
                passed += sum(int(n) for n in re.findall(r"(\d+) passed", groups["all"]))
                failed += sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)\b", groups["all"]))
            if groups.get("p"):
                passed += int(groups["p"])
            if groups.get("f"):
                failed += int(groups["f"])
            if groups.get("word"):
                passed += groups["word"] == "passed"
                failed += groups["word"] == "failed"
            break
    status = int((logs / f"{log.stem}.status").read_text())
    if status != 0 and failed == 0:
        failed = 1
    total_passed += passed
    total_failed += failed
    parts.append(f"{log.stem} {passed}/{passed + failed}")
print(f"{total_passed} passed, {total_failed} failed ({', '.join(parts)})")
PY
if [[ ${#FAILED_STAGES[@]} -gt 0 ]]; then
  echo "failed: ${FAILED_STAGES[*]}"
  exit 1
fi
