#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests (the PostgreSQL usage store's tests start one when LLMB_TEST_POSTGRES is unset).
#
#   scripts/postgres.sh start <dir>   creates a cluster in <dir> (which must be missing or empty), listening on 127.0.0.1
#                                     only, on a free port, with trust authentication and its unix socket in <dir>;
#                                     creates database llmb_test and prints one line on stdout, its connection string:
#                                     Host=127.0.0.1;Port=<port>;Database=llmb_test;Username=postgres
#   scripts/postgres.sh stop <dir>    stops that server (fast shutdown) and removes <dir>.
#
# Everything else goes to stderr. PostgreSQL refuses to run as root, so as root the server runs as the system user
# `postgres` (created when missing) and <dir> is handed to it. Needs the server binaries (initdb, pg_ctl, postgres).
set -euo pipefail

readonly SERVER_USER=postgres
readonly SUPERUSER=postgres
readonly DATABASE=llmb_test
readonly MARKER=.llmb-postgres

log() { echo "postgres.sh: $*" >&2; }
fail() { log "$*"; exit 1; }
usage() { echo "usage: $0 start <dir> | stop <dir>" >&2; exit 2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# The user the server runs as when this script runs as root: `postgres`, or whoever owns an existing cluster.
owner=$SERVER_USER

# Runs a command as the cluster's owner: `$owner` when this script runs as root, else the caller.
as_owner() {
  if is_root; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

# The folder of the server binaries: where `initdb` on PATH really is (Debian links them from /usr/lib/postgresql/N/bin),
# else the newest /usr/lib/postgresql/N/bin.
bin_dir() {
  local initdb
  initdb=$(command -v initdb 2>/dev/null || true)
  if [ -z "$initdb" ]; then
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$initdb" ] || fail "initdb was not found: install the PostgreSQL server binaries (Debian: postgresql-15)."
  dirname "$(readlink -f "$initdb")"
}

# A server tool: from the server's bin folder (a matching version), else from PATH.
tool() {
  local dir
  dir=$(bin_dir)
  if [ -x "$dir/$1" ]; then
    echo "$dir/$1"
  elif command -v "$1" >/dev/null 2>&1; then
    command -v "$1"
  else
    fail "$1 was not found beside $dir/initdb or on PATH."
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on now (the server may still lose a race for it: start retries).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free port found on 127.0.0.1."
}

ensure_server_user() {
  if ! id -u "$SERVER_USER" >/dev/null 2>&1; then
    log "creating the system user '$SERVER_USER' to run the server (PostgreSQL does not run as root)."
    local group=(--user-group)
    if getent group "$SERVER_USER" >/dev/null 2>&1; then
      group=(--gid "$SERVER_USER")
    fi
    useradd --system "${group[@]}" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SERVER_USER" >&2
  fi
}

start() {
  local dir=$1 initdb pg_ctl pg_isready psql port started=""
  initdb=$(tool initdb)
  pg_ctl=$(tool pg_ctl)
  pg_isready=$(tool pg_isready)
  psql=$(tool psql)

  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    fail "$dir is not empty: give a new or empty folder."
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  touch "$dir/$MARKER"

  if is_root; then
    ensure_server_user
    chown -R "$SERVER_USER:" "$dir"
    chmod 700 "$dir"
    runuser -u "$SERVER_USER" -- test -w "$dir" ||
      fail "the user '$SERVER_USER' cannot write $dir (is a parent folder closed to other users?): use a folder under /tmp."
  fi

  log "initdb in $dir/data"
  as_owner "$initdb" --pgdata="$dir/data" --username="$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C --no-sync >&2

  # Trust, on the unix socket and loopback only; the server listens nowhere else.
  cat >"$dir/data/pg_hba.conf" <<'EOF'
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/postgres.sh: a throwaway test server.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  if is_root; then
    chown "$SERVER_USER:" "$dir/data/pg_hba.conf" "$dir/data/postgresql.conf"
  fi

  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    log "starting on 127.0.0.1:$port (attempt $attempt)"
    if as_owner "$pg_ctl" start --pgdata="$dir/data" --log="$dir/postgres.log" --wait --timeout=60 --options="-p $port" >&2; then
      started=yes
      break
    fi
    log "the server did not start on port $port; its log ends:"
    tail -n 5 "$dir/postgres.log" >&2 || true
  done
  [ -n "$started" ] || fail "the server did not start (see $dir/postgres.log)."

  for _ in $(seq 1 60); do
    if "$pg_isready" --quiet --host=127.0.0.1 --port="$port" --timeout=1; then
      break
    fi
    sleep 0.5
  done
  if ! "$pg_isready" --quiet --host=127.0.0.1 --port="$port" --timeout=5; then
    as_owner "$pg_ctl" stop --pgdata="$dir/data" --mode=fast >&2 || true
    fail "the server started but does not accept connections on 127.0.0.1:$port."
  fi

  if ! "$psql" --no-psqlrc --quiet --host=127.0.0.1 --port="$port" --username="$SUPERUSER" --dbname=postgres \
    --set=ON_ERROR_STOP=1 --command="CREATE DATABASE $DATABASE" >&2; then
    as_owner "$pg_ctl" stop --pgdata="$dir/data" --mode=fast >&2 || true
    fail "could not create database $DATABASE."
  fi

  log "ready: 127.0.0.1:$port, database $DATABASE, stop with: $0 stop $dir"
  echo "Host=127.0.0.1;Port=$port;Database=$DATABASE;Username=$SUPERUSER"
}

stop() {
  local dir=$1 pg_ctl
  if [ ! -e "$dir" ]; then
    log "$dir does not exist: nothing to stop."
    return 0
  fi
  [ -e "$dir/$MARKER" ] || fail "$dir was not made by '$0 start': not touching it."
  if [ -f "$dir/data/postmaster.pid" ]; then
    pg_ctl=$(tool pg_ctl)
    owner=$(stat -c %U "$dir/data")
    as_owner "$pg_ctl" stop --pgdata="$dir/data" --mode=fast --wait >&2 || log "pg_ctl stop failed; removing $dir anyway."
  fi
  rm -rf "$dir"
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
