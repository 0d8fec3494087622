#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster beside it, for the tests of
# crates/store-postgres (and the conformance suite of the store backends):
#
#   tests/postgres/with-cluster.sh cargo test --workspace
#
# 1. Makes sure the PostgreSQL 15 server binaries exist (/usr/lib/postgresql/15/bin); installs the
#    Debian package `postgresql-15` with apt-get when they are missing (as root, or with sudo).
# 2. Creates a cluster in a fresh folder under the cargo target dir (initdb), trust authentication
#    on loopback and on the cluster's own unix socket only (nothing else is accepted), a random
#    free port on 127.0.0.1, the unix socket inside the cluster folder; starts it and creates the
#    database `peil_test`.
# 3. Exports PEIL_TEST_POSTGRES_URL=postgres://peil@127.0.0.1:PORT/peil_test and runs the command.
# 4. Stops the cluster and removes its folder on exit, whatever the outcome (trap).
#
# PostgreSQL refuses to run as root. When this script runs as root it runs initdb, pg_ctl and the
# server as an unprivileged system user (`postgres` when the Debian package made one, else it
# creates `peil-postgres`) with runuser, and gives that user the cluster folder. When the target
# dir is not reachable for that user the cluster goes to a private folder under /tmp instead.
#
# The cluster runs with fsync=off and synchronous_commit=off (fast tests). With
# PEIL_POSTGRES_DURABLE=1 it keeps PostgreSQL's defaults (fsync on, synchronous_commit on), for
# benchmark figures that a durable server would give (the `side_by_side` example of
# crates/store-postgres).
#
# The tests read PEIL_TEST_POSTGRES_URL; without it they skip with a note, except under CI=true,
# where a missing PostgreSQL is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

pg_bin=/usr/lib/postgresql/15/bin

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: need root or sudo to run: $*" >&2
    return 1
  fi
}

if [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ] || [ ! -x "$pg_bin/postgres" ]; then
  echo "installing: postgresql-15"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15
fi
# The Debian package may start its own cluster; this script never uses or touches it.

# Who runs the server: this user, or (as root) an unprivileged system user.
run_as=()
if [ "$(id -u)" = 0 ]; then
  server_user=postgres
  if ! id -u "$server_user" >/dev/null 2>&1; then
    server_user=peil-postgres
    if ! id -u "$server_user" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$server_user"
    fi
  fi
  run_as=(runuser -u "$server_user" --)
fi

target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target_dir/postgres-ci"
cluster_dir="$(mktemp -d "$(cd "$target_dir/postgres-ci" && pwd)/cluster.XXXXXX")"
if [ "${#run_as[@]}" -gt 0 ]; then
  chown "$server_user" "$cluster_dir"
  if ! "${run_as[@]}" test -w "$cluster_dir"; then
    rmdir "$cluster_dir"
    cluster_dir="$(mktemp -d /tmp/peil-postgres.XXXXXX)"
    chown "$server_user" "$cluster_dir"
  fi
fi
chmod 700 "$cluster_dir"

stop_cluster() {
  local status=$?
  if [ -f "$cluster_dir/data/postmaster.pid" ]; then
    "${run_as[@]}" "$pg_bin/pg_ctl" -D "$cluster_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster_dir"
  exit "$status"
}
trap stop_cluster EXIT INT TERM

# A free port on loopback (the kernel picks one; a race with another process is unlikely and
# makes pg_ctl fail loudly rather than connect to a stranger).
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))"

"${run_as[@]}" "$pg_bin/initdb" -D "$cluster_dir/data" --username=peil --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 >"$cluster_dir/initdb.log" 2>&1 \
  || { cat "$cluster_dir/initdb.log" >&2; exit 1; }
# Trust on the cluster's own socket and on loopback only.
cat >"$cluster_dir/pg_hba.conf" <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
EOF
chmod 600 "$cluster_dir/pg_hba.conf"
if [ "${#run_as[@]}" -gt 0 ]; then chown "$server_user" "$cluster_dir/pg_hba.conf"; fi
"${run_as[@]}" cp "$cluster_dir/pg_hba.conf" "$cluster_dir/data/pg_hba.conf"

durability="-c fsync=off -c synchronous_commit=off"
if [ "${PEIL_POSTGRES_DURABLE:-0}" = 1 ]; then
  durability="-c fsync=on -c synchronous_commit=on"
fi
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$cluster_dir/data" -l "$cluster_dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster_dir $durability -c max_connections=200" \
  start >/dev/null || { cat "$cluster_dir/server.log" >&2; exit 1; }
"${run_as[@]}" "$pg_bin/createdb" -h "$cluster_dir" -p "$port" -U peil peil_test

export PEIL_TEST_POSTGRES_URL="postgres://peil@127.0.0.1:$port/peil_test"
echo "PostgreSQL 15 test cluster on 127.0.0.1:$port ($cluster_dir)"
"$@"
