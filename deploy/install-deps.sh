#!/usr/bin/env bash
# Installs the Debian 12 packages techreno builds and runs with. Idempotent and
# quick when everything is there: apt-get runs only for what is missing.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ccache git acl
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  golang-github-gogo-googleapis-dev   # google/rpc/*.proto for rich error details
  libpqxx-dev libabsl-dev libgtest-dev libssl-dev
  postgresql postgresql-client
  clang libclang-rt-14-dev            # libFuzzer targets
)
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
