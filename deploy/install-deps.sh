#!/usr/bin/env bash
# Installs the Debian 12 packages techreno builds and runs with. Idempotent and
# quick when everything is there: apt-get runs only for what is missing.
#
#   deploy/install-deps.sh                 what building and running the server
#                                          and the CLI needs (deploy/local/run.sh)
#   deploy/install-deps.sh --test          that plus what only the tests need
#                                          (tests/run.sh)
#   deploy/install-deps.sh [--test] --list prints those package names, one a
#                                          line, and installs nothing
#
# These two lists are the only place packages are named: tests/deps/check-deps.sh
# reads them (through --list) and fails when the build uses a header, library
# or tool from a package that neither names nor pulls in through Depends.
set -euo pipefail

# Building and running techreno-server and the techreno CLI.
run_packages=(
  build-essential cmake pkg-config ccache git
  acl                                 # setfacl: lets the postgres user reach ./var under root
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  golang-github-gogo-googleapis-dev   # google/rpc/*.proto for rich error details
  libpqxx-dev libabsl-dev libssl-dev
  libcli11-dev                        # CLI11: the techreno command line
  libxlsxwriter-dev                   # libxlsxwriter: the CLI's .xlsx output
  libzip-dev libxml2-dev              # reading .xlsx workbooks (a zip of XML parts)
  postgresql postgresql-client
)
# Only the tests: unit and integration tests, and the libFuzzer targets.
test_packages=(
  libgtest-dev libgmock-dev           # GoogleTest; gmock's headers are not in libgtest-dev
  clang libclang-rt-14-dev            # libFuzzer targets (clang's runtime is a separate package)
  openssl                             # the end-to-end test's TLS certificates
  python3-openpyxl                    # reads the CLI's .xlsx back in the end-to-end test
  chromium fonts-wqy-microhei         # renders the semi-annual report (a CJK font for its text)
)

with_tests=0 list=0
for arg in "$@"; do
  case $arg in
    --test) with_tests=1 ;;
    --list) list=1 ;;
    *) echo "usage: $0 [--test] [--list]" >&2; exit 2 ;;
  esac
done
packages=("${run_packages[@]}")
[ "$with_tests" -eq 0 ] || packages+=("${test_packages[@]}")
if [ "$list" -eq 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >&2
