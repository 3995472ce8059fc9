#!/usr/bin/env bash
# Starts the embedded PostgreSQL and techreno-server from ./var, as left by
# run.sh (no re-initialisation, data kept). Usage: deploy/local/start.sh
set -euo pipefail
. "$(dirname "$0")/common.sh"
techreno_load_env || { echo "no $VAR_DIR/env: run deploy/local/run.sh first" >&2; exit 1; }
pg_start "$VAR_DIR/pg" "$PG_PORT"
if [ -f "$VAR_DIR/server.pid" ] && kill -0 "$(cat "$VAR_DIR/server.pid")" 2>/dev/null; then
  echo "techreno-server already running (pid $(cat "$VAR_DIR/server.pid")) on $TECHRENO_SERVER"
  exit 0
fi
nohup "$BUILD_DIR/services/server/techreno-server" --listen="$TECHRENO_SERVER" --db="$TECHRENO_DB" \
  >>"$VAR_DIR/server.log" 2>&1 &
echo $! >"$VAR_DIR/server.pid"
for _ in $(seq 1 100); do
  grep -q "listening on port" "$VAR_DIR/server.log" 2>/dev/null && break
  kill -0 "$(cat "$VAR_DIR/server.pid")" 2>/dev/null || { tail "$VAR_DIR/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "techreno-server running (pid $(cat "$VAR_DIR/server.pid")) on $TECHRENO_SERVER; log: $VAR_DIR/server.log"
