#!/usr/bin/env bash
# Run the whole OpsLedger system on this machine, in the foreground (`make run`).
#
#   deploy/local/run.sh [--postgres]
#
#   deploy/local/run.sh --stop        (`make down`) stop what a run.sh started, by pid file
#
# Starts Kafka (deploy/local/kafka.sh) unless it is already running and, while it boots,
# the five services as separate processes. A service that exits is restarted with
# exponential backoff (logged as "<service> exited (status N); restart #k in S s"); one that
# keeps crashing (more than OPSLEDGER_MAX_RESTARTS times in a row, each within
# OPSLEDGER_RESTART_RESET_SECONDS of its start) stops everything with exit status 1.
# Ctrl-C or SIGTERM stops all services (TERM, then KILL after 15 s) and then the Kafka this
# script started (a Kafka that was already running is left alone).
#
# Pid files: var/run/run.sh.pid and var/run/<service>.pid ("<pid> <start time>", so a
# recycled pid is never mistaken for ours). --stop signals only those processes.
#
# --postgres  also start PostgreSQL (deploy/local/postgres.sh) and point every service at its
#             own database; without it each service uses its default SQLite file under var/.
#
# Environment:
#   OPSLEDGER_SERVE_CMD       command that serves one service (default:
#                             "uv run --frozen opsledger serve"); the service name is appended,
#                             or substituted for "{service}" if the command contains it;
#                             "{port}" is substituted by the service's port.
#   OPSLEDGER_RUN_PORT_BASE   first HTTP port (default 8101: callcenter 8101, dispatch 8102,
#                             fleet 8103, permits 8104, secrets_registry 8105, ledger 8106,
#                             dashboard 8107).
#   OPSLEDGER_HTTP_HOST       interface the services listen on (default 127.0.0.1).
#   OPSLEDGER_DATABASE_URL    passed through; "{service}" in it is replaced per service.
#   KAFKA_HOST, KAFKA_PORT    the broker (default 127.0.0.1:9092), see kafka.sh.
#   OPSLEDGER_KAFKA_SECURITY_PROTOCOL, _SASL_MECHANISM, _USERNAME, _PASSWORD_FILE
#                             how the services log in to Kafka; unset, what `kafka.sh env`
#                             prints: each service as its own principal (SASL/SCRAM), with
#                             the password kafka.sh generated for it. "{service}" in them is
#                             replaced per service.
#   OPSLEDGER_STOP_TIMEOUT    seconds between TERM and KILL for the services (default 15).
#   OPSLEDGER_RESTART_BACKOFF_MS      first restart delay (default 1000), doubled per crash
#   OPSLEDGER_RESTART_BACKOFF_MAX_MS  longest restart delay (default 30000)
#   OPSLEDGER_MAX_RESTARTS            crashes in a row before giving up (default 10)
#   OPSLEDGER_RESTART_RESET_SECONDS   a service that ran this long has its count reset (60)
#   OPSLEDGER_AUTH_SECRET     the token key; when unset, this install's own random key is used
#                             (deploy/local/auth-key.sh: var/auth-secret, or
#                             $OPSLEDGER_DATA_DIR/auth-secret, mode 0600, made on first run) and
#                             passed as OPSLEDGER_AUTH_SECRET_FILE; `opsledger token` reads it too.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SERVICES=(callcenter dispatch fleet permits secrets_registry ledger dashboard)
PORT_BASE="${OPSLEDGER_RUN_PORT_BASE:-8101}"
HTTP_HOST="${OPSLEDGER_HTTP_HOST:-127.0.0.1}"
SERVE_CMD="${OPSLEDGER_SERVE_CMD:-uv run --frozen opsledger serve}"
STOP_TIMEOUT="${OPSLEDGER_STOP_TIMEOUT:-15}"
KAFKA_BOOTSTRAP="${KAFKA_HOST:-127.0.0.1}:${KAFKA_PORT:-9092}"
KAFKA_SH="$SCRIPT_DIR/kafka.sh"
LOG_DIR="${OPSLEDGER_VAR_DIR:-$REPO_ROOT/var}/run"
BACKOFF_MS="${OPSLEDGER_RESTART_BACKOFF_MS:-1000}"
BACKOFF_MAX_MS="${OPSLEDGER_RESTART_BACKOFF_MAX_MS:-30000}"
MAX_RESTARTS="${OPSLEDGER_MAX_RESTARTS:-10}"
RESET_SECONDS="${OPSLEDGER_RESTART_RESET_SECONDS:-60}"

