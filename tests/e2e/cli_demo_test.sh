#!/usr/bin/env bash
# End to end, as an operator would: the real techreno-server binary on a free
# loopback port over a fresh database, the real techreno CLI for the admin
# command and the demo (its files made for today by deploy/local/demo/make-demo.sh),
# then graceful shutdown on SIGTERM.
# Usage (ctest does this): cli_demo_test.sh BUILD_DIR SOURCE_DIR; needs $TECHRENO_TEST_DSN.
set -euo pipefail
build=$1 src=$2
if [ -z "${TECHRENO_TEST_DSN:-}" ]; then
  [ -n "${TECHRENO_REQUIRE_DB:-}" ] && { echo "FAIL: no TECHRENO_TEST_DSN"; exit 1; }
  echo "skipped: set TECHRENO_TEST_DSN"; exit 0
fi
CLI=$build/clients/cli/techreno
SERVER=$build/services/server/techreno-server
work=$(mktemp -d)
DEMO=$work/demo
db=techreno_e2e_$$
server_pid=
server2_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$server2_pid" ] && kill "$server2_pid" 2>/dev/null || true
  psql -X -q "$TECHRENO_TEST_DSN" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- last output:"; cat "$work/out" 2>/dev/null; exit 1; }
expect() { grep -q -- "$1" "$work/out" || fail "expected '$1'"; }
expect_re() { grep -Eq -- "$1" "$work/out" || fail "expected a line matching '$1'"; }
count() { grep -Ec -- "$1" "$work/out" || true; }
exit_code() { local rc=0; "$@" >"$work/out" 2>&1 || rc=$?; echo "$rc"; }
"$src/deploy/local/demo/make-demo.sh" "$DEMO" || fail "make-demo.sh failed"
. "$DEMO/demo.env"

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
province=$("$CLI" admin create-principal --name=guangdong --role=province --scope=440000 2>/dev/null)
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

# The rejected record went to a rejects file beside the input: its own
# columns, the reasons last, ready to fix and push again (the reasons column
# is skipped when it is pushed).
rejects=$DEMO/projects.rejects.csv
[ -f "$rejects" ] || fail "no rejects file"
[ "$(grep -c '' "$rejects")" = 2 ] || fail "the rejects file should hold the header and 1 record"
grep -q "_问题 reasons" "$rejects" || fail "the rejects file has no reasons column"
grep -q "region.county_code.scope\|credit_code.invalid" "$rejects" || fail "no reason given"
"$CLI" --token="$county" push projects "$rejects" --rejects="$work/again.csv" >"$work/out" 2>&1 \
  && fail "the rejected record was accepted"
expect "received 1, accepted 0, unchanged 0, rejected 1"
# The same file saved by Chinese Excel (GB18030): detected, read the same, and
# its rejects written back in GB18030.
iconv -f UTF-8 -t GB18030 "$DEMO/projects.csv" >"$work/projects-gb.csv"
"$CLI" --token="$county" push projects "$work/projects-gb.csv" >"$work/out" 2>&1 || true
expect "accepted 0, unchanged 6, rejected 1"
grep -q "问题" "$work/projects-gb.rejects.csv" && fail "the GB18030 input's rejects are UTF-8"
iconv -f GB18030 -t UTF-8 "$work/projects-gb.rejects.csv" | grep -q "_问题 reasons" \
  || fail "the GB18030 rejects file does not decode"
"$CLI" --token="$county" list projects >"$work/out" 2>&1 || fail "list failed"
expect "6 projects"
expect "440103 荔湾区"
"$CLI" --token="$city" list projects --industry=34 >"$work/out" 2>&1 || fail "city list failed"
expect "通用设备制造业"

# The demo's story on today's date: a normal half-year. The months before this
# half-year were filed back then (the demo's history step), the county's file
# is then pushed as today: every report is in, one late, one corrected, and
# one project lags its schedule.
history=$(($(wc -l <"$DEMO/history-filed.csv") - 1))
"$src/deploy/local/demo/load-history.sh" "$CLI" "$county" "$DEMO" "$TECHRENO_DB" >"$work/out" 2>&1 \
  || fail "the demo's history did not load"
expect "$history reports of the months before this half-year loaded"
"$CLI" --token="$county" progress push "$DEMO/progress.csv" >"$work/out" 2>&1 \
  || fail "progress push failed"
