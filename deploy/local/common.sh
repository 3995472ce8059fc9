# Sourced by the local scripts: paths and the build step they share.
TECHRENO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$TECHRENO_ROOT/build}
VAR_DIR=${VAR_DIR:-$TECHRENO_ROOT/var}
# shellcheck source=pg.sh
. "$TECHRENO_ROOT/deploy/local/pg.sh"

# Configures (once) and builds with both cores: techreno_build [-DOPTION=...]...
# [--target TARGET...]; without --target, everything is built.
# TECHRENO_SKIP_BUILD=1 uses the binaries already in $BUILD_DIR (development).
techreno_build() {
  [ "${TECHRENO_SKIP_BUILD:-}" = 1 ] && return 0
  local configure=() targets=()
  while [ $# -gt 0 ]; do
    case $1 in
      --target) shift; targets=(--target "$@"); break ;;
      *) configure+=("$1"); shift ;;
    esac
  done
  cmake -S "$TECHRENO_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${configure[@]}" >/dev/null
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}" "${targets[@]}"
}

# The server's stored state lives in $VAR_DIR/env: port, DSN and tokens.
techreno_load_env() { [ -f "$VAR_DIR/env" ] && . "$VAR_DIR/env"; }

# True when PID is a live techreno-server. kill -0 is not enough: it succeeds
# on a killed server its parent has not reaped yet (a zombie), and on whatever
# program has since been given the pid of a server that is long gone.
techreno_server_alive() {
  local pid=$1 stat state exe
  [[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  # The state is the field after "(comm)"; comm itself may hold spaces or ")".
  state=${stat##*) }
  state=${state%% *}
  case $state in Z | X | x) return 1 ;; esac
  # The program: /proc/PID/exe (" (deleted)" once a rebuild replaced the
  # binary), or argv[0] where exe cannot be read (another user's process).
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) \
    || exe=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) || return 1
  exe=${exe% (deleted)}
  [ "${exe##*/}" = techreno-server ]
}

# Stops techreno-server gracefully (SIGTERM; in-flight calls get 30 s), then
# for good after 35 s.
techreno_stop_server() {
  [ -f "$VAR_DIR/server.pid" ] || return 0
  local pid
  pid=$(cat "$VAR_DIR/server.pid")
  if techreno_server_alive "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 350); do techreno_server_alive "$pid" || break; sleep 0.1; done
    if techreno_server_alive "$pid"; then
      echo "techreno-server did not stop within 35 s; killing it" >&2
      kill -KILL "$pid"
    fi
  fi
  rm -f "$VAR_DIR/server.pid"
}
