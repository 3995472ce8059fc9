# Sourced by the local scripts: paths and the build step they share.
TECHRENO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$TECHRENO_ROOT/build}
VAR_DIR=${VAR_DIR:-$TECHRENO_ROOT/var}
# shellcheck source=pg.sh
. "$TECHRENO_ROOT/deploy/local/pg.sh"

# Configures (once) and builds with both cores; extra cmake options in $@.
techreno_build() {
  cmake -S "$TECHRENO_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}"
}

# The server's stored state lives in $VAR_DIR/env: port, DSN and tokens.
techreno_load_env() { [ -f "$VAR_DIR/env" ] && . "$VAR_DIR/env"; }

# Stops techreno-server gracefully (SIGTERM; in-flight calls get 30 s), then
# for good after 35 s.
techreno_stop_server() {
  [ -f "$VAR_DIR/server.pid" ] || return 0
  local pid
  pid=$(cat "$VAR_DIR/server.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 350); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "techreno-server did not stop within 35 s; killing it" >&2
      kill -KILL "$pid"
    fi
  fi
  rm -f "$VAR_DIR/server.pid"
}
