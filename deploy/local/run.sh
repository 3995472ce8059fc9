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
"$TECHRENO_ROOT/deploy/install-deps.sh"
echo "== 2/5 build"
techreno_build
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
pg_start "$VAR_DIR/pg" "$PG_PORT"
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
echo "demo tokens (also in $VAR_DIR/tokens.env):"
echo "  county   440103 荔湾区: $COUNTY_TOKEN"
echo "  city     440100 广州市: $CITY_TOKEN"
echo "  province 440000 广东省: $PROVINCE_TOKEN"

echo "== 5/5 demo"
DEMO=$TECHRENO_ROOT/deploy/local/demo
echo "-- the county registers its enterprises"
"$CLI" --token="$COUNTY_TOKEN" push enterprises "$DEMO/enterprises.csv" || true
echo "-- the county pushes its projects; the last record is wrong in several fields"
"$CLI" --token="$COUNTY_TOKEN" push projects "$DEMO/projects.csv" || true
echo "-- the county lists its projects"
"$CLI" --token="$COUNTY_TOKEN" list projects
echo "-- the city sees its counties' projects"
"$CLI" --token="$CITY_TOKEN" list projects --limit=5
echo "-- the county reports monthly investment progress (2025-03 .. 2025-10)"
"$CLI" --token="$COUNTY_TOKEN" progress push "$DEMO/progress.csv" || true
echo "-- the province loads the plan's targets and sets 2025 targets; the city splits its own"
"$CLI" --token="$PROVINCE_TOKEN" targets seed-plan
"$CLI" --token="$PROVINCE_TOKEN" targets set --year=2025 --region=440000 \
  --metric=TECH_RENOVATION_INVESTMENT --value_yi=5000 --note="2025年全省技术改造投资目标（演示）"
"$CLI" --token="$PROVINCE_TOKEN" targets set --year=2025 --region=440100 \
  --metric=TECH_RENOVATION_INVESTMENT --value_wan=40000 --note="演示"
"$CLI" --token="$CITY_TOKEN" targets set --year=2025 --region=440103 \
  --metric=TECH_RENOVATION_INVESTMENT --value_wan=30000 --note="演示"
"$CLI" --token="$PROVINCE_TOKEN" targets list --year=2025 --root=440100 --only_short
echo "-- the province watches investment by city and quarter against target"
"$CLI" --token="$PROVINCE_TOKEN" aggregates --from=2025-01 --to=2025-10 --granularity=quarter \
  --group_by=region --tier=city --region=440100
echo "-- which reports are missing, late or corrected, and which projects lag"
"$CLI" --token="$CITY_TOKEN" compliance --from=2025-03 --to=2025-10 --region=440103
"$CLI" --token="$CITY_TOKEN" lagging --region=440103 --limit=5
echo
echo "techreno is running on $TECHRENO_SERVER (PostgreSQL 127.0.0.1:$PG_PORT)."
echo "Try:   export TECHRENO_SERVER=$TECHRENO_SERVER TECHRENO_TOKEN=\$COUNTY_TOKEN (from $VAR_DIR/tokens.env)"
echo "       $CLI list projects"
echo "Stop:  deploy/local/stop.sh     Start again: deploy/local/start.sh"
