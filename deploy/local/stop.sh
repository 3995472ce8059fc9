#!/usr/bin/env bash
# Stops techreno-server (graceful: in-flight calls finish) and the embedded
# PostgreSQL. Data in ./var is kept; deploy/local/start.sh starts both again.
set -euo pipefail
. "$(dirname "$0")/common.sh"
techreno_stop_server
pg_stop "$VAR_DIR/pg"
echo "stopped; data kept in $VAR_DIR"
