#!/usr/bin/env bash
# The county simulator while PostgreSQL is restarted as after a crash and the
# server is killed (kill -9) and started again, up to three times, as the
# counties push: every county must retry with the
# same request ids and finish, and the server must end up holding exactly the
# generated data set — checked by the simulator through the API, and here
# with SQL against the generator's own counts (no record missing, none twice,
# each correction applied once, the same amounts). The server's 2025 figures by
# city and for the province (QueryAggregates) equal the generator's totals.csv;
# one county's generated files pushed with the CLI change nothing. A second run
# replays everything and writes nothing.
# Usage (ctest does this): loadgen_restart_test.sh BUILD_DIR SOURCE_DIR. It runs a
# PostgreSQL of its own; like the other database tests it runs when $TECHRENO_TEST_DSN is set.
set -euo pipefail
build=$1 src=$2
if [ -z "${TECHRENO_TEST_DSN:-}" ]; then
  [ -n "${TECHRENO_REQUIRE_DB:-}" ] && { echo "FAIL: no TECHRENO_TEST_DSN"; exit 1; }
  echo "skipped: set TECHRENO_TEST_DSN"; exit 0
fi
LOADGEN=$build/clients/loadgen/techreno-loadgen
CLI=$build/clients/cli/techreno
SERVER=$build/services/server/techreno-server
. "$src/deploy/local/pg.sh"
work=$(mktemp -d)
chmod 755 "$work"
server_pid=
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- simulator:"; cat "$work/sim.log" 2>/dev/null || true
  echo "--- server:"; tail -20 "$work/server.log" 2>/dev/null || true
  exit 1
}

# A PostgreSQL of the test's own (the shared test cluster cannot be
# restarted under the other tests), on a free port.
pg_port=$(pg_free_port 55500)
pg_init "$work/pg" || fail "initdb failed"
PG_FSYNC=off pg_start "$work/pg" "$pg_port" || fail "PostgreSQL did not start"
export TECHRENO_DB="host=127.0.0.1 port=$pg_port user=postgres dbname=postgres"
sql() { psql -X -qAt "$TECHRENO_DB" -c "$1"; }
port=$(pg_free_port 50700)
export TECHRENO_SERVER=127.0.0.1:$port

start_server() {
  "$SERVER" --listen="$TECHRENO_SERVER" >>"$work/server.log" 2>&1 &
  server_pid=$!
}
start_server
for _ in $(seq 1 100); do grep -q "listening on port" "$work/server.log" && break; sleep 0.1; done
grep -q "listening on port" "$work/server.log" || fail "server did not start"

# A fixed month, so that the data set is the same whenever the test runs.
data=(--seed=7 --scale=0.03 --as_of=2026-05)
"$LOADGEN" simulate "${data[@]}" --tokens="$work/tokens.env" --concurrency=12 \
  >"$work/sim.log" 2>&1 &
sim_pid=$!
# While the counties push (about 30 s on the project's machine): PostgreSQL
# restarted as after a crash (immediate: no checkpoint, connections cut), then
# the server killed and started again three times. A faster machine may finish
# the push before the last disruptions; the first two must land.
landed=0
disrupt() {  # what: pg | server
  if [ "$1" = pg ]; then
    pg_as_user "$PG_BIN/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 ||
      fail "PostgreSQL did not stop"
    sleep 1
    PG_FSYNC=off pg_start "$work/pg" "$pg_port" || fail "PostgreSQL did not start again"
  else
    kill -9 "$server_pid" 2>/dev/null || fail "the server was not running"
    wait "$server_pid" 2>/dev/null || true
    sleep 0.5
    start_server
  fi
}
for step in "1.5 pg" "2 server" "2.5 server" "2.5 server"; do
  read -r delay what <<<"$step"
  sleep "$delay"
  kill -0 "$sim_pid" 2>/dev/null || break
  disrupt "$what"
  landed=$((landed + 1))
done
[ "$landed" -ge 2 ] || fail "the push ended before PostgreSQL's restart and a server kill"
rc=0
wait "$sim_pid" || rc=$?
sim_pid=
[ "$rc" = 0 ] || fail "the simulator exited $rc"
grep -q "nothing lost, nothing duplicated" "$work/sim.log" || fail "the simulator's check did not pass"
retries=$(sed -n 's/.* \([0-9]*\) retries$/\1/p' "$work/sim.log" | tail -1)
[ "${retries:-0}" -gt 0 ] || fail "no retries: the kills did not land during the push"

# The generator's own counts, from its summary (the same data set, written to files).
"$LOADGEN" generate "${data[@]}" --out="$work/files" >"$work/gen.log" 2>&1 || fail "generate failed"
summary=$(grep '^data set' "$work/gen.log")
num() { sed -n "s/.* \([0-9]*\) $1.*/\1/p" <<<"$summary"; }
enterprises=$(num enterprises) projects=$(num projects) reports=$(num "monthly reports")
corrected=$(sed -n 's/.*(\([0-9]*\) corrected later.*/\1/p' <<<"$summary")
[ -n "$enterprises" ] && [ -n "$projects" ] && [ -n "$reports" ] && [ -n "$corrected" ] ||
  fail "cannot read the generator's summary: $summary"