expect "received 39, accepted $((39 - history)) (corrected 0), unchanged $history, rejected 0"
[ "$(count 'progress\.late')" = 1 ] || fail "expected exactly one late warning"
expect_re "^[0-9]+ +$DEMO_P1 +$DEMO_LATE +WARNING +progress\.late "
"$CLI" --token="$city" compliance --from="$DEMO_FROM" --to="$DEMO_TO" --region=440103 \
  >"$work/out" 2>&1 || fail "compliance failed"
# expected, reported, missing, late, corrected, score: 38 of 39 on time.
expect_re "^440103 荔湾区 +39 +39 +0 +1 +1 +98\.7 *$"
"$CLI" --token="$city" lagging --region=440103 >"$work/out" 2>&1 || fail "lagging failed"
expect "lagging projects as of $DEMO_TO"
expect_re "^$DEMO_P2 .* 26\.5 +$DEMO_TO +0 +.*BEHIND_SCHEDULE *$"
expect_re "^1 project$"
# Again, as on a second run: nothing is pushed twice, nothing changes.
"$src/deploy/local/demo/load-history.sh" "$CLI" "$county" "$DEMO" "$TECHRENO_DB" >"$work/out" 2>&1 \
  || fail "the demo's history did not load a second time"
"$CLI" --token="$county" progress push "$DEMO/progress.csv" >"$work/out" 2>&1 \
  || fail "progress push failed"
expect "received 39, accepted 0 (corrected 0), unchanged 39, rejected 0"
[ "$(count 'progress\.late')" = 0 ] || fail "a second push warned of a late report"
"$CLI" --token="$city" compliance --from="$DEMO_FROM" --to="$DEMO_TO" --region=440103 \
  >"$work/out" 2>&1 || fail "compliance failed"
expect_re "^440103 荔湾区 +39 +39 +0 +1 +1 +98\.7 *$"

# The key-project library, as a city runs its half-year review: the county
# nominates upward, the city decides and nominates to the province, then
# reviews its tier and removes the project that lags.
for p in "$DEMO_P1" "$DEMO_P2"; do
  "$CLI" --token="$county" library nominate "$p" --tier=county --reason="县重点技改项目" \
    >"$work/out" 2>&1 || fail "county nomination failed"
  expect "nominated $p — 县级库 COUNTY 440103 荔湾区: 已推荐 NOMINATED (round 1, version 1)"
  "$CLI" --token="$county" library decide "$p" --tier=county --decision=accept >"$work/out" 2>&1 \
    || fail "county decision failed"
  "$CLI" --token="$county" library nominate "$p" --tier=city --reason="申报市重点" \
    >"$work/out" 2>&1 || fail "city nomination failed"
  "$CLI" --token="$city" library decide "$p" --tier=city --decision=accept \
    --support=LOAN_INTEREST_SUBSIDY >"$work/out" 2>&1 || fail "city decision failed"
  expect "accepted $p — 市级库 CITY 440100 广州市: 已入库 ACCEPTED (round 1, version 2)"
done
"$CLI" --token="$county" library decide "$DEMO_P1" --tier=city --decision=accept \
  >"$work/out" 2>&1 && fail "a county decided for its city"
expect "PERMISSION_DENIED"
"$CLI" --token="$city" library nominate "$DEMO_P1" --tier=province --reason="推荐省重点" \
  >"$work/out" 2>&1 || fail "province nomination failed"
"$CLI" --token="$province" library decide "$DEMO_P1" --tier=province --decision=accept \
  >"$work/out" 2>&1 || fail "province decision failed"
# A PLANNED project cannot enter the province tier: every failed criterion is named.
"$CLI" --token="$city" library nominate "$DEMO_P2" --tier=province --reason="推荐省重点" \
  >"$work/out" 2>&1 && fail "a planned project entered the province tier"
expect "FAILED_PRECONDITION"
expect "library.criteria.status"
"$CLI" --token="$city" library review --tier=city >"$work/out" 2>&1 || fail "review failed"
expect_re "^$DEMO_P2 .*\[library\.risk\.behind_schedule\] 落后进度 26\.5 个百分点"
expect "1 entry to look at"
"$CLI" --token="$city" library remove "$DEMO_P2" --tier=city --reason_code=NOT_PROGRESSING \
  --reason="投资进度落后计划26.5个百分点" >"$work/out" 2>&1 || fail "removal failed"
expect "已出库 REMOVED"
"$CLI" --token="$city" library list --state=ACCEPTED >"$work/out" 2>&1 || fail "library list failed"
expect "4 entries"
"$CLI" --token="$province" library totals --tier=city >"$work/out" 2>&1 || fail "totals failed"
expect_re "^市级库 CITY +440100 广州市 +- +1 +12500\.00 "
# Criteria are data: the province sets a new version; a city may not.
"$CLI" --token="$province" library criteria set --tier=county --min_planned_wan=600 \
  --favoured_types=GREEN_ENERGY_SAVING,INTELLIGENT_MANUFACTURING >"$work/out" 2>&1 \
  || fail "criteria set failed"