log() { printf 'run.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for var in BACKOFF_MS BACKOFF_MAX_MS MAX_RESTARTS RESET_SECONDS STOP_TIMEOUT; do
  [[ "${!var}" =~ ^[0-9]+$ ]] || { log "ERROR: $var must be a whole number, got '${!var}'"; exit 2; }
done

USE_POSTGRES=0
STOP_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --postgres) USE_POSTGRES=1 ;;
    --stop) STOP_ONLY=1 ;;
    -h|--help) sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "ERROR: unknown argument: $arg (try --help)"; exit 2 ;;
  esac
done

now_ms() { local t="${EPOCHREALTIME/[.,]/}"; echo $((t / 1000)); }

# Start time of a process (field 22 of /proc/<pid>/stat): with the pid, identifies it.
proc_start() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"  # the command name may contain spaces: skip past it
  local -a fields
  read -r -a fields <<<"$stat"
  echo "${fields[19]}"
}

write_pid_file() {  # name pid
  local start
  start="$(proc_start "$2" || echo 0)"
  printf '%s %s\n' "$2" "$start" >"$LOG_DIR/$1.pid"
}

# Prints the pid recorded in a pid file if that very process still runs, else nothing.
live_pid_from_file() {
  local file="$1" pid start
  [ -f "$file" ] || return 0
  read -r pid start <"$file" || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if [ "$(proc_start "$pid" 2>/dev/null)" = "$start" ]; then echo "$pid"; fi
}