[ "$(sql 'SELECT count(*) FROM registry_enterprises')" = "$enterprises" ] || fail "enterprises"
[ "$(sql 'SELECT count(*) FROM registry_projects')" = "$projects" ] || fail "projects"
[ "$(sql 'SELECT max(version) FROM registry_projects')" = 1 ] || fail "a project was written twice"
[ "$(sql 'SELECT count(*) FROM monitoring_reports')" = "$reports" ] || fail "reports"
# Every correction applied exactly once: versions above 1 add up to the corrections.
[ "$(sql 'SELECT sum(version - 1) FROM monitoring_reports')" = "$corrected" ] ||
  fail "corrections: $(sql 'SELECT sum(version - 1) FROM monitoring_reports'), generated $corrected"
# And the amounts: the files' final figures (progress, then corrections over them) sum to the database's.
expected=$(/usr/bin/python3 - "$work/files" <<'PY'
import csv, sys
from decimal import Decimal
final = {}
for name in ("progress.csv", "corrections.csv"):
    with open(f"{sys.argv[1]}/{name}", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            final[(row["project_code"], row["period"])] = Decimal(row["completed_investment_wan"])
print(int(sum(final.values()) * 1000000))
PY
)
[ "$(sql 'SELECT sum(completed_fen) FROM monitoring_reports')" = "$expected" ] ||
  fail "amounts: $(sql 'SELECT sum(completed_fen) FROM monitoring_reports') fen stored, $expected generated"

# The server's figures are the generator's: investment completed in 2025 within
# the statistics, by city and for the province, as QueryAggregates answers it and
# as the generator's totals.csv says.
province=$("$CLI" admin create-principal --name=guangdong --role=province --scope=440000 2>/dev/null)
"$CLI" --token="$province" --format=json aggregates --from=2025-01 --to=2025-12 \
  --granularity=year --group_by=region --tier=city >"$work/agg.json" 2>"$work/out" ||
  fail "aggregates: $(tail -3 "$work/out")"
/usr/bin/python3 - "$work/agg.json" "$work/files/totals.csv" >"$work/out" 2>&1 <<'PY' ||
import csv, json, sys
from decimal import Decimal
server = {}
for line in open(sys.argv[1]):  # one AggregateRow a line: the cities, then the total
    if not line.strip():
        continue
    row = json.loads(line)
    code = row.get("key", {}).get("region", {}).get("code", "440000")
    server[code] = int(row.get("completed_fen", 0))
generated = {r["region_code"]: int(Decimal(r["completed_wan"]) * 1000000)
             for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))
             if r["year"] == "2025" and (r["region_code"].endswith("00"))}
if server != generated:
    for code in sorted(set(server) | set(generated)):
        if server.get(code) != generated.get(code):
            print(code, "server", server.get(code), "generated", generated.get(code))
    sys.exit(1)
print(len(server), "regions equal")
PY
  fail "the server's 2025 figures differ from the generator's: $(cat "$work/out")"

# The same data set as files for the CLI: one county's, pushed by hand with
# its own token, comes back unchanged record for record (the files and the
# simulator's streams are one data set). Its corrections.csv holds the final
# figures of the corrected months.
county=440606
token=$(sed -n "s/^$county=//p" "$work/tokens.env")
[ -n "$token" ] || fail "no token for $county in the simulator's token file"
"$LOADGEN" generate "${data[@]}" --county=$county --out="$work/one" >/dev/null 2>&1 ||
  fail "generate --county failed"
[ "$(grep -c '' "$work/one/corrections.csv")" -gt 1 ] || fail "$county has no corrections to push"
for what in "push enterprises enterprises" "push projects projects" "progress push corrections"; do
  read -r verb noun file <<<"$what"
  "$CLI" --token="$token" "$verb" "$noun" "$work/one/$file.csv" >"$work/out" 2>&1 ||
    fail "$verb $noun $file.csv: $(tail -5 "$work/out")"
  grep -Eq "accepted 0(, | \(corrected 0\), )unchanged [1-9]" "$work/out" ||
    fail "$verb $noun $file.csv changed something: $(tail -3 "$work/out")"
done

# Again: every record is a replay, nothing is written.
"$LOADGEN" simulate "${data[@]}" --tokens="$work/tokens.env" --concurrency=12 \
  >"$work/sim.log" 2>&1 || fail "the second run failed"
grep -Eq "accepted 0, unchanged [0-9]+ \(replayed [0-9]+\), rejected 0" "$work/sim.log" ||
  fail "the second run wrote something"
[ "$(sql 'SELECT count(*) FROM monitoring_reports')" = "$reports" ] || fail "reports after the rerun"
echo "PASS: $projects projects and $reports reports exactly once after $landed disruptions" \
  "(a PostgreSQL restart, then server kills; $retries retries)"
