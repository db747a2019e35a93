#!/usr/bin/env bash
# Mutation testing with cargo-mutants (https://mutants.rs, `cargo install cargo-mutants --locked`):
# small deliberate bugs in the server's data code, each of which the Rust tests should catch.
# Slow (every mutant is a rebuild and a test run), so it is not part of .ci/run nor tests/run.sh.
#
#   bash tests/mutants.sh                      the four areas: src/letta/, src/orq/, src/store.rs,
#                                              src/namespaces.rs
#   bash tests/mutants.sh src/store.rs ...     only these files (globs as cargo-mutants takes them)
#   bash tests/mutants.sh --shard 2/8 src/orq  one shard of the mutants (any cargo-mutants option
#                                              before the files is passed on: --list, -j 2, ...)
#   bash tests/mutants.sh --sharding round-robin --shard 0/4 src/letta
#                                              every fourth mutant: a sample spread over the files
#   bash tests/mutants.sh -F ' in hex_char$' src/orq
#                                              the mutants whose names match (cargo-mutants --re)
#
# Two passes: every mutant is first tested with the quick tests (MUTANTS_QUICK_TESTS), and the
# ones that survive them are tested again with the whole suite (MUTANTS_TESTS). A mutant counts as
# caught when either pass catches it, so the figures are the whole suite's, in a fraction of the
# time (most mutants fail the quick tests).
#
# Environment:
#   MUTANTS_TIMEOUT        seconds a test run of one mutant may take (default 180): a mutant that
#                          makes the server loop counts as "timeout", which counts as caught.
#   MUTANTS_BUILD_TIMEOUT  seconds a build of one mutant may take (default 900).
#   MUTANTS_QUICK_TESTS    the first pass's cargo test targets (default: the unit tests and the
#                          vendor API, replay and toolkit tests); "" for a single pass.
#   MUTANTS_TESTS          the second pass's targets (default "--lib --tests": every unit and
#                          integration test; doctests, examples and benches add minutes per mutant
#                          and test no data code).
#   MUTANTS_OUT            where cargo-mutants writes mutants.out/ (default target/mutants), and
#                          the second pass recheck/mutants.out/.
#
# tests/mutants-allow.txt lists the mutants that are not to be tested, one regex a line (matched
# against cargo-mutants' mutant name, e.g. "src/store.rs:.*: replace Foo::bar -> usize with 1"),
# each with its reason in a comment above it: equivalent mutants (no behaviour changes) and
# mutants of code no test can observe. A surviving mutant is either killed by a new test or listed
# there with its reason.
#
# The last lines sum the run up per area: caught, missed, unviable (does not build), timeout, and
# the share caught of the viable ones. The exit status is 0 when nothing was missed, 2 when a
# mutant survived both passes, 3 on timeouts only, and cargo-mutants' own status on other failures.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
  echo "cargo-mutants is not installed: cargo install cargo-mutants --locked" >&2
  exit 1
fi

options=()
selection=() # --shard, --sharding and -F/--re choose the first pass's mutants, not the second's
files=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --shard | --sharding | -F | --re)
      selection+=("$1" "$2")
      shift 2
      ;;
    --shard=* | --sharding=* | --re=*) selection+=("$1"); shift ;;
    -j | --jobs | --timeout | --build-timeout | -E | --exclude-re | -e | --exclude | --copy-target | --baseline)
      options+=("$1" "$2")
      shift 2
      ;;
    -*) options+=("$1"); shift ;;
    *) files+=("$1"); shift ;;
  esac
