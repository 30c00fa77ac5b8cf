#!/usr/bin/env bash
# Run a command with the real local Kafka and PostgreSQL up, then stop what we started.
#
#   deploy/local/with-infra.sh <command> [args…]
#
# Whatever was already running before is left running; whatever this script started is
# stopped afterwards, even when the command fails or is interrupted. Exits with the
# command's exit code.
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
    "$HERE/$infra.sh" start
  fi
done

"$@"