expect_re "^县级库 COUNTY +2 +600\.00 +0\.00 .*绿色节能 GREEN_ENERGY_SAVING, 智能制造与机器换人"
"$CLI" --token="$city" library criteria set --tier=county --min_planned_wan=100 \
  >"$work/out" 2>&1 && fail "a city set the criteria"
expect "PERMISSION_DENIED"
"$CLI" --token="$county" library criteria >"$work/out" 2>&1 || fail "criteria failed"
expect_re "^省级库 PROVINCE +1 +10000\.00 +1000\.00 +在建 UNDER_CONSTRUCTION +description "
"$CLI" --token="$city" library history "$DEMO_P2" --tier=city >"$work/out" 2>&1 \
  || fail "library history failed"
expect "推进不力 NOT_PROGRESSING：投资进度落后计划26.5个百分点"

# BankLink, as the province and a bank officer use it, with the bank watching
# through a second server process on the same database.
bank=$("$CLI" admin create-principal --name=icbc-officer --role=bank --scope=icbc-gd 2>/dev/null)
[[ $bank == tr_* ]] || fail "create-principal printed '$bank' for a bank"
"$CLI" admin create-principal --name=nobank --role=bank --scope=no-such-bank >"$work/out" 2>&1 \
  && fail "a bank principal outside the bank directory was created"
"$CLI" --token="$province" bank score --region=440103 >"$work/out" 2>&1 || fail "score failed"
expect_re "^1 +[0-9.]+ +$DEMO_P1 "
expect "省级重点项目库"
port2=$((port + 1))
while (exec 3<>"/dev/tcp/127.0.0.1/$port2") 2>/dev/null; do port2=$((port2 + 1)); done
"$SERVER" --listen="127.0.0.1:$port2" --migrate=false >"$work/server2.log" 2>&1 &
server2_pid=$!
for _ in $(seq 1 100); do grep -q "listening on port" "$work/server2.log" && break; sleep 0.1; done
grep -q "listening on port" "$work/server2.log" || fail "the second server did not start"
"$CLI" --server="127.0.0.1:$port2" --token="$bank" bank list >"$work/out" 2>&1 || fail "bank list failed"
cursor=$(grep -o -- '--cursor=[^ ]*' "$work/out" | head -1)
[ -n "$cursor" ] || fail "bank list printed no cursor to watch from"
"$CLI" --server="127.0.0.1:$port2" --token="$bank" bank watch "$cursor" \
  --cursor_file="$work/cursor" >"$work/watch.out" 2>"$work/watch.err" &
watch_pid=$!
"$CLI" --token="$province" bank publish --title="2026年第一批技术改造优质项目推荐名单" \
  --banks=icbc-gd,ccb-gd --note="省级重点项目" "$DEMO_P1" "$DEMO_P4" >"$work/out" 2>&1 \
  || fail "publish failed"
expect "新增 2"
for _ in $(seq 1 50); do grep -q "$DEMO_P4" "$work/watch.out" && break; sleep 0.1; done
grep -q "$DEMO_P4" "$work/watch.out" || { cat "$work/watch.err" "$work/watch.out" "$work/server2.log"; fail "the watcher on the second server got nothing within 5 s"; }
grep -q "$DEMO_P1" "$work/watch.out" || fail "the watcher missed $DEMO_P1"
kill -INT "$watch_pid"
wait "$watch_pid" || fail "bank watch did not stop cleanly on Ctrl-C"
grep -q "接续" "$work/watch.err" || fail "bank watch did not say how to resume"
[ -s "$work/cursor" ] || fail "bank watch kept no cursor"
kill -TERM "$server2_pid"; wait "$server2_pid" || true
"$CLI" --token="$bank" bank feedback "$DEMO_P1" --state=granted --loan_wan=3000 --rate_pct=3.65 \
  --term_months=36 >"$work/out" 2>&1 || fail "feedback failed"
expect "164.25"      # the subsidy estimate: 3,000万 × 3.65 % × 3 years × 50 %
"$CLI" --token="$bank" bank feedback "$DEMO_P1" --state=declined >"$work/out" 2>&1 \
  && fail "a decline without its reason was accepted"
