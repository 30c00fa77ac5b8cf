#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker+controller) without Docker.
#
#   deploy/local/kafka.sh start|stop|status|restart
#   deploy/local/kafka.sh env [principal]
#   deploy/local/kafka.sh credentials      (make the passwords if missing, then as `env`)
#
# Jars come from Maven Central (deploy/local/kafka/pom.xml) and are cached under
# ${OPSLEDGER_CACHE_DIR:-<repo>/.cache}/kafka-4.1.1/libs; runtime state (server.properties,
# data, log, pid, credentials) lives under ${OPSLEDGER_VAR_DIR:-<repo>/var}/kafka.
#
# Kafka knows who is talking: clients authenticate with SASL/SCRAM-SHA-512 (SASL_PLAINTEXT,
# bound to loopback) as one principal per service or as `admin` (super user, for tooling and
# tests), and ACLs (deploy/local/kafka/acls.txt, StandardAuthorizer, deny by default) let a
# service write only its own topics. Passwords are generated on the first start into
# <state>/credentials/<principal>.password (mode 0600, never in the repository); the ACLs
# and SCRAM users are applied after every start (deploy/local/kafka/Provision.java).
# `start` and `env` print the client settings for the services (`{service}` is replaced by
# each service: see kernel/src/opsledger/settings.py); `env admin` those of the admin.
#
# Environment: KAFKA_HOST (127.0.0.1), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
# KAFKA_HEAP_OPTS (-Xms512m -Xmx1G), KAFKA_START_TIMEOUT (90 seconds),
# KAFKA_STOP_TIMEOUT (30 seconds), OPSLEDGER_KAFKA_TOPIC_PREFIX (prepended to the topic and
# group names in the ACLs, as the services prepend it).
#
# Exit codes: 0 ok; 1 error; status: 0 running and accepting clients, 1 process up but
# port closed, 3 not running.
set -euo pipefail

KAFKA_VERSION=4.1.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM_DIR="$SCRIPT_DIR/kafka"
CACHE_DIR="${OPSLEDGER_CACHE_DIR:-$REPO_ROOT/.cache}"
LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
STATE_DIR="${OPSLEDGER_VAR_DIR:-$REPO_ROOT/var}/kafka"
DATA_DIR="$STATE_DIR/data"
PROPS="$STATE_DIR/server.properties"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
CLUSTER_ID_FILE="$STATE_DIR/cluster.id"
LOG4J_CONF="$POM_DIR/log4j2.xml"
CRED_DIR="$STATE_DIR/credentials"
ACLS="$POM_DIR/acls.txt"
PROVISION="$POM_DIR/Provision.java"
SASL_MECHANISM=SCRAM-SHA-512
TOPIC_PREFIX="${OPSLEDGER_KAFKA_TOPIC_PREFIX:-}"

HOST="${KAFKA_HOST:-127.0.0.1}"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1G}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
STARTED_MARKER="Kafka Server started"
# Jars that must be present for the cache to count as complete.
REQUIRED_JARS=(
  "kafka_2.13-$KAFKA_VERSION.jar" "kafka-server-$KAFKA_VERSION.jar"
  "kafka-clients-$KAFKA_VERSION.jar" "kafka-raft-$KAFKA_VERSION.jar"
  "log4j-core-"*.jar "log4j-slf4j-impl-"*.jar "scala-library-"*.jar
)

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
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
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

ensure_java() {
  local need=()
  # The JDK, not only the JRE: Provision.java is run from source (the jdk.compiler module).
  if ! command -v java >/dev/null 2>&1 || ! java --list-modules 2>/dev/null | grep -q '^jdk.compiler@'; then
    need+=(default-jdk-headless)
  fi
  if ! jars_complete; then command -v mvn >/dev/null 2>&1 || need+=(maven); fi
  if [ "${#need[@]}" -gt 0 ]; then apt_install "${need[@]}"; fi
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)"
  case "$major" in
    ''|1.*|9|1[0-6]) die "Kafka $KAFKA_VERSION needs Java 17 or newer; 'java' is ${major:-unknown}" ;;
  esac
}

jars_complete() {
  local pattern
  [ -d "$LIBS" ] || return 1
  for pattern in "${REQUIRED_JARS[@]}"; do
    compgen -G "$LIBS/$pattern" >/dev/null || return 1
  done
}

