#!/usr/bin/env bash
# End to end, as an operator would: the real techreno-server binary on a free
# loopback port over a fresh database, the real techreno CLI for the admin
# command and the demo files, then graceful shutdown on SIGTERM.
# Usage (ctest does this): cli_demo_test.sh BUILD_DIR SOURCE_DIR; needs $TECHRENO_TEST_DSN.
set -euo pipefail
build=$1 src=$2
if [ -z "${TECHRENO_TEST_DSN:-}" ]; then
  [ -n "${TECHRENO_REQUIRE_DB:-}" ] && { echo "FAIL: no TECHRENO_TEST_DSN"; exit 1; }
  echo "skipped: set TECHRENO_TEST_DSN"; exit 0
fi
CLI=$build/clients/cli/techreno
SERVER=$build/services/server/techreno-server
DEMO=$src/deploy/local/demo
work=$(mktemp -d)
db=techreno_e2e_$$
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  psql -X -q "$TECHRENO_TEST_DSN" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- last output:"; cat "$work/out" 2>/dev/null; exit 1; }
expect() { grep -q -- "$1" "$work/out" || fail "expected '$1'"; }

psql -X -q "$TECHRENO_TEST_DSN" -c "CREATE DATABASE $db" >/dev/null
export TECHRENO_DB="$TECHRENO_TEST_DSN dbname=$db"
port=50600
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
export TECHRENO_SERVER=127.0.0.1:$port

"$SERVER" --listen="$TECHRENO_SERVER" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q "listening on port" "$work/server.log" && break; sleep 0.1; done
grep -q "listening on port" "$work/server.log" || { cat "$work/server.log"; fail "server did not start"; }

county=$("$CLI" admin create-principal --name=liwan --role=county --scope=440103 2>/dev/null)
city=$("$CLI" admin create-principal --name=guangzhou --role=city --scope=440100 2>/dev/null)
[[ $county == tr_* ]] || fail "create-principal printed '$county'"
"$CLI" admin create-principal --name=bad --role=county --scope=440100 >"$work/out" 2>&1 \
  && fail "a city code was accepted as a county scope"

"$CLI" --token="$county" push enterprises "$DEMO/enterprises.csv" >"$work/out" 2>&1 || true
expect "accepted 5"
"$CLI" --token="$county" push projects "$DEMO/projects.csv" >"$work/out" 2>&1 \
  && fail "a push with a rejected record must exit non-zero"
expect "received 7, accepted 6, unchanged 0, rejected 1"
for rule in region.county_code.scope credit_code.invalid industry_code.invalid \
            project.planned_investment.range project.planned_completion.before_start; do
  expect "$rule"
done
# The same file again: nothing changes, nothing duplicates.
"$CLI" --token="$county" push projects "$DEMO/projects.csv" >"$work/out" 2>&1 || true
expect "accepted 0, unchanged 6, rejected 1"

"$CLI" --token="$county" list projects >"$work/out" 2>&1 || fail "list failed"
expect "6 projects"
expect "440103 荔湾区"
"$CLI" --token="$city" list projects --industry=34 >"$work/out" 2>&1 || fail "city list failed"
expect "通用设备制造业"

code=$("$CLI" --token="$county" --format=json list projects --limit=1 2>/dev/null |
  sed -n 's/.*"project_code": *"\([^"]*\)".*/\1/p' | head -1)
[ -n "$code" ] || fail "no project code in JSON output"
"$CLI" --token="$county" get project "$code" >"$work/out" 2>&1 || fail "get failed"
expect "万元"
"$CLI" --token="$county" withdraw "$code" --reason="企业取消投资计划" >"$work/out" 2>&1 \
  || fail "withdraw failed"
"$CLI" --token="$county" history "$code" >"$work/out" 2>&1 || fail "history failed"
expect "withdraw"
"$CLI" --token="tr_wrong" list projects >"$work/out" 2>&1 && fail "a wrong token was accepted"
expect "UNAUTHENTICATED"

kill -TERM "$server_pid"
wait "$server_pid" || fail "server did not exit cleanly on SIGTERM"
server_pid=
grep -q "SIGTERM received" "$work/server.log" || fail "no graceful shutdown message"
echo "1 passed, 0 failed"