expect "decline_reason"
"$CLI" --token="$province" bank stats --group_by=bank >"$work/out" 2>&1 || fail "stats failed"
expect "中国工商银行广东省分行"
expect "中国建设银行广东省分行"
"$CLI" --token="$bank" bank overdue >"$work/out" 2>&1 || fail "overdue failed"
expect "10 个工作日"

code=$("$CLI" --token="$county" --format=json list projects --limit=1 2>/dev/null |
  sed -n 's/.*"project_code": *"\([^"]*\)".*/\1/p' | head -1)
[ -n "$code" ] || fail "no project code in JSON output"
"$CLI" --token="$county" get project "$code" >"$work/out" 2>&1 || fail "get failed"
expect "万元"
"$CLI" --token="$county" withdraw "$code" --reason="企业取消投资计划" >"$work/out" 2>&1 \
  || fail "withdraw failed"
"$CLI" --token="$county" history "$code" >"$work/out" 2>&1 || fail "history failed"
expect "withdraw"
# Withdrawn, it left the library tiers it was in by itself.
[ "$code" = "$DEMO_P1" ] || fail "expected the first project to be $DEMO_P1, got $code"
"$CLI" --token="$city" library list --state=ACCEPTED >"$work/out" 2>&1 || fail "library list failed"
expect "1 entry"
# ...and its recommendation was retracted: the bank no longer sees it.
"$CLI" --token="$bank" bank list >"$work/out" 2>&1 || fail "bank list failed"
grep -q "$code" "$work/out" && fail "a withdrawn project is still shown to the bank"
expect "$DEMO_P4"
"$CLI" --token="$city" library history "$code" --tier=province >"$work/out" 2>&1 \
  || fail "library history failed"
expect "项目撤销 PROJECT_WITHDRAWN：项目已在登记系统撤销"
# Below the city's criteria: refused with every failed criterion; the city
# may override, and the review still lists it.
"$CLI" --token="$county" library nominate "$DEMO_P5" --tier=city --reason="申报市重点" \
  >"$work/out" 2>&1 && fail "a project under the city's criteria was nominated"
expect "library.criteria.min_planned_investment"
expect "library.criteria.min_equipment_investment"
"$CLI" --token="$city" library nominate "$DEMO_P5" --tier=city --reason="专精特新企业" \
  --override_reason="市扶持名单" >"$work/out" 2>&1 || fail "the city's override failed"
"$CLI" --token="$city" library decide "$DEMO_P5" --tier=city --decision=accept \
  --override_reason="市政府专题会议决定" >"$work/out" 2>&1 || fail "the accept with override failed"
"$CLI" --token="$city" library review --tier=city >"$work/out" 2>&1 || fail "review failed"
expect_re "^$DEMO_P5 .*\[library\.criteria\.min_planned_investment\]"
"$CLI" --token="$city" library history "$DEMO_P5" >"$work/out" 2>&1 || fail "history failed"
expect "市政府专题会议决定"
"$CLI" --token="tr_wrong" list projects >"$work/out" 2>&1 && fail "a wrong token was accepted"
expect "UNAUTHENTICATED"

# The command line itself (CLI11): a flag a command does not have is refused,
# every command explains itself, and settings come from a flag, else the
# environment, else the config file.
[ "$(exit_code "$CLI" --token="$county" list projects --reason=x)" = 2 ] \
  || fail "an unknown flag did not exit 2"
expect "reason"
"$CLI" bank feedback --help >"$work/out" 2>&1 || fail "bank feedback --help failed"
expect "--loan_wan"
expect "Example:"
"$CLI" help library decide >"$work/out" 2>&1 || fail "help library decide failed"
expect "--decision"
[ "$(exit_code "$CLI" library decide "$DEMO_P5" --tier=city --decision=maybe)" = 2 ] \
  || fail "--decision=maybe did not exit 2"
mkdir -p "$work/home/.config/techreno"
printf 'server = "%s"\ntoken = "%s"\n' "$TECHRENO_SERVER" "$county" \
  >"$work/home/.config/techreno/config"
(unset TECHRENO_SERVER TECHRENO_TOKEN; HOME=$work/home "$CLI" list projects) >"$work/out" 2>&1 \
  || fail "the config file's server and token were not used"
expect "440103 荔湾区"
(HOME=$work/home TECHRENO_TOKEN=tr_wrong "$CLI" list projects) >"$work/out" 2>&1 \
  && fail "the environment did not override the config file"
expect "UNAUTHENTICATED"
(HOME=$work/home TECHRENO_TOKEN=tr_wrong "$CLI" --token="$county" list projects) \
  >"$work/out" 2>&1 || fail "the flag did not override the environment"
