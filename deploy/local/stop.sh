#!/usr/bin/env bash
# Stops techreno-server (graceful: in-flight calls finish) and the embedded
# PostgreSQL. Data in ./var is kept; deploy/local/start.sh starts both again.
set -euo pipefail
. "$(dirname "$0")/common.sh"
if [ -f "$VAR_DIR/server.pid" ]; then
  pid=$(cat "$VAR_DIR/server.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 350); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$VAR_DIR/server.pid"
fi
pg_stop "$VAR_DIR/pg"
echo "stopped; data kept in $VAR_DIR"
