#!/usr/bin/env bash
# Builds and runs every test: unit and integration tests (ctest) against a
# throwaway PostgreSQL started here on a free port in a temp dir and removed on
# exit, whatever state ./var is in; then each libFuzzer target for a bounded
# number of runs. TECHRENO_WERROR=ON builds with -Werror (CI does). Each build
# is then checked to use only packages deploy/install-deps.sh names
# (tests/deps/check-deps.sh), so that a package this machine happens to have
# cannot hide a gap that a fresh Debian 12 would hit.
set -euo pipefail
. "$(dirname "$0")/../deploy/local/common.sh"

# The run packages and the test-only ones (GoogleTest, gmock, clang...).
"$TECHRENO_ROOT/deploy/install-deps.sh" --test
echo "== build"
# TECHRENO_TESTS=ON explicitly: deploy/local/run.sh turns it off in the same tree.
techreno_build -DTECHRENO_TESTS=ON -DTECHRENO_WERROR="${TECHRENO_WERROR:-OFF}"
echo "== packages the build uses"
"$TECHRENO_ROOT/tests/deps/check-deps.sh" "$BUILD_DIR"

echo "== throwaway PostgreSQL"
PGTMP=$(mktemp -d /tmp/techreno-test-pg.XXXXXX)
chmod 755 "$PGTMP"
cleanup() { pg_stop "$PGTMP"; rm -rf "$PGTMP"; }
trap cleanup EXIT
pg_init "$PGTMP"
port=$(pg_free_port 55432)
PG_FSYNC=off pg_start "$PGTMP" "$port"
export TECHRENO_TEST_DSN="host=127.0.0.1 port=$port user=postgres dbname=postgres"
export TECHRENO_REQUIRE_DB=1
echo "PostgreSQL on 127.0.0.1:$port ($PGTMP)"

echo "== ctest"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "${JOBS:-2}" --timeout 1800

echo "== fuzz (bounded)"
FUZZ_BUILD=$TECHRENO_ROOT/build-fuzz
CC=clang CXX=clang++ cmake -S "$TECHRENO_ROOT" -B "$FUZZ_BUILD" -DTECHRENO_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$FUZZ_BUILD" -j "${JOBS:-2}"
"$TECHRENO_ROOT/tests/deps/check-deps.sh" "$FUZZ_BUILD"  # clang's runtime: libclang-rt-14-dev
runs=${FUZZ_RUNS:-50000}
for target in fuzz_credit_code fuzz_project_code fuzz_period fuzz_region_csv fuzz_wire_check \
    fuzz_cli_csv fuzz_xlsx_sheet; do
  corpus=$(mktemp -d)
  cp "$TECHRENO_ROOT/tests/fuzz/corpus/$target/"* "$corpus/"
  "$FUZZ_BUILD/tests/fuzz/$target" -runs="$runs" "$corpus" >"$corpus.log" 2>&1 \
    || { tail -40 "$corpus.log"; echo "$target FAILED"; exit 1; }
  echo "$target: $runs runs, no crash"
  rm -rf "$corpus" "$corpus.log"
done
echo "all tests passed"
