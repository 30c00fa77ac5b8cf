#!/usr/bin/env bash
# Run a command with the real local Kafka and PostgreSQL up, then stop what we started.
#
#   deploy/local/with-infra.sh <command> [args…]
#
# Whatever was already running before is left running; whatever this script started is
# stopped afterwards, even when the command fails or is interrupted. Exits with the
# command's exit code.
#
# The command gets the admin's Kafka identity (`kafka.sh env admin`: SASL/SCRAM and the
# generated password file) in OPSLEDGER_KAFKA_* and its address in OPSLEDGER_TEST_KAFKA,
# unless they are set already: tests and tools log in as admin, the services they start too.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
started=()

cleanup() {
  local rc=$?
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    "$HERE/${started[$i]}.sh" stop >&2 || true
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for infra in postgres kafka; do
  if "$HERE/$infra.sh" status >/dev/null 2>&1; then
    echo "with-infra: $infra already running; leaving it as it is" >&2
  else
    started+=("$infra")
    "$HERE/$infra.sh" start >&2
  fi
done

if [ -z "${OPSLEDGER_KAFKA_SECURITY_PROTOCOL:-}" ]; then
  kafka_env="$("$HERE/kafka.sh" env admin)"
  while IFS='=' read -r name value; do
    case "$name" in
      # Tests take the broker's address from OPSLEDGER_TEST_KAFKA, and give it to what they
      # start themselves.
      OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS) export OPSLEDGER_TEST_KAFKA="${OPSLEDGER_TEST_KAFKA:-$value}" ;;
      ?*) [ -n "${!name:-}" ] || export "$name=$value" ;;
    esac
  done <<<"$kafka_env"
fi

"$@"
