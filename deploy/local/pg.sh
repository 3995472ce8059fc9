# Sourced helpers to run a private PostgreSQL 15 cluster in a folder, loopback
# only, as an unprivileged user (initdb refuses root). Used by the run script
# (./var/pg, kept) and the test script (a temp dir, removed).
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# The user that owns and runs the cluster: ourselves, or "postgres" under root.
pg_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

pg_as_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A free TCP port on 127.0.0.1, from $1 upwards.
pg_free_port() {
  local port=${1:-54320}
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# Under root the cluster runs as "postgres", which must be able to reach DIR:
# a clone under /root (mode 700) is not reachable. Grant search-only access
# (ACL "x") on each ancestor that lacks it, and say so.
pg_grant_path() {
  local dir=$1 d
  [ "$(id -u)" -eq 0 ] || return 0
  runuser -u postgres -- test -x "$dir" 2>/dev/null && return 0
  d=$dir
  while [ "$d" != "/" ]; do
    d=$(dirname "$d")
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      command -v setfacl >/dev/null || { echo "postgres cannot reach $dir; install acl or move the clone" >&2; return 1; }
      setfacl -m u:postgres:x "$d"
      echo "granted the postgres user search access to $d (setfacl u:postgres:x)" >&2
    fi
  done
}

# pg_init DIR: creates the cluster in DIR/data unless it exists.
pg_init() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] && return 0
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$(pg_user)" "$dir"
    pg_grant_path "$dir" || return 1
  fi
  pg_as_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
}

# A quarter of the machine's memory, at most 8 GB, in MB: PostgreSQL's usual
# shared_buffers for a server of its own (the default, 128 MB, holds too
# little of monitoring's summaries: ingest waits on reads at ×10).
pg_machine_shared_buffers() {
  local kb
  kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
  local mb=$((kb / 4 / 1024))
  [ "$mb" -gt 8192 ] && mb=8192
  [ "$mb" -lt 128 ] && mb=128
  echo "${mb}MB"
}

# pg_start DIR PORT: starts the cluster on 127.0.0.1:PORT, TCP only (no Unix
# socket: its path would be limited in length and awkward with spaces).
# PG_FSYNC=off for throwaway clusters; PG_SHARED_BUFFERS (e.g. 4GB, or
# "machine" for pg_machine_shared_buffers) when not PostgreSQL's default.
pg_start() {
  local dir=$1 port=$2 buffers=${PG_SHARED_BUFFERS:-}
  if pg_as_user "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then return 0; fi
  [ "$buffers" = machine ] && buffers=$(pg_machine_shared_buffers)
  local options="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=${PG_FSYNC:-on}"
  [ -n "$buffers" ] && options="$options -c shared_buffers=$buffers"
  pg_as_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "$options" \
    start >/dev/null \
    || { tail -20 "$dir/postgres.log" >&2; return 1; }
}

pg_stop() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] || return 0
  pg_as_user "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_psql PORT DB SQL...: runs SQL as the superuser over loopback.
pg_psql() {
  local port=$1 db=$2; shift 2
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}
