#!/usr/bin/env bash
# Builds everything a release ships into dist/:
#   identity_mock-VERSION-py3-none-PLATFORM.whl   the Python package (binary + module + pytest plugin)
#   identity-mock-VERSION.tgz                     the main npm package
#   identity-mock-PLATFORM-VERSION.tgz            the npm package with this machine's binary
# One release build of the binary goes into all three. VERSION is Cargo.toml's.
#
# Usage: bash packaging/build.sh
#
# Needs Python 3 (maturin and ziglang are installed from PyPI into .packaging-env/ on first use,
# at the versions in packaging/requirements.txt) and Node.js with npm.
# Environment: PACKAGING_PYTHON, the Python that creates .packaging-env/ (default: python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGING="$ROOT/packaging"
DIST="$ROOT/dist"
ENV_DIR="$ROOT/.packaging-env"
STAGE="$ROOT/target/packaging"

die() {
  echo "build.sh: $*" >&2
  exit 2
}

command -v node >/dev/null || die "node not found: it is needed to pack the npm packages"
command -v npm >/dev/null || die "npm not found: it is needed to pack the npm packages"

VERSION="$(cd "$ROOT" && cargo metadata --no-deps --format-version 1 |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages.find(p=>p.name==="identity-mock").version))')"
[[ -n "$VERSION" ]] || die "cannot read the version from Cargo.toml"

# The build tools, reinstalled only when requirements.txt changes.
if ! cmp -s "$PACKAGING/requirements.txt" "$ENV_DIR/requirements.txt" 2>/dev/null; then
  echo "installing the packaging tools into .packaging-env/ (packaging/requirements.txt)"
  rm -rf "$ENV_DIR"
  "${PACKAGING_PYTHON:-python3}" -m venv "$ENV_DIR" || die "cannot create the venv .packaging-env/"
  "$ENV_DIR/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
    -r "$PACKAGING/requirements.txt" || die "pip install -r packaging/requirements.txt failed"
  cp "$PACKAGING/requirements.txt" "$ENV_DIR/requirements.txt"
fi

mkdir -p "$DIST"
rm -f "$DIST"/identity_mock-*.whl "$DIST"/identity-mock-*.tgz

# The wheel. On Linux, zig links the binary against glibc 2.17 symbols, so the wheel is
# manylinux2014 (maturin checks the symbols the way auditwheel does and refuses otherwise).
maturin_args=(build --release --out "$DIST")
if [[ "$(uname -s)" == Linux ]]; then
  maturin_args+=(--zig --compatibility manylinux2014)
fi
echo "building the wheel (cargo build --release through maturin)"
(cd "$PACKAGING/python" && PATH="$ENV_DIR/bin:$PATH" "$ENV_DIR/bin/maturin" "${maturin_args[@]}")
shopt -s nullglob
wheels=("$DIST"/identity_mock-"$VERSION"-*.whl)
[[ ${#wheels[@]} -eq 1 ]] || die "expected one wheel for $VERSION in dist/, found ${#wheels[@]}"

# The npm packages carry the very binary of the wheel; it also stays at target/packaging/identity-mock
# for the tests.
mkdir -p "$STAGE"
"$ENV_DIR/bin/python" - "${wheels[0]}" "$STAGE/identity-mock" <<'PY'
import os, sys, zipfile
wheel, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    [name] = [n for n in archive.namelist() if n.endswith(".data/scripts/identity-mock")]
    with open(out, "wb") as file:
        file.write(archive.read(name))
os.chmod(out, 0o755)
PY
mapfile -t package_dirs < <(node "$PACKAGING/npm/stage.mjs" "$VERSION" "$STAGE/identity-mock" "$STAGE/npm")
for dir in "${package_dirs[@]}"; do
  (cd "$dir" && npm pack --silent --pack-destination "$DIST" >/dev/null) || die "npm pack failed in $dir"
done

echo "dist/ holds, for version $VERSION:"
(cd "$DIST" && ls -1 identity_mock-"$VERSION"-*.whl identity-mock-*"$VERSION".tgz | sed 's/^/  /')