printf 'sever = "x"\n' >"$work/bad-config"
[ "$(exit_code "$CLI" --config="$work/bad-config" list projects)" = 2 ] \
  || fail "an unknown config key did not exit 2"
expect "unknown key 'sever'"

# Tables as files. CSV: UTF-8 with a BOM (Excel), or GB18030; the summary
# goes to stderr. XLSX: read back with an independent reader (openpyxl) and
# checked cell by cell against the CSV of the same command.
"$CLI" --token="$county" --format=csv list projects >"$work/projects.csv" 2>"$work/out" \
  || fail "list projects --format=csv failed"
expect "projects"
[ "$(head -c 3 "$work/projects.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no BOM"
grep -q "440103 荔湾区" "$work/projects.csv" || fail "the CSV lacks the county's name"
[ "$(grep -c $'\r$' "$work/projects.csv")" -ge 2 ] || fail "CSV lines do not end in CRLF"
"$CLI" --token="$county" --format=csv --encoding=gb18030 --output="$work/gb.csv" list projects \
  >"$work/out" 2>&1 || fail "--encoding=gb18030 failed"
grep -q "荔湾区" "$work/gb.csv" && fail "the GB18030 file is UTF-8"
iconv -f GB18030 -t UTF-8 "$work/gb.csv" | grep -q "440103 荔湾区" || fail "GB18030 does not decode"
for view in "bank stats --group_by=bank,city" "library list" "aggregates --from=$DEMO_FROM --to=$DEMO_TO --group_by=region --tier=county"; do
  # shellcheck disable=SC2086
  "$CLI" --token="$province" --format=csv $view >"$work/view.csv" 2>"$work/out" \
    || fail "$view --format=csv failed"
  # shellcheck disable=SC2086
  "$CLI" --token="$province" --format=xlsx --output="$work/view.xlsx" $view >"$work/out" 2>&1 \
    || fail "$view --format=xlsx failed"
  /usr/bin/python3 - "$work/view.xlsx" "$work/view.csv" >"$work/out" 2>&1 <<'PY' || fail "$view: XLSX != CSV"
import csv, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
with open(sys.argv[2], encoding="utf-8-sig", newline="") as f:
    text = f.read()
tables = [list(csv.reader(block.splitlines())) for block in text.split("\r\n\r\n") if block]
assert len(tables) == len(book.worksheets), (len(tables), book.sheetnames)
numbers = 0
for sheet, rows in zip(book.worksheets, tables):
    assert sheet.freeze_panes == "A2", sheet.freeze_panes
    assert sheet["A1"].font.b, "header not bold"
    for r, row in enumerate(rows, start=1):
        for c, want in enumerate(row, start=1):
            got = sheet.cell(row=r, column=c).value
            if isinstance(got, (int, float)):
                numbers += 1
                assert abs(got - float(want.replace(",", "").replace("%", ""))) < 1e-9, (r, c, got, want)
            else:
                assert (got or "") == want, (sheet.title, r, c, got, want)
print("sheets", book.sheetnames, "numbers", numbers)
assert numbers > 0
PY
done

# Ctrl-C during a push: what was read is committed, the command says from
# which line to go on, and going on from there covers the rest exactly. The
# file comes through a pipe that pauses half-way (a slow network share), so
# the Ctrl-C lands while the file is being read: 4,000 copies of a report
# already stored, each answered "unchanged".
big=$work/big-progress.csv
awk -v p="$DEMO_P2" 'NR == 1 { print } NR > 1 && index($0, p) { for (i = 0; i < 4000; i++) print; exit }' \
  "$DEMO/progress.csv" >"$big"
[ "$(wc -l <"$big")" -eq 4001 ] || fail "the big file was not made"
mkfifo "$work/slow.csv"
{ head -2001 "$big"; sleep 2; tail -n +2002 "$big"; } >"$work/slow.csv" 2>/dev/null &
"$CLI" --token="$county" --encoding=utf-8 progress push "$work/slow.csv" >"$work/first.out" 2>&1 &
push_pid=$!
sleep 0.7
kill -INT "$push_pid"
wait "$push_pid" && fail "an interrupted push exited 0"
grep -q "interrupted (Ctrl-C)" "$work/first.out" || { cat "$work/first.out"; fail "no interruption report"; }
next=$(sed -n 's/.*--from_line=\([0-9]*\).*/\1/p' "$work/first.out" | tail -1)
[ "$next" = 2002 ] || fail "expected to go on from line 2002, got '$next'"
first=$(sed -n 's/^received \([0-9]*\),.*/\1/p' "$work/first.out")
"$CLI" --token="$county" progress push "$big" --from_line="$next" >"$work/out" 2>&1 \
  || fail "going on from line $next failed"
second=$(sed -n 's/^received \([0-9]*\),.*/\1/p' "$work/out")
[ $((first + second)) -eq 4000 ] || fail "received $first + $second, not the file's 4000 records"

# The import template: filled in (here: its example row as is), it pushes.
"$CLI" template projects --output="$work/t.csv" --format=csv >"$work/out" 2>&1 \
  || fail "template projects failed"
"$CLI" --token="$county" push projects "$work/t.csv" >"$work/out" 2>&1 \
  || fail "the template's example row was not accepted"
expect "received 1, accepted 1"
# A county officer's workbook (written by openpyxl, not by us): the sheet's
# rows are pushed, a bad row is named by its sheet row and goes to a CSV
# rejects file; the template's own .xlsx pushes too. Its months are as an
# officer may type them: the start month a date cell (what Excel makes of
# "2026-04" typed in), the completion month "2027/3".
/usr/bin/python3 - "$work/filled.xlsx" "$DEMO/projects.csv" >"$work/months" <<'PY' ||
import csv, datetime, sys, openpyxl
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig")))
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "技改项目"
sheet.append(["项目名称 " + h if h == "name" else h for h in rows[0]])
good = rows[1][:]
good[0], good[1] = "LW-XLSX-001", ""
bad = good[:]
bad[0], bad[rows[0].index("county_code")] = "LW-XLSX-002", "440304"
start, end = rows[0].index("start_period"), rows[0].index("planned_completion_period")
for r in (good, bad):
    cells = [float(v) if v.replace(".", "", 1).isdigit() and "_wan" in h else v
             for h, v in zip(rows[0], r)]
    y, m = map(int, r[start].split("-"))
    cells[start] = datetime.datetime(y, m, 1)
    y, m = map(int, r[end].split("-"))
    cells[end] = f"{y}/{m}"
    sheet.append(cells)
book.save(sys.argv[1])
print(good[start], good[end])
PY
  fail "openpyxl could not write"
"$CLI" --token="$county" push projects "$work/filled.xlsx" >"$work/out" 2>&1 \
  && fail "the workbook's bad row was accepted"
expect "received 2, accepted 1"
expect_re "^3 +LW-XLSX-002 .*region.county_code.scope"
grep -q "LW-XLSX-002" "$work/filled.rejects.csv" || fail "no CSV rejects for the workbook"
read -r start_month end_month <"$work/months"
"$CLI" --token="$county" --format=json list projects --all >"$work/out" 2>/dev/null
grep "LW-XLSX-001" "$work/out" | grep -q "\"start_period\":\"$start_month\",\"planned_completion_period\":\"$end_month\"" ||
  fail "the workbook's date cell and 2027/3-style month did not arrive as $start_month, $end_month"
"$CLI" template projects --format=xlsx --output="$work/tp.xlsx" >"$work/out" 2>&1
"$CLI" --token="$county" push projects "$work/tp.xlsx" >"$work/out" 2>&1 \
  || fail "the XLSX template did not push"
expect "received 1"
"$CLI" template progress --format=xlsx --output="$work/t.xlsx" >"$work/out" 2>&1 \
  || fail "template progress --format=xlsx failed"
/usr/bin/python3 - "$work/t.xlsx" >"$work/out" 2>&1 <<'PY' || fail "the XLSX template is wrong"
import sys, openpyxl
sheet = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
assert sheet["C1"].value == "报告期 period", sheet["C1"].value
assert sheet["D2"].value == 420, sheet["D2"].value  # 万元 as a number
PY

# One project through UpsertProject (a JSON line, as get --format=json prints
# it, edited); several library removals through RemoveEntries, a result each.
"$CLI" --token="$county" --format=json get project "$DEMO_P2" 2>/dev/null |
  sed 's/"name": *"[^"]*"/"name": "智能仓储物流系统升级改造项目"/' >"$work/one.jsonl"
"$CLI" --token="$county" upsert project "$work/one.jsonl" >"$work/out" 2>&1 \
  || fail "upsert project failed"
expect "智能仓储物流系统升级改造项目"
"$CLI" --token="$city" library remove "$DEMO_P3" "$DEMO_P4" --tier=city --reason_code=OTHER \
  --reason="测试批量出库" >"$work/out" 2>&1 || true
expect_re "^$DEMO_P3 "
expect_re "^$DEMO_P4 "
expect "removed"

# The semi-annual report: rendered by headless Chromium to PNG and PDF with no
# console error, and its figures equal to what the calls return.
half="${DEMO_FROM:0:4}H$(( ${DEMO_FROM:5:2} <= 6 ? 1 : 2 ))"
"$CLI" --token="$province" report --half="$half" --output="$work/report.html" \
  --pdf="$work/report.pdf" >"$work/out" 2>&1 || fail "report failed"
head -c 4 "$work/report.pdf" | grep -q "%PDF" || fail "the report's PDF is not a PDF"
"$CLI" --token=tr_wrong report --half="$half" --output="$work/no.html" >"$work/out" 2>&1 \
  && fail "a report with a wrong token succeeded"
expect "UNAUTHENTICATED"
[ -e "$work/no.html" ] && fail "a report that could read nothing was written"
chromium --headless --disable-gpu --no-sandbox --disable-dev-shm-usage \
  --enable-logging=stderr --v=0 \
  --screenshot="$work/report.png" --window-size=1240,1754 "file://$work/report.html" \
  >/dev/null 2>"$work/chromium.log" || fail "chromium could not render the report"
[ -s "$work/report.png" ] || fail "no screenshot"
grep -Ei "CONSOLE|Uncaught|ERR_" "$work/chromium.log" && fail "console errors rendering the report"
h_from=${DEMO_FROM:0:4}-$([ "${half:5}" = 1 ] && echo 01 || echo 07)
h_to=${DEMO_FROM:0:4}-$([ "${half:5}" = 1 ] && echo 06 || echo 12)
"$CLI" --token="$province" --format=json aggregates --from="$h_from" --to="$h_to" \
  --granularity=half --group_by=region --tier=city >"$work/by-city.jsonl" 2>/dev/null
"$CLI" --token="$province" --format=json aggregates --from="$h_from" --to="$h_to" \
  --granularity=month >"$work/by-month.jsonl" 2>/dev/null
"$CLI" --token="$province" --format=json bank stats --from="$h_from" --to="$h_to" \
  >"$work/bank.jsonl" 2>/dev/null
"$CLI" --token="$province" --format=json aggregates --from="$h_from" --to="$h_to" \
  --granularity=half --group_by=industry >"$work/by-industry.jsonl" 2>/dev/null
"$CLI" --token="$province" --format=json compliance --from="$h_from" --to="$h_to" \
  >"$work/compliance.jsonl" 2>/dev/null
"$CLI" --token="$province" --format=json library totals >"$work/library.jsonl" 2>/dev/null
"$CLI" --token="$province" --format=json aggregates --from="$h_from" --to="$h_to" \
  --granularity=half --group_by=stage >"$work/by-stage.jsonl" 2>/dev/null
"$CLI" --token="$province" --format=json lagging --as_of="$h_to" --limit=10 \
  >"$work/lagging.jsonl" 2>/dev/null
/usr/bin/python3 - "$work/report.html" "$work/by-city.jsonl" "$work/by-month.jsonl" \
  "$work/bank.jsonl" "$work/by-industry.jsonl" "$work/compliance.jsonl" "$work/library.jsonl" \
  "$work/by-stage.jsonl" "$work/lagging.jsonl" \
  >"$work/out" 2>&1 <<'PY' || fail "the report's figures differ from the calls'"
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
shown = dict(re.findall(r'data-figure="([^"]+)" data-value="([^"]+)"', html))
def rows(path):
    out = []
    for line in open(path, encoding="utf-8"):
        m = json.loads(line)
        out.extend(m.get("rows", [m]))
    return out
checked = 0
for r in rows(sys.argv[2]):
    if "key" not in r:
        continue  # the total line
    key = "region.%s.completed_fen" % r["key"]["region"]["code"]
    assert shown[key] == str(r.get("completed_fen", "0")), (key, shown.get(key), r)
    checked += 1
for r in rows(sys.argv[3]):
    key = "month.%s.completed_fen" % r["period_label"]
    assert shown[key] == str(r.get("completed_fen", "0")), (key, shown.get(key))
    checked += 1
bank = [json.loads(l) for l in open(sys.argv[4], encoding="utf-8")]
total = bank[0].get("total", {})
assert shown["bank.recommended_projects"] == str(total.get("recommended_projects", "0"))
checked += 1
for r in rows(sys.argv[5]):
    if "key" not in r:
        continue
    key = "industry.%s.completed_fen" % r["key"]["industry_division"]
    assert shown[key] == str(r.get("completed_fen", "0")), (key, shown.get(key))
    checked += 1
for line in open(sys.argv[6], encoding="utf-8"):
    m = json.loads(line)
    for c in m.get("regions", [m]):
        if c.get("tier") == "REGION_TIER_COUNTY" or "region" not in c:
            continue  # a province-wide report lists the province and its cities
        key = "compliance.%s.reported" % c["region"]["code"]
        assert shown[key] == str(c.get("total", {}).get("reported", "0")), (key, shown.get(key))
        checked += 1
tiers = {"LIBRARY_TIER_COUNTY": 1, "LIBRARY_TIER_CITY": 2, "LIBRARY_TIER_PROVINCE": 3}
for r in rows(sys.argv[7]):
    key = "library.%d.%s.entries" % (tiers[r["tier"]], r.get("region", {}).get("code", ""))
    assert shown[key] == str(r.get("entries", "0")), (key, shown.get(key))
    checked += 1
for r in rows(sys.argv[8]):
    if "key" not in r:
        continue
    key = "stage.%s.project_count" % r["key"]["project_stage"]
    assert shown[key] == str(r.get("project_count", "0")), (key, shown.get(key))
    checked += 1
lagging = re.findall(r'data-figure="lagging" data-value="([^"]+)"', html)
want = [p["project_code"] for l in open(sys.argv[9], encoding="utf-8")
        for p in json.loads(l).get("projects", [json.loads(l)])]
assert lagging == want[:10], (lagging, want)
checked += len(lagging)
assert checked >= 12, checked
print("report figures checked:", checked)
PY

# TLS, then mutual TLS: a CA, a server certificate for localhost and a client one.
tls=$work/tls
mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=techreno test CA" \
  -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
for who in server client; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/$who.key" \
    -out "$tls/$who.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' >"$tls/$who.ext"
  openssl x509 -req -in "$tls/$who.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$tls/$who.ext" -out "$tls/$who.pem" 2>/dev/null
done
tls_port=$((port + 1))
while (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null; do tls_port=$((tls_port + 1)); done
"$SERVER" --listen="127.0.0.1:$tls_port" --tls_cert="$tls/server.pem" --tls_key="$tls/server.key" \
  --tls_client_ca="$tls/ca.pem" >"$work/server3.log" 2>&1 &
server2_pid=$!
for _ in $(seq 1 100); do grep -q "listening on port" "$work/server3.log" && break; sleep 0.1; done
grep -q "listening on port" "$work/server3.log" || { cat "$work/server3.log"; fail "TLS server"; }
"$CLI" --server="localhost:$tls_port" --token="$county" list projects >"$work/out" 2>&1 \
  && fail "plain TCP reached a TLS server"
"$CLI" --server="localhost:$tls_port" --token="$county" --tls_ca="$tls/ca.pem" list projects \
  >"$work/out" 2>&1 && fail "a client without a certificate passed mutual TLS"
TECHRENO_TLS_CA=$tls/ca.pem "$CLI" --server="localhost:$tls_port" --token="$county" \
  --tls_cert="$tls/client.pem" --tls_key="$tls/client.key" list projects >"$work/out" 2>&1 \
  || fail "mutual TLS failed"
expect "440103 荔湾区"
[ "$(exit_code "$CLI" --tls_cert="$tls/client.pem" list projects)" = 2 ] \
  || fail "--tls_cert without --tls_key did not exit 2"
# The county simulator over mutual TLS too: one small county's data pushed and checked.
LOADGEN=$build/clients/loadgen/techreno-loadgen
TECHRENO_TLS_CA=$tls/ca.pem "$LOADGEN" simulate --scale=0.01 --county=440104 \
  --server="localhost:$tls_port" --tls_cert="$tls/client.pem" --tls_key="$tls/client.key" \
  --tokens="$work/loadgen-tokens.env" >"$work/out" 2>&1 || fail "the simulator over mutual TLS"
expect "nothing lost, nothing duplicated"
[ "$(exit_code "$LOADGEN" check --scale=0.01 --county=440104 --server="localhost:$tls_port" \
  --tls_ca="$tls/ca.pem" --tokens="$work/loadgen-tokens.env")" = 1 ] \
  || fail "the simulator without a client certificate passed mutual TLS"
kill -TERM "$server2_pid"; wait "$server2_pid" || true
server2_pid=

kill -TERM "$server_pid"
wait "$server_pid" || fail "server did not exit cleanly on SIGTERM"
server_pid=
grep -q "SIGTERM received" "$work/server.log" || fail "no graceful shutdown message"
echo "1 passed, 0 failed"
