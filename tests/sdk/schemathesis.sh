#!/usr/bin/env bash
# Conformance scenario: schemathesis (property-based API testing) against the server's own
# OpenAPI document, GET /openapi.json. Run by tests/sdk/run.sh against a fresh server started with
# --fix-upstream-bugs (so the Letta server's faithful 500s, for unknown agent/block ids and
# negative limits, are 404/422 there and no 5xx at all is expected), --journal-size 0 and --seed 1
# (the server's ids, which the stateful phase feeds back, are then the same on every run: with the
# fixed SCHEMATHESIS_SEED, a run sends the same requests every time).
#
# Usage: bash tests/sdk/schemathesis.sh SCHEMATHESIS_BIN
#
# Environment:
#   IDENTITY_MOCK_BASE_URL      the server, e.g. http://127.0.0.1:41645 (required; set by run.sh)
#   SCHEMATHESIS_PY             the pinned version (versions.env); checked against the installed one
#   SCHEMATHESIS_SEED           the generation seed (default 1, so a failure reproduces run to run)
#   SCHEMATHESIS_MAX_EXAMPLES   test cases per operation and phase (default 100)
#   SCHEMATHESIS_REPORT_DIR     if set, also write JUnit, NDJSON and HAR reports there
#
# Passes only when schemathesis finds no failure. Each failure is printed with a curl command that
# reproduces it (the Authorization value is not hidden: it is the fixed test key "schemathesis").
set -euo pipefail

ST=${1:?usage: schemathesis.sh SCHEMATHESIS_BIN}
: "${IDENTITY_MOCK_BASE_URL:?IDENTITY_MOCK_BASE_URL is not set}"
SEED=${SCHEMATHESIS_SEED:-1}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-100}
# A hard stop under run.sh's per-scenario limit (300 s): a normal run takes 70–90 s (about 6,400
# test cases).
TIME_LIMIT_S=240

version="$("$ST" --version)"
if [[ -n "${SCHEMATHESIS_PY:-}" && "$version" != *" $SCHEMATHESIS_PY" ]]; then
  echo "installed: '$version', pinned: $SCHEMATHESIS_PY" >&2
  exit 1
fi

# Hypothesis and schemathesis may write into the working directory: keep that out of the repo.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/identity-mock-schemathesis.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

reports=()
if [[ -n "${SCHEMATHESIS_REPORT_DIR:-}" ]]; then
  mkdir -p "$SCHEMATHESIS_REPORT_DIR"
  reports=(--report junit,ndjson,har --report-dir "$(cd "$SCHEMATHESIS_REPORT_DIR" && pwd)")
fi

args=(
  run "$IDENTITY_MOCK_BASE_URL/openapi.json"
  # orq needs a bearer key on every request (it is also the orq workspace and the namespace of the
  # requests that send no X-Mock-Namespace); Letta ignores it, as upstream does without --secure.
  --header "Authorization: Bearer schemathesis"
  # The checks the reliability goal names: no 5xx at all (with --fix-upstream-bugs), and every
  # response's status code, content type and body as the document describes them. The document
  # also describes the orq Location header, so its headers are checked too.
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
  # Admin operations left out, because they would disturb the rest of the run:
  #   POST /__admin/reset            (reset)          wipes what the stateful phase created, mid-run;
  #   POST /__admin/faults           (add_fault)      a fault makes later responses fail on purpose
  #                                                   (any status, dropped connections, delays);
  #   DELETE /__admin/faults         (clear_faults),
  #   DELETE /__admin/faults/{id}    (remove_fault),
  #   DELETE /__admin/requests       (clear_requests) every DELETE under /__admin: they only undo
  #                                                   the two above or empty the journal (off here).
  # Every other operation is tested, the read-only admin ones and POST /__admin/fixtures included.
  --exclude-operation-id reset
  --exclude-operation-id add_fault
  --exclude-operation-id clear_faults
  --exclude-operation-id remove_fault
  --exclude-operation-id clear_requests
  # Bounded: MAX_EXAMPLES cases per operation in each phase (examples, coverage, fuzzing, and the
  # stateful phase, which follows the links schemathesis infers and costs a few seconds). No
  # --max-time: with it, fuzzing and stateful testing repeat until the whole budget is spent.
  --max-examples "$MAX_EXAMPLES"
  # Report every distinct failure of an operation, not only the first one found.
  --continue-on-failure
  --seed "$SEED"
  --workers 1
  --request-timeout 10
  --generation-database none
  --output-sanitize false
  --no-color
)

status=0
timeout "$TIME_LIMIT_S" "$ST" "${args[@]}" "${reports[@]}" || status=$?
if [[ $status -eq 124 ]]; then
  echo "schemathesis did not finish within ${TIME_LIMIT_S} s (seed $SEED, $MAX_EXAMPLES examples)" >&2
fi
exit "$status"
