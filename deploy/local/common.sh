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
