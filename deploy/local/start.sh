#!/usr/bin/env bash
# Starts the embedded PostgreSQL and techreno-server from ./var, as left by
# run.sh (no re-initialisation, data kept). Usage: deploy/local/start.sh
set -euo pipefail
. "$(dirname "$0")/common.sh"
techreno_load_env || { echo "no $VAR_DIR/env: run deploy/local/run.sh first" >&2; exit 1; }
pg_start "$VAR_DIR/pg" "$PG_PORT"
# A pid file alone proves nothing: its server may have been killed (and be a
# zombie not yet reaped) or its pid reused; techreno_server_alive checks.
if [ -f "$VAR_DIR/server.pid" ] && techreno_server_alive "$(cat "$VAR_DIR/server.pid")"; then
  echo "techreno-server already running (pid $(cat "$VAR_DIR/server.pid")) on $TECHRENO_SERVER"
  exit 0
fi
# Only what this start writes to the log counts: the log is appended to.
log_start=$(($(stat -c %s "$VAR_DIR/server.log" 2>/dev/null || echo 0) + 1))
nohup "$BUILD_DIR/services/server/techreno-server" --listen="$TECHRENO_SERVER" --db="$TECHRENO_DB" \
  >>"$VAR_DIR/server.log" 2>&1 &
echo $! >"$VAR_DIR/server.pid"
for _ in $(seq 1 300); do
  tail -c +"$log_start" "$VAR_DIR/server.log" | grep -q "listening on port" && break
  # Our own child: bash reaps it as it exits, so kill -0 tells. (Not
  # techreno_server_alive: for an instant the pid is still nohup's, not yet exec'd.)
  if ! kill -0 "$(cat "$VAR_DIR/server.pid")" 2>/dev/null; then
    tail -c +"$log_start" "$VAR_DIR/server.log" >&2
    echo "techreno-server exited during start-up (log above)" >&2
    exit 1
  fi
  sleep 0.1
done
tail -c +"$log_start" "$VAR_DIR/server.log" | grep -q "listening on port" \
  || { echo "techreno-server did not start within 30 s; see $VAR_DIR/server.log" >&2; exit 1; }
echo "techreno-server running (pid $(cat "$VAR_DIR/server.pid")) on $TECHRENO_SERVER; log: $VAR_DIR/server.log"
