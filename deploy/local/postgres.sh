#!/usr/bin/env bash
# PostgreSQL for OpsLedger on this machine (Debian's packages, no Docker).
#
#   deploy/local/postgres.sh start|stop|status
#
# start: installs the Debian `postgresql` package if there is no server, makes sure a
# cluster listens on ${PGPORT:-5432} (creates one if needed), starts it, waits until it
# accepts connections, then (idempotently) creates role opsledger/opsledger (LOGIN CREATEDB)
# and one database per service, owned by opsledger, and checks that password login over
# TCP to 127.0.0.1 works. Must run as root (or as a user with sudo to postgres).
set -euo pipefail

PGPORT="${PGPORT:-5432}"
PGHOST_TCP=127.0.0.1
ROLE=opsledger
PASSWORD=opsledger
SERVICES=(callcenter dispatch fleet permits secrets_registry ledger dashboard)
READY_TIMEOUT="${POSTGRES_READY_TIMEOUT:-60}"
URL_TEMPLATE="postgresql+asyncpg://$ROLE:$PASSWORD@$PGHOST_TCP:$PGPORT/opsledger_{service}"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "missing $*, and no apt-get to install it with"
  [ "$(id -u)" -eq 0 ] || die "missing $*: run as root, or install it: apt-get install -y $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

server_installed() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

ensure_installed() {
  if ! server_installed || ! command -v pg_lsclusters >/dev/null 2>&1 \
      || ! command -v psql >/dev/null 2>&1; then
    apt_install postgresql
  fi
  server_installed || die "no PostgreSQL server under /usr/lib/postgresql/*/bin after installing"
}

# Run a command as the postgres superuser (peer authentication over the Unix socket).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    sudo -n -u postgres -- "$@"
  fi
}

# Prints "version name status" of the cluster on $PGPORT, if any.
find_cluster() {
  pg_lsclusters -h 2>/dev/null | awk -v port="$PGPORT" '$3 == port { print $1, $2, $4; exit }'
}

latest_version() {
  local dir best=""
  for dir in /usr/lib/postgresql/*/bin/postgres; do
    dir="${dir#/usr/lib/postgresql/}"
    dir="${dir%%/*}"
    if [ -z "$best" ] || [ "$dir" -gt "$best" ]; then best="$dir"; fi
  done
  echo "$best"
}

ensure_cluster() {
  local found version name
  found="$(find_cluster)"
  if [ -z "$found" ]; then
    version="$(latest_version)"
    if pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -qx "$version main"; then
      name=opsledger   # 'main' exists on another port: make a separate cluster for ours
    else
      name=main
    fi
    log "creating cluster $version/$name on port $PGPORT"
    pg_createcluster -p "$PGPORT" "$version" "$name" >&2
    found="$(find_cluster)"
    [ -n "$found" ] || die "pg_createcluster did not produce a cluster on port $PGPORT"
  fi
  echo "$found"
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  until pg_isready -q -h "$PGHOST_TCP" -p "$PGPORT"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "PostgreSQL on $PGHOST_TCP:$PGPORT not ready after ${READY_TIMEOUT}s (see /var/log/postgresql/)"
    fi
    sleep 0.25
  done
}

provision() {
  log "ensuring role $ROLE and databases ${SERVICES[*]/#/opsledger_}"
  local sql
  sql="DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END
\$\$;"
  local svc db
  for svc in "${SERVICES[@]}"; do
    db="opsledger_$svc"
    sql+="
SELECT 'CREATE DATABASE $db OWNER $ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')
\\gexec
ALTER DATABASE $db OWNER TO $ROLE;"
  done
  # cd / : postgres cannot read root's cwd; -X: ignore any ~/.psqlrc.
  (cd / && printf '%s\n' "$sql" | as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres >&2) \
    || die "creating role/databases failed"
}

verify_password_login() {
  if ! PGPASSWORD="$PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -tA -h "$PGHOST_TCP" -p "$PGPORT" \
      -U "$ROLE" -d opsledger_dispatch -c 'select 1' >/dev/null; then
    die "password login as $ROLE over TCP to $PGHOST_TCP:$PGPORT failed: check pg_hba.conf has a 'host all all 127.0.0.1/32 scram-sha-256' (or md5) line"
  fi
}

cmd_start() {
  local t0=$SECONDS cluster version name status
  ensure_installed
  cluster="$(ensure_cluster)"
  read -r version name status <<<"$cluster"
  if [[ "$status" == online* ]]; then
    log "cluster $version/$name already running on port $PGPORT"
  else
    log "starting cluster $version/$name on port $PGPORT"
    pg_ctlcluster "$version" "$name" start >&2 \
      || die "pg_ctlcluster $version $name start failed (see /var/log/postgresql/postgresql-$version-$name.log)"
  fi
  wait_ready
  provision
  verify_password_login
  log "ready on $PGHOST_TCP:$PGPORT ($((SECONDS - t0)) s)"
  echo "OPSLEDGER_DATABASE_URL=$URL_TEMPLATE"
}

cmd_stop() {
  local cluster version name status
  if ! command -v pg_lsclusters >/dev/null 2>&1; then log "not installed"; return 0; fi
  cluster="$(find_cluster)"
  if [ -z "$cluster" ]; then log "no cluster on port $PGPORT"; return 0; fi
  read -r version name status <<<"$cluster"
  if [[ "$status" != online* ]]; then log "cluster $version/$name not running"; return 0; fi
  log "stopping cluster $version/$name"
  pg_ctlcluster "$version" "$name" stop -m fast >&2
  log "stopped"
}

cmd_status() {
  local cluster version name status
  if ! command -v pg_lsclusters >/dev/null 2>&1 || ! server_installed; then
    echo "postgres: not installed"
    return 3
  fi
  cluster="$(find_cluster)"
  if [ -z "$cluster" ]; then echo "postgres: no cluster on port $PGPORT"; return 3; fi
  read -r version name status <<<"$cluster"
  if [[ "$status" == online* ]] && pg_isready -q -h "$PGHOST_TCP" -p "$PGPORT"; then
    echo "postgres: cluster $version/$name running, accepting connections on $PGHOST_TCP:$PGPORT"
    echo "OPSLEDGER_DATABASE_URL=$URL_TEMPLATE"
    return 0
  fi
  echo "postgres: cluster $version/$name $status on port $PGPORT"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