ensure_jars() {
  jars_complete && return 0
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $LIBS (first time only, ~1 min)"
  local tmp="$LIBS.tmp.$$" t0=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$(dirname "$LIBS")"
  # Run from a temporary copy of the pom so nothing (target/) appears in the repository.
  local workdir
  workdir="$(mktemp -d)"
  cp "$POM_DIR/pom.xml" "$workdir/pom.xml"
  if ! (cd "$workdir" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$tmp" >"$workdir/mvn.log" 2>&1 </dev/null); then
    tail -n 40 "$workdir/mvn.log" >&2 || true
    rm -rf "$workdir" "$tmp"
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  fi
  rm -rf "$workdir" "$LIBS"
  mv "$tmp" "$LIBS"
  jars_complete || die "jar cache $LIBS is incomplete after mvn"
  log "jars ready ($(find "$LIBS" -name '*.jar' | wc -l) jars, $((SECONDS - t0)) s)"
}

# pid of our broker if it is alive, else empty. Guards against pid reuse by checking that
# the process command line names our server.properties.
running_pid() {
  local pid=""
  if [ -f "$PID_FILE" ]; then
    pid="$(tr -dc '0-9' <"$PID_FILE")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && cmdline_is_ours "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  # Orphan (pid file lost): look for a kafka.Kafka process using our server.properties.
  local dir
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    cmdline_is_ours "$pid" && { echo "$pid"; return 0; }
  done
  return 0
}

cmdline_is_ours() {
  local -a args=()
  local i
  # mapfile is a builtin: no process per /proc entry.
  mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
  for ((i = 0; i + 1 < ${#args[@]}; i++)); do
    if [ "${args[i]}" = kafka.Kafka ] && [ "${args[i + 1]}" = "$PROPS" ]; then return 0; fi
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

healthy() {
  port_open "$HOST" "$PORT" && [ -f "$LOG_FILE" ] && grep -q "$STARTED_MARKER" "$LOG_FILE"
}

# The principals: admin plus every one acls.txt names.
principals() {
  echo admin
  awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$ACLS" | sort -u
}

new_password() {
  local pw
  pw="$(head -c 48 /dev/urandom | base64 -w0 | tr -d '/+=')"
  echo "${pw:0:32}"
}

# A password per principal, made once per install; 0600 files in a 0700 directory.
ensure_credentials() {
  if [ -f "$DATA_DIR/meta.properties" ] && [ ! -s "$CRED_DIR/admin.password" ]; then
    die "$DATA_DIR was formatted without SASL credentials (a broker from before SASL, or \
$CRED_DIR was removed): stop it, remove $STATE_DIR and start again"
  fi
  (umask 077 && mkdir -p "$CRED_DIR")
  chmod 700 "$CRED_DIR"
  local principal file
  for principal in $(principals); do
    file="$CRED_DIR/$principal.password"
    if [ ! -s "$file" ]; then
      (umask 077 && new_password >"$file.tmp" && mv "$file.tmp" "$file")
    fi
    chmod 600 "$file"
  done
}

admin_password() { tr -d '\n' <"$CRED_DIR/admin.password"; }

write_properties() {
  mkdir -p "$DATA_DIR"
  local admin_pw
  admin_pw="$(admin_password)"
  # 0600: it holds the admin password (the broker's own login).
  (umask 077 && cat >"$PROPS.tmp") <<EOF
# Written by deploy/local/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CONTROLLER_PORT
listeners=BROKER://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=BROKER://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=BROKER
# SASL on both listeners (loopback only, so no TLS): clients and the broker itself log in
# with SCRAM on BROKER; the controller listener uses PLAIN, since SCRAM credentials live in
# the metadata the controller serves.
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT
sasl.mechanism.inter.broker.protocol=$SASL_MECHANISM
sasl.mechanism.controller.protocol=PLAIN
listener.name.broker.sasl.enabled.mechanisms=$SASL_MECHANISM
listener.name.broker.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_pw";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_pw" user_admin="$admin_pw";
# Deny by default; admin may do anything; everyone else only what acls.txt grants.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
log.dirs=$DATA_DIR
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=168
EOF
  mv "$PROPS.tmp" "$PROPS"
}

java_base() {
  # shellcheck disable=SC2206  # word splitting of the heap options is intended
  JAVA_CMD=(java $HEAP_OPTS -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
            "-Dlog4j2.configurationFile=$LOG4J_CONF" -cp "$LIBS/*")
}

format_storage() {
  if [ -f "$DATA_DIR/meta.properties" ]; then
    return 0
  fi
  if [ ! -s "$CLUSTER_ID_FILE" ]; then
    # A Kafka cluster id is a base64url-encoded random 128-bit UUID (22 chars).
    local id=""
    while [ -z "$id" ] || [ "${id:0:1}" = "-" ]; do
      id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    echo "$id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting storage in $DATA_DIR (cluster id $(cat "$CLUSTER_ID_FILE"))"
  java_base
  # The admin's SCRAM credential must exist before the broker logs in to itself; the other
  # principals are added by provision() once it runs.
  "${JAVA_CMD[@]}" kafka.tools.StorageTool format -t "$(cat "$CLUSTER_ID_FILE")" \
      -c "$PROPS" --standalone --ignore-formatted \
      --add-scram "$SASL_MECHANISM=[name=admin,password=$(admin_password)]" \
      >>"$STATE_DIR/format.log" 2>&1 9>&- \
    || { tail -n 30 "$STATE_DIR/format.log" >&2; die "storage format failed (log: $STATE_DIR/format.log)"; }
}

# SCRAM users and ACLs as acls.txt says (idempotent; stale ACLs of our principals removed).
provision() {
  java_base
  "${JAVA_CMD[@]}" "$PROVISION" "$HOST:$PORT" "$CRED_DIR" "$ACLS" "$TOPIC_PREFIX" \
      >"$STATE_DIR/provision.log" 9>&- \
    || die "could not create the Kafka principals and ACLs (see above and $STATE_DIR/provision.log)"
}

# The client settings for services ({service}: each their own) or for one principal.
print_env() {
  local who="${1:-}"
  [ -n "$who" ] || who='{service}'
  if [ "$who" != "{service}" ] && ! principals | grep -x -- "$who" >/dev/null; then
    die "unknown principal '$who' (known: $(principals | tr '\n' ' '))"
  fi
  [ -d "$CRED_DIR" ] || die "no credentials in $CRED_DIR yet: run '$0 start' first"
  cat <<EOF
OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS=$HOST:$PORT
OPSLEDGER_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT
OPSLEDGER_KAFKA_SASL_MECHANISM=$SASL_MECHANISM
OPSLEDGER_KAFKA_USERNAME=$who
OPSLEDGER_KAFKA_PASSWORD_FILE=$CRED_DIR/$who.password
EOF
}

wait_healthy() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "broker process $pid exited during startup; last lines of $LOG_FILE:"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      die "Kafka failed to start"
    fi
    if healthy; then
      return 0
    fi
    sleep 0.25
  done
  log "broker not ready after ${START_TIMEOUT}s (port $HOST:$PORT open: $(port_open "$HOST" "$PORT" && echo yes || echo no)); last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2 || true
  die "timed out waiting for Kafka on $HOST:$PORT (still running as pid $pid; 'kafka.sh stop' to stop it)"
}

cmd_start() {
  local t0=$SECONDS pid
  mkdir -p "$STATE_DIR"
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    if healthy; then
      log "already running (pid $pid) on $HOST:$PORT"
      return 0
    fi
    log "running (pid $pid) but not ready yet; waiting"
    wait_healthy "$pid"
    log "ready on $HOST:$PORT (pid $pid)"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open "$HOST" "$PORT"; then
    die "$HOST:$PORT is already in use by another process (not a broker started from $STATE_DIR)"
  fi
  if port_open "$HOST" "$CONTROLLER_PORT"; then
    die "controller port $HOST:$CONTROLLER_PORT is already in use by another process"
  fi
  ensure_java
  ensure_jars
  ensure_credentials
  write_properties
  format_storage
  if [ -f "$LOG_FILE" ]; then mv -f "$LOG_FILE" "$LOG_FILE.1"; fi
  log "starting broker on $HOST:$PORT (controller $CONTROLLER_PORT), log $LOG_FILE"
  java_base
  # setsid: own session, so a Ctrl-C in the terminal that ran this script does not reach it.
  nohup setsid "${JAVA_CMD[@]}" kafka.Kafka "$PROPS" >"$LOG_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_healthy "$pid"
  provision
  log "ready on $HOST:$PORT (pid $pid, $((SECONDS - t0)) s)"
}

cmd_stop() {
  local pid ticks=0
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$ticks" -lt $((STOP_TIMEOUT * 5)) ]; do
    sleep 0.2  # 5 ticks a second
    ticks=$((ticks + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    echo "kafka: not running (state in $STATE_DIR)"
    return 3
  fi
  if healthy; then
    echo "kafka: running (pid $pid), accepting clients on $HOST:$PORT"
    return 0
  fi
  echo "kafka: process running (pid $pid) but not accepting clients on $HOST:$PORT"
  return 1
}

with_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 180 9 || die "could not get the lock $STATE_DIR/.lock"
  fi
  "$@"
}

case "${1:-}" in
  start) with_lock cmd_start; print_env ;;
  stop) with_lock cmd_stop ;;
  restart) with_lock cmd_stop; with_lock cmd_start; print_env ;;
  status) cmd_status ;;
  env) print_env "${2:-}" ;;
  credentials) with_lock ensure_credentials; print_env "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|restart|env [principal]|credentials" >&2; exit 2 ;;
esac
