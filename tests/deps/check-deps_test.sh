#!/usr/bin/env bash
# Shows that tests/deps/check-deps.sh catches a package deploy/install-deps.sh
# fails to name: it passes with the real lists, and fails, naming the file and
# the package, when a list lacks libgmock-dev (the gap issue 7 found on a fresh
# Debian 12), lacks a run package, or lacks the fuzzer runtime; and it reports
# a file that no package owns. Usage (ctest does this): check-deps_test.sh BUILD_DIR
# where BUILD_DIR is a complete build with the tests (TECHRENO_TESTS=ON).
set -uo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
check=$src/tests/deps/check-deps.sh
work=$(mktemp -d /tmp/techreno-check-deps-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

run_list=$("$src/deploy/install-deps.sh" --list | tr '\n' ' ')
test_list=$(comm -13 <("$src/deploy/install-deps.sh" --list | sort) \
  <("$src/deploy/install-deps.sh" --test --list | sort) | tr '\n' ' ')
without() {  # LIST WORD -> LIST without WORD
  local w out=
  for w in $1; do [ "$w" = "$2" ] || out+="$w "; done
  echo "$out"
}

passed=0 failed=0
# expect NAME STATUS [-- PATTERN...] : runs check-deps with $RUN/$TEST lists
# on $BUILDS; the exit status must be STATUS and each grep -E PATTERN must match.
expect() {
  local name=$1 want=$2 rc pat ok=1
  shift 2
  TECHRENO_DEPS_RUN_PACKAGES=$RUN TECHRENO_DEPS_TEST_PACKAGES=$TEST \
    "$check" "${BUILDS[@]}" >"$work/out" 2>&1
  rc=$?
  [ "$rc" = "$want" ] || { echo "  exit status $rc, expected $want"; ok=0; }
  for pat in "$@"; do
    grep -qE -- "$pat" "$work/out" || { echo "  output lacks: $pat"; ok=0; }
  done
  if [ $ok = 1 ]; then
    echo "PASS $name"; passed=$((passed + 1))
  else
    echo "FAIL $name; check-deps said:"; sed 's/^/    /' "$work/out"; failed=$((failed + 1))
  fi
}

BUILDS=("$build")
RUN=$run_list TEST=$test_list
expect "the real lists cover the build" 0 '^check-deps: OK'

# The gap of issue 7: libgtest-dev named, libgmock-dev not.
RUN=$run_list TEST=$(without "$test_list" libgmock-dev)
expect "a test list without libgmock-dev fails, naming gmock/gmock.h" 1 \
  '^  tests/[^ ]+\.cc uses /usr/include/gmock/gmock\.h from libgmock-dev, which deploy/install-deps\.sh does not name \(add it to the test packages\)$' \
  '^check-deps: add to deploy/install-deps\.sh: libgmock-dev \(test\)$'

# A run package named only for the tests: run.sh would not install it.
RUN=$(without "$run_list" libpqxx-dev) TEST="$test_list libpqxx-dev"
expect "libpqxx-dev named only as a test package fails for the server's sources" 1 \
  '^  (clients|libs|services)/[^ ]+\.cc uses /usr/include/pqxx/[^ ]+ from libpqxx-dev, which deploy/install-deps\.sh names only as a test package \(move it to the run packages' \
  '^check-deps: add to deploy/install-deps\.sh: libpqxx-dev \(move from test to run\)$'

# Made-up build trees, as CMake lays them out: CMakeCache.txt, the list of
# targets in CMakeFiles/Makefile.cmake and each target's DependInfo.cmake
# naming its dependency file. fake_tree DIR CACHE_LINE TARGET_DIR SOURCE DEP...
fake_tree() {
  local dir=$1 cache=$2 tdir=$3 source=$4 obj
  shift 4
  obj=$tdir/$(basename "$source").o
  mkdir -p "$dir/CMakeFiles" "$dir/$tdir"
  echo "$cache" >"$dir/CMakeCache.txt"
  printf 'set(CMAKE_DEPEND_INFO_FILES\n  "%s/DependInfo.cmake"\n  )\n' "$tdir" >"$dir/CMakeFiles/Makefile.cmake"
  printf 'set(CMAKE_DEPENDS_DEPENDENCY_FILES\n  "%s" "%s" "gcc" "%s.d"\n  )\n' "$source" "$obj" "$obj" \
    >"$dir/$tdir/DependInfo.cmake"
  : >"$dir/$obj"
  { printf '%s: %s' "$obj" "$source"; printf ' \\\n %s' "$@"; echo; } >"$dir/$obj.d"
}

# A fuzz build (the real one is built after ctest): one libFuzzer target, its
# link replayed with clang's -### as check-deps does.
fuzz=$work/build-fuzz
fake_tree "$fuzz" TECHRENO_FUZZ:BOOL=ON tests/fuzz/CMakeFiles/fuzz_x.dir "$src/tests/fuzz/fuzz_period.cc" \
  "$(clang -print-resource-dir)/include/stddef.h"
echo '/usr/bin/clang++ -fsanitize=fuzzer,address,undefined CMakeFiles/fuzz_x.dir/fuzz_period.cc.o -o fuzz_x' \
  >"$fuzz/tests/fuzz/CMakeFiles/fuzz_x.dir/link.txt"
BUILDS=("$fuzz")
RUN=$run_list TEST=$test_list
expect "a fuzz build is covered by the real lists" 0 '^check-deps: OK'
RUN=$run_list TEST=$(without "$test_list" libclang-rt-14-dev)
expect "a test list without libclang-rt-14-dev fails, naming the fuzzer runtime" 1 \
  '^  linking [^ ]*/tests/fuzz/fuzz_x uses [^ ]*/libclang_rt\.[a-z_]+-x86_64\.a from libclang-rt-14-dev, which deploy/install-deps\.sh does not name' \
  '^check-deps: add to deploy/install-deps\.sh: libclang-rt-14-dev \(test\)$'

# A header installed by hand: no package owns it.
hand=$work/by-hand/include
mkdir -p "$hand"
: >"$hand/handmade.h"
fake_tree "$work/build-hand" TECHRENO_TESTS:BOOL=ON libs/x/CMakeFiles/x.dir "$src/libs/codes/period.cc" \
  "$hand/handmade.h" /usr/include/stdio.h
BUILDS=("$work/build-hand")
expect "a header no package owns is reported" 1 \
  "^  libs/codes/period\.cc uses $hand/handmade\.h, which no Debian package owns"

# Only what the configuration builds counts: an object left behind by a
# target no longer configured (tests/ after TECHRENO_TESTS=OFF) is not read,
# or this list without libgmock-dev would fail.
stale=$work/build-stale
fake_tree "$stale" TECHRENO_TESTS:BOOL=OFF libs/x/CMakeFiles/x.dir "$src/libs/codes/period.cc" /usr/include/stdio.h
mkdir -p "$stale/tests/unit/CMakeFiles/old.dir"
printf 'tests/unit/CMakeFiles/old.dir/old.cc.o: %s /usr/include/gmock/gmock.h\n' \
  "$src/tests/unit/cli_records_test.cc" >"$stale/tests/unit/CMakeFiles/old.dir/old.cc.o.d"
BUILDS=("$stale")
RUN=$run_list TEST=$(without "$test_list" libgmock-dev)
expect "a dependency file of a target not configured is ignored" 0 '^check-deps: OK'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