done
if [[ ${#files[@]} -eq 0 ]]; then
  files=(src/letta src/orq src/store.rs src/namespaces.rs)
fi

args=(--timeout "${MUTANTS_TIMEOUT:-180}" --build-timeout "${MUTANTS_BUILD_TIMEOUT:-900}" --no-shuffle)
for file in "${files[@]}"; do
  # A folder stands for every file under it.
  if [[ -d $file ]]; then file="$file/**"; fi
  args+=(--file "$file")
done
while IFS= read -r line; do
  line="${line%%#*}"
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [[ -n $line ]] && args+=(--exclude-re "$line")
done < <(grep -v '^[[:space:]]*#' tests/mutants-allow.txt 2>/dev/null || true)

# cargo test arguments for one pass: "--lib --test x" becomes --cargo-test-arg options.
test_args() {
  local target
  read -r -a targets <<<"$1"
  for target in "${targets[@]}"; do printf '%s\n' --cargo-test-arg "$target"; done
}

# No debug info, and mold as the linker when it is installed: a mutant's rebuild and relink of
# every test binary then takes seconds rather than half a minute.
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-0} CARGO_PROFILE_TEST_DEBUG=${CARGO_PROFILE_TEST_DEBUG:-0}
if [[ -z ${RUSTFLAGS:-} ]] && command -v mold >/dev/null; then
  export RUSTFLAGS="-C link-arg=-fuse-ld=mold"
fi

started=$(date +%s)
first="${MUTANTS_OUT:-target/mutants}"
second="$first/recheck"
quick="${MUTANTS_QUICK_TESTS---lib --test letta_api --test letta_replay --test orq_api --test toolkit}"
whole="${MUTANTS_TESTS:---lib --tests}"
mapfile -t pass_args < <(test_args "${quick:-$whole}")
echo "cargo mutants ${args[*]} ${selection[*]} ${options[*]} ${pass_args[*]}"
cargo mutants "${args[@]}" --output "$first" "${selection[@]}" "${options[@]}" "${pass_args[@]}"
status=$?
listing=0
for option in "${options[@]}"; do [[ $option == --list* ]] && listing=1; done
[[ $listing -eq 1 ]] && exit $status

rm -rf "$second"
if [[ -n $quick && -s $first/mutants.out/missed.txt ]]; then
  # The second pass: only the survivors, each named by an anchored, escaped regex.
  survivors=()
  while IFS= read -r name; do
    survivors+=(--re "^$(printf '%s' "$name" | sed 's/[][\.*^$+?(){}|]/\\&/g')\$")
  done <"$first/mutants.out/missed.txt"
  mapfile -t pass_args < <(test_args "$whole")
  echo "=== $(wc -l <"$first/mutants.out/missed.txt") survived the quick tests: again with $whole"
  cargo mutants "${args[@]}" --output "$second" "${survivors[@]}" "${options[@]}" "${pass_args[@]}"
  status=$?
fi
echo "=== $(($(date +%s) - started)) s"

# mutants.out/{caught,missed,unviable,timeout}.txt list one mutant a line, named by its file. A
# survivor of the first pass is counted by what the second pass made of it (cargo-mutants' --re
# may select a few more than the survivors; their second outcome is not counted twice).
outcomes() {
  local kind=$1 file="$first/mutants.out/$1.txt" rechecked="$second/mutants.out"
  if [[ ! -d $rechecked ]]; then
    cat "$file" 2>/dev/null
    return
  fi
  case $kind in
    missed) cat "$rechecked"/{caught,timeout}.txt 2>/dev/null | grep -vxFf - "$file" ;;
    caught | timeout) grep -xFf "$first/mutants.out/missed.txt" "$rechecked/$kind.txt" | cat "$file" - ;;
    *) cat "$file" ;;
  esac
}
[[ -d $first/mutants.out ]] || exit $status
for area in src/letta/ src/orq/ src/store.rs src/namespaces.rs; do
  declare -A count=()
  for kind in caught missed unviable timeout; do
    count[$kind]=$(outcomes $kind | grep -c "^$area")
  done
  viable=$((count[caught] + count[missed] + count[timeout]))
  [[ $((viable + count[unviable])) -eq 0 ]] && continue
  share="nothing viable"
  if [[ $viable -gt 0 ]]; then
    share="$(awk -v c=$((count[caught] + count[timeout])) -v v=$viable 'BEGIN { printf "%.1f", 100 * c / v }')% caught"
  fi
  echo "$area: ${count[caught]} caught, ${count[missed]} missed, ${count[unviable]} unviable, ${count[timeout]} timeout: $share"
done
if [[ -n $(outcomes missed) ]]; then
  echo "missed (kill each with a test, or list it in tests/mutants-allow.txt with the reason):"
  outcomes missed | sed 's/^/  /'
fi
exit $status
