#!/usr/bin/env bash
# Kafka identities for docker-compose.yml (runs in the apache/kafka image, as root).
#
#   kafka-setup.sh credentials   before the broker: a password per principal (admin and the
#                                five services), made once per install into the
#                                kafka-credentials volume (mode 0400, owned by who reads it)
#   kafka-setup.sh provision     once the broker is healthy: SCRAM-SHA-512 users and the ACLs
#                                of deploy/local/kafka/acls.txt (idempotent)
#
# The same principals and ACLs as deploy/local/kafka.sh; see kernel/README.md "Kafka security".
set -euo pipefail

CREDS=/run/opsledger/kafka
ACLS=/opsledger/acls.txt
BIN=/opt/kafka/bin
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
KAFKA_UID=1000     # appuser in the apache/kafka image: the broker reads the admin password
SERVICE_UID=10001  # the services' user (deploy/docker/Dockerfile)

principals() { awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$ACLS" | sort -u; }

new_password() {
  local pw
  pw="$(head -c 48 /dev/urandom | base64 -w0 | tr -d '/+=')"
  echo "${pw:0:32}"
}

write_secret() {  # file owner content
  (umask 077 && printf '%s\n' "$3" >"$1.tmp")
  chown "$2:$2" "$1.tmp"
  chmod 0400 "$1.tmp"
  mv "$1.tmp" "$1"
}

credentials() {
  mkdir -p "$CREDS"
  chmod 0755 "$CREDS"
  local principal admin
  if [ ! -s "$CREDS/admin.password" ]; then
    write_secret "$CREDS/admin.password" "$KAFKA_UID" "$(new_password)"
  fi
  admin="$(cat "$CREDS/admin.password")"
  # For the broker's config provider (its JAAS sections) and for the admin tools.
  write_secret "$CREDS/admin.properties" "$KAFKA_UID" "password=$admin"
  write_secret "$CREDS/admin-client.properties" "$KAFKA_UID" "security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$admin\";"
  for principal in $(principals); do
    if [ ! -s "$CREDS/$principal.password" ]; then
      write_secret "$CREDS/$principal.password" "$SERVICE_UID" "$(new_password)"
    fi
  done
  echo "kafka-setup: credentials ready in $CREDS"
}

provision() {
  local principal who ops resource pattern name args op
  for principal in admin $(principals); do
    "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" \
      --command-config "$CREDS/admin-client.properties" --alter --entity-type users \
      --entity-name "$principal" \
      --add-config "SCRAM-SHA-512=[iterations=8192,password=$(cat "$CREDS/$principal.password")]" \
      >/dev/null
  done
  while read -r who ops resource pattern name; do
    case "$who" in ''|'#'*) continue ;; esac
    name="${name//\{prefix\}/${OPSLEDGER_KAFKA_TOPIC_PREFIX:-}}"
    args=(--add --allow-principal "User:$who" --resource-pattern-type "${pattern,,}")
    for op in ${ops//,/ }; do args+=(--operation "$op"); done
    case "$resource" in
      Topic) args+=(--topic "$name") ;;
      Group) args+=(--group "$name") ;;
      Cluster) args+=(--cluster) ;;
      *) echo "kafka-setup: unknown resource type $resource" >&2; exit 1 ;;
    esac
    "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" \
      --command-config "$CREDS/admin-client.properties" "${args[@]}" >/dev/null
  done <"$ACLS"
  echo "kafka-setup: SCRAM users and ACLs in place"
}

case "${1:-}" in
  credentials) credentials ;;
  provision) provision ;;
  *) echo "usage: $0 credentials|provision" >&2; exit 2 ;;
esac
