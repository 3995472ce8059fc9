#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running techreno:
# installs what is missing, builds, starts an embedded PostgreSQL under ./var
# (created on first use), starts techreno-server (which applies migrations and
# loads the reference data), creates demo principals and prints their tokens,
# then runs a short demo with the CLI. The server keeps running:
#   deploy/local/stop.sh    stops it and PostgreSQL (data kept)
#   deploy/local/start.sh   starts both again without re-initialising
set -euo pipefail
. "$(dirname "$0")/common.sh"

echo "== 1/5 packages"
# Only what building and running needs: no GoogleTest, no clang (tests/run.sh
# installs those with --test).
"$TECHRENO_ROOT/deploy/install-deps.sh"
echo "== 2/5 build"
# Only the server and the CLI, so that the tests' packages are not needed.
techreno_build -DTECHRENO_TESTS=OFF --target techreno-server techreno
CLI=$BUILD_DIR/clients/cli/techreno

echo "== 3/5 PostgreSQL under $VAR_DIR/pg"
mkdir -p "$VAR_DIR"
if ! techreno_load_env; then
  PG_PORT=$(pg_free_port 54320)
  SERVER_PORT=$(pg_free_port 50051)
  cat >"$VAR_DIR/env" <<ENV
PG_PORT=$PG_PORT
TECHRENO_DB="host=127.0.0.1 port=$PG_PORT dbname=techreno user=techreno"
TECHRENO_SERVER=127.0.0.1:$SERVER_PORT
ENV
  techreno_load_env
fi
pg_init "$VAR_DIR/pg"
pg_start "$VAR_DIR/pg" "$PG_PORT"  # PG_SHARED_BUFFERS=machine for data at scale (pg.sh)
if [ -z "$(pg_psql "$PG_PORT" postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'techreno'")" ]; then
  pg_psql "$PG_PORT" postgres -c "CREATE ROLE techreno LOGIN"
fi
if [ -z "$(pg_psql "$PG_PORT" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'techreno'")" ]; then
  pg_psql "$PG_PORT" postgres -c "CREATE DATABASE techreno OWNER techreno"
fi
echo "PostgreSQL on 127.0.0.1:$PG_PORT"

echo "== 4/5 techreno-server"
techreno_stop_server  # a server left running may be an older build
"$TECHRENO_ROOT/deploy/local/start.sh"
export TECHRENO_SERVER TECHRENO_DB

# Demo principals: a county (荔湾区), its city (广州市) and the province.
# Tokens are shown once at creation; we keep them in var/tokens.env (mode 600).
principal() {  # name role scope → prints the new token, or stops the script
  "$CLI" admin create-principal --name="$1" --role="$2" --scope="$3" || {
    echo "cannot create principal $1: if it exists, its token was shown once and is lost;" \
      "delete var/ to start over (deploy/local/stop.sh && rm -rf var)" >&2
    exit 1
  }
}
if [ ! -s "$VAR_DIR/tokens.env" ]; then
  # Separate assignments, so that a failed creation stops here.
  county=$(principal liwan-county-system county 440103)
  city=$(principal guangzhou-city city 440100)
  province=$(principal guangdong-province province 440000)
  (umask 077 && printf 'COUNTY_TOKEN=%s\nCITY_TOKEN=%s\nPROVINCE_TOKEN=%s\n' \
    "$county" "$city" "$province" >"$VAR_DIR/tokens.env")
fi
. "$VAR_DIR/tokens.env"
# A bank officer (中国工商银行广东省分行), added to a var/ made before BankLink.
if [ -z "${BANK_TOKEN:-}" ]; then
  bank=$(principal icbc-gd-officer bank icbc-gd)
  (umask 077 && printf 'BANK_TOKEN=%s\n' "$bank" >>"$VAR_DIR/tokens.env")
  . "$VAR_DIR/tokens.env"
fi
echo "demo tokens (also in $VAR_DIR/tokens.env):"
echo "  county   440103 荔湾区: $COUNTY_TOKEN"
echo "  city     440100 广州市: $CITY_TOKEN"
echo "  province 440000 广东省: $PROVINCE_TOKEN"
echo "  bank     icbc-gd 中国工商银行广东省分行: $BANK_TOKEN"

echo "== 5/5 demo"
# The demo's data is dated from the month of the first run (make-demo.sh):
# projects started five to eight months ago, reports up to last month. It is
# written once into $VAR_DIR/demo and kept, like the database it is loaded into.
DEMO=$VAR_DIR/demo
if [ ! -f "$DEMO/demo.env" ]; then
  if "$CLI" --token="$COUNTY_TOKEN" --format=json list projects --limit=1 2>/dev/null |
    grep -q project_code; then
    echo "note: the database in $VAR_DIR already holds projects of 440103 from an earlier demo;" \
      "the figures below mix both. To start from scratch: deploy/local/stop.sh && rm -rf $VAR_DIR"
  fi
  "$TECHRENO_ROOT/deploy/local/demo/make-demo.sh" "$DEMO"
fi
. "$DEMO/demo.env"
echo "demo dated from $DEMO_TODAY: reports $DEMO_FROM .. $DEMO_TO (files in $DEMO)"
echo "-- the county registers its enterprises"
"$CLI" --token="$COUNTY_TOKEN" push enterprises "$DEMO/enterprises.csv" || true
echo "-- the county pushes its projects; the last record is wrong in several fields"
"$CLI" --token="$COUNTY_TOKEN" push projects "$DEMO/projects.csv" || true
echo "-- the county lists its projects"
"$CLI" --token="$COUNTY_TOKEN" list projects
echo "-- the city sees its counties' projects"
"$CLI" --token="$CITY_TOKEN" list projects --limit=5
echo "-- (demo only) the county's reports for the months before this half-year (before" \
  "$DEMO_HALF_START), loaded as filed back then"