stop_by_pid_files() {
  local file pid waited svc
  pid="$(live_pid_from_file "$LOG_DIR/run.sh.pid")"
  if [ -n "$pid" ]; then
    log "stopping run.sh (pid $pid); it stops its services"
    kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $(((STOP_TIMEOUT + 30) * 5)) ]; do
      sleep 0.2; waited=$((waited + 1))
    done
  fi
  # Services left behind (run.sh killed with -9, say): their process groups, by pid file.
  for file in "$LOG_DIR"/*.pid; do
    [ -e "$file" ] || continue
    svc="$(basename "$file" .pid)"
    [ "$svc" = run.sh ] && { rm -f "$file"; continue; }
    pid="$(live_pid_from_file "$file")"
    if [ -n "$pid" ]; then
      log "stopping $svc (pid $pid)"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      waited=0
      while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((STOP_TIMEOUT * 5)) ]; do
        sleep 0.2; waited=$((waited + 1))
      done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$file"
  done
  log "nothing started by run.sh is running"
}

if [ "$STOP_ONLY" -eq 1 ]; then
  mkdir -p "$LOG_DIR"
  stop_by_pid_files
  exit 0
fi

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Connect address for a readiness check: a wildcard bind is reachable on loopback.
probe_host() {
  case "$HTTP_HOST" in 0.0.0.0|'') echo 127.0.0.1 ;; ::|'[::]') echo ::1 ;; *) echo "$HTTP_HOST" ;; esac
}

declare -A PIDS=() PORTS=() READY=() RESTARTS=() STARTED_AT=() NEXT_START=()
KAFKA_STARTED_HERE=0
CLEANED_UP=0
EXIT_CODE=0

stop_services() {
  local svc pid alive ticks=0
  for svc in "${!PIDS[@]}"; do
    pid="${PIDS[$svc]}"
    # Each service runs in its own process group (setsid): signal the whole group, so `uv run`
    # and the Python process under it both get it.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  while :; do
    alive=()
    for svc in "${!PIDS[@]}"; do
      pid="${PIDS[$svc]}"
      if kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; then alive+=("$svc"); fi
    done
    [ "${#alive[@]}" -eq 0 ] && break
    if [ "$ticks" -ge $((STOP_TIMEOUT * 5)) ]; then  # 5 ticks of 0.2 s a second
      log "still running after ${STOP_TIMEOUT}s, sending SIGKILL: ${alive[*]}"
      for svc in "${alive[@]}"; do
        pid="${PIDS[$svc]}"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      done
      sleep 0.2
      break
    fi
    sleep 0.2
    ticks=$((ticks + 1))
  done
  # Reap them, so no zombie outlives us.
  for svc in "${!PIDS[@]}"; do
    wait "${PIDS[$svc]}" 2>/dev/null || true
    rm -f "$LOG_DIR/$svc.pid"
  done
}

cleanup() {
  [ "$CLEANED_UP" -eq 1 ] && return 0
  CLEANED_UP=1
  trap '' INT TERM HUP
  if [ "${#PIDS[@]}" -gt 0 ]; then
    log "stopping services"
    stop_services
  fi
  if [ "$KAFKA_STARTED_HERE" -eq 1 ]; then
    log "stopping the Kafka started by run.sh"
    "$KAFKA_SH" stop || log "kafka.sh stop failed"
  fi
  if [ "$(live_pid_from_file "$LOG_DIR/run.sh.pid")" = "$$" ]; then rm -f "$LOG_DIR/run.sh.pid"; fi
  log "all stopped"
}

on_signal() {
  log "got $1, shutting down"
  case "$1" in INT) EXIT_CODE=130 ;; TERM) EXIT_CODE=143 ;; HUP) EXIT_CODE=129 ;; esac
  cleanup
  exit "$EXIT_CODE"
}

trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP
trap 'cleanup' EXIT

cd "$REPO_ROOT"
mkdir -p "$LOG_DIR"
if [ -n "$(live_pid_from_file "$LOG_DIR/run.sh.pid")" ]; then
  die "another run.sh is running (pid file $LOG_DIR/run.sh.pid); stop it with: $0 --stop"
fi
write_pid_file run.sh "$$"

# Fail early, before starting anything, if a service port is taken.
# Each service's port is fixed by its name (ledger 8106 and dashboard 8107 even when a
# checkout has only one of them); a service not listed here follows the last one.
declare -A PORT_OFFSET=([callcenter]=0 [dispatch]=1 [fleet]=2 [permits]=3 [secrets_registry]=4 [ledger]=5 [dashboard]=6)
i=0
for svc in "${SERVICES[@]}"; do
  i="${PORT_OFFSET[$svc]:-$((i + 1))}"
  PORTS[$svc]=$((PORT_BASE + i))
  if port_open "$(probe_host)" "${PORTS[$svc]}"; then
    die "port ${PORTS[$svc]} (for $svc) is already in use"
  fi
done

read -r -a SERVE_ARGV <<<"$SERVE_CMD"
[ "${#SERVE_ARGV[@]}" -gt 0 ] || die "OPSLEDGER_SERVE_CMD is empty"
command -v "${SERVE_ARGV[0]}" >/dev/null 2>&1 \
  || die "'${SERVE_ARGV[0]}' not found (install uv: python3 -m pip install uv)"

# Each service logs in to Kafka as itself. The passwords are made before the broker starts
# (kafka.sh credentials), so the services can read theirs at once.
if [ -z "${OPSLEDGER_KAFKA_SECURITY_PROTOCOL:-}" ]; then
  kafka_env="$("$KAFKA_SH" credentials)" || die "kafka.sh credentials failed"
  while IFS='=' read -r name value; do
    [ -n "$name" ] && [ -z "${!name:-}" ] && export "$name=$value"
  done <<<"$kafka_env"
fi

kafka_status=0
"$KAFKA_SH" status >/dev/null 2>&1 || kafka_status=$?
case "$kafka_status" in
  0) log "Kafka already running on $KAFKA_BOOTSTRAP; leaving it running afterwards" ;;
  # Started in the background: the services boot meanwhile (they wait for Kafka themselves).
  3) KAFKA_STARTED_HERE=1; "$KAFKA_SH" start >/dev/null & KAFKA_START_PID=$! ;;
  *) log "Kafka is being started by someone else; waiting for it (and leaving it running)"
     "$KAFKA_SH" start >/dev/null ;;
esac

if [ "$USE_POSTGRES" -eq 1 ]; then
  db_line="$("$SCRIPT_DIR/postgres.sh" start)"
  export OPSLEDGER_DATABASE_URL="${db_line#OPSLEDGER_DATABASE_URL=}"
fi

export OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS="${OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS:-$KAFKA_BOOTSTRAP}"
if [ -z "${OPSLEDGER_AUTH_SECRET:-}" ]; then
  # No built-in key: a random one of this install, made once (services refuse known keys).
  OPSLEDGER_AUTH_SECRET_FILE="$("$SCRIPT_DIR/auth-key.sh")" || die "could not create the token key"
  export OPSLEDGER_AUTH_SECRET_FILE
  log "token key: $OPSLEDGER_AUTH_SECRET_FILE (mint a token: uv run opsledger token --help)"
fi

start_service() {
  local svc="$1" port="${PORTS[$1]}" word has_service_placeholder=0 db_url kafka_user kafka_pw_file
  local -a argv=()
  for word in "${SERVE_ARGV[@]}"; do
    [[ "$word" == *"{service}"* ]] && has_service_placeholder=1
    word="${word//\{service\}/$svc}"
    argv+=("${word//\{port\}/$port}")
  done
  [ "$has_service_placeholder" -eq 1 ] || argv+=("$svc")
  db_url="${OPSLEDGER_DATABASE_URL:-}"
  kafka_user="${OPSLEDGER_KAFKA_USERNAME:-}"
  kafka_pw_file="${OPSLEDGER_KAFKA_PASSWORD_FILE:-}"
  # Own session/process group (setsid, no fork: a background job of a non-interactive shell
  # is not a group leader), so the group id equals $! and a terminal Ctrl-C reaches only us.
  # Output: prefixed to our stdout and appended to var/run/<service>.log; the pipe ignores
  # Ctrl-C so that a service shutting down can still write its last lines.
  OPSLEDGER_HTTP_HOST="$HTTP_HOST" OPSLEDGER_HTTP_PORT="$port" \
    OPSLEDGER_DATABASE_URL="${db_url//\{service\}/$svc}" OPSLEDGER_SERVICE="$svc" \
    OPSLEDGER_KAFKA_USERNAME="${kafka_user//\{service\}/$svc}" \
    OPSLEDGER_KAFKA_PASSWORD_FILE="${kafka_pw_file//\{service\}/$svc}" \
    setsid "${argv[@]}" </dev/null \
    > >(trap '' INT TERM HUP; exec tee -a "$LOG_DIR/$svc.log" | exec sed -u "s/^/[$svc] /") 2>&1 &
  PIDS[$svc]=$!
  STARTED_AT[$svc]="$(now_ms)"
  write_pid_file "$svc" "${PIDS[$svc]}"
  log "started $svc (pid ${PIDS[$svc]}): ${argv[*]}"
}

for svc in "${SERVICES[@]}"; do
  RESTARTS[$svc]=0
  start_service "$svc"
done

if [ -n "${KAFKA_START_PID:-}" ]; then
  wait "$KAFKA_START_PID" || die "Kafka did not start (see ${OPSLEDGER_VAR_DIR:-var}/kafka/kafka.log)"
fi

log "Kafka: $OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS (${OPSLEDGER_KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}${OPSLEDGER_KAFKA_USERNAME:+ as $OPSLEDGER_KAFKA_USERNAME}); database: ${OPSLEDGER_DATABASE_URL:-a SQLite file per service in ${OPSLEDGER_DATA_DIR:-var}/}"
for svc in "${SERVICES[@]}"; do
  log "$(printf '%-17s http://%s:%s' "$svc" "$HTTP_HOST" "${PORTS[$svc]}")"
done
log "logs in $LOG_DIR; Ctrl-C stops everything"

# Supervise: a service that exits is restarted after a backoff that doubles with each crash
# in a row; `sleep & wait` keeps signals prompt.
while :; do
  for svc in "${SERVICES[@]}"; do
    if [ -z "${PIDS[$svc]:-}" ]; then
      if [ "$(now_ms)" -ge "${NEXT_START[$svc]}" ]; then
        start_service "$svc"
        log "restarted $svc (restart #${RESTARTS[$svc]})"
      fi
      continue
    fi
    pid="${PIDS[$svc]}"
    if ! kill -0 "$pid" 2>/dev/null; then
      status=0
      wait "$pid" 2>/dev/null || status=$?
      unset "PIDS[$svc]" "READY[$svc]"
      rm -f "$LOG_DIR/$svc.pid"
      # What is left of its process group (e.g. `uv run` after its child died) goes too.
      kill -KILL -- "-$pid" 2>/dev/null || true
      if [ $(($(now_ms) - STARTED_AT[$svc])) -ge $((RESET_SECONDS * 1000)) ]; then
        RESTARTS[$svc]=0  # it ran for a while: a new crash is not "in a row"
      fi
      RESTARTS[$svc]=$((RESTARTS[$svc] + 1))
      if [ "${RESTARTS[$svc]}" -gt "$MAX_RESTARTS" ]; then
        log "$svc exited (status $status); giving up after $MAX_RESTARTS restarts in a row; stopping everything"
        EXIT_CODE=1
        cleanup
        exit "$EXIT_CODE"
      fi
      delay=$BACKOFF_MS
      for ((k = 1; k < RESTARTS[$svc] && delay < BACKOFF_MAX_MS; k++)); do delay=$((delay * 2)); done
      [ "$delay" -gt "$BACKOFF_MAX_MS" ] && delay=$BACKOFF_MAX_MS
      NEXT_START[$svc]=$(($(now_ms) + delay))
      log "$svc exited (status $status); restart #${RESTARTS[$svc]} in $((delay / 1000)).$(printf '%03d' $((delay % 1000))) s"
      continue
    fi
    if [ -z "${READY[$svc]:-}" ] && port_open "$(probe_host)" "${PORTS[$svc]}"; then
      READY[$svc]=1
      log "$svc is listening on http://$HTTP_HOST:${PORTS[$svc]}"
      if [ "${#READY[@]}" -eq "${#SERVICES[@]}" ]; then log "all ${#SERVICES[@]} services are up"; fi
    fi
  done
  sleep 0.5 &
  wait $! || true
done