"$TECHRENO_ROOT/deploy/local/demo/load-history.sh" "$CLI" "$COUNTY_TOKEN" "$DEMO" \
  "host=127.0.0.1 port=$PG_PORT user=postgres dbname=techreno"
echo "-- the county pushes its progress file ($DEMO_FROM .. $DEMO_TO): months filed before are" \
  "unchanged; the one report it had missed ($DEMO_P1, $DEMO_LATE) is late"
"$CLI" --token="$COUNTY_TOKEN" progress push "$DEMO/progress.csv" || true
echo "-- the province loads the plan's targets and sets $DEMO_YEAR targets; the city splits its own"
# The city's and county's targets are of the size of the demo's six projects,
# so that they read as roughly on schedule; the city splits only part of its own.
"$CLI" --token="$PROVINCE_TOKEN" targets seed-plan
"$CLI" --token="$PROVINCE_TOKEN" targets set --year="$DEMO_YEAR" --region=440000 \
  --metric=TECH_RENOVATION_INVESTMENT --value_yi=5000 --note="${DEMO_YEAR}年全省技术改造投资目标（演示）"
"$CLI" --token="$PROVINCE_TOKEN" targets set --year="$DEMO_YEAR" --region=440100 \
  --metric=TECH_RENOVATION_INVESTMENT --value_wan=20000 --note="演示"
"$CLI" --token="$CITY_TOKEN" targets set --year="$DEMO_YEAR" --region=440103 \
  --metric=TECH_RENOVATION_INVESTMENT --value_wan=18000 --note="演示"
"$CLI" --token="$PROVINCE_TOKEN" targets list --year="$DEMO_YEAR" --root=440100 --only_short
echo "-- the province watches investment by city and quarter against target ($DEMO_YEAR-01 .. $DEMO_TO)"
"$CLI" --token="$PROVINCE_TOKEN" aggregates --from="$DEMO_YEAR-01" --to="$DEMO_TO" \
  --granularity=quarter --group_by=region --tier=city --region=440100
echo "-- which reports are missing, late or corrected, and which projects lag"
"$CLI" --token="$CITY_TOKEN" compliance --from="$DEMO_FROM" --to="$DEMO_TO" --region=440103
"$CLI" --token="$CITY_TOKEN" lagging --region=440103 --limit=5
echo "-- the key-project library: the county nominates its two largest projects upward, the city" \
  "decides and recommends one to the province, then reviews its tier"
# A second run finds the entries already there (ALREADY_EXISTS): the library keeps them.
for p in "$DEMO_P1" "$DEMO_P2"; do
  "$CLI" --token="$COUNTY_TOKEN" library nominate "$p" --tier=county --reason="县重点技改项目" &&
    "$CLI" --token="$COUNTY_TOKEN" library decide "$p" --tier=county --decision=accept &&
    "$CLI" --token="$COUNTY_TOKEN" library nominate "$p" --tier=city --reason="申报市重点" &&
    "$CLI" --token="$CITY_TOKEN" library decide "$p" --tier=city --decision=accept \
      --support=LOAN_INTEREST_SUBSIDY || true
done
"$CLI" --token="$CITY_TOKEN" library nominate "$DEMO_P1" --tier=province --reason="推荐省重点" &&
  "$CLI" --token="$PROVINCE_TOKEN" library decide "$DEMO_P1" --tier=province --decision=accept ||
  true
"$CLI" --token="$CITY_TOKEN" library review --tier=city
"$CLI" --token="$CITY_TOKEN" library remove "$DEMO_P2" --tier=city --reason_code=NOT_PROGRESSING \
  --reason="投资进度落后计划" || true
"$CLI" --token="$CITY_TOKEN" library list
echo "-- BankLink: the province ranks the candidates and recommends the best to two banks; the" \
  "bank contacts the first and grants a loan; the province reads the funnel"
"$CLI" --token="$PROVINCE_TOKEN" bank score --region=440103 --include_recommended --top=5
# A second run answers the first publication again (the same request id): nothing doubles.
"$CLI" --token="$PROVINCE_TOKEN" bank publish --title="技术改造优质项目推荐名单（演示）" \
  --banks=icbc-gd,ccb-gd --note="省级重点技改项目，融资需求明确" \
  --request_id="demo-publish-$DEMO_P1" "$DEMO_P1" "$DEMO_P2" || true
"$CLI" --token="$BANK_TOKEN" bank list
"$CLI" --token="$BANK_TOKEN" bank feedback "$DEMO_P1" --state=contacted \
  --note="已与企业财务负责人对接" --request_id="demo-contact-$DEMO_P1" || true
"$CLI" --token="$BANK_TOKEN" bank feedback "$DEMO_P1" --state=granted --loan_wan=3000 \
  --rate_pct=3.65 --term_months=36 --request_id="demo-grant-$DEMO_P1" || true
"$CLI" --token="$PROVINCE_TOKEN" bank stats --group_by=bank
echo
echo "techreno is running on $TECHRENO_SERVER (PostgreSQL 127.0.0.1:$PG_PORT)."
echo "Try:   . $VAR_DIR/env; . $VAR_DIR/tokens.env; . $DEMO/demo.env   # the demo's months and codes"
echo "       export TECHRENO_SERVER TECHRENO_TOKEN=\$COUNTY_TOKEN"
echo "       $CLI list projects"
echo "Stop:  deploy/local/stop.sh     Start again: deploy/local/start.sh"
