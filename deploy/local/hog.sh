#!/usr/bin/env bash
# Run a command with a bounded CPU hog beside it: figures and tests that must hold on a
# busy, shared machine are proven on one (`make test-loaded`, the lead's load runs).
#
#   deploy/local/hog.sh [--cores N] [--seconds S] -- <command> [args…]
#
# Starts N busy loops (default 1: one core), each pinned to its own CPU when taskset is
# there, then runs the command. The hog stops when the command ends, after S seconds
# (default 3600) if that comes first, and when this script is interrupted; no busy loop
# outlives it. Exits with the command's exit status. The command gets OPSLEDGER_HOG_PIDS
# (the busy loops' pids, space-separated) to look at them if it wants to.
#
# Environment: OPSLEDGER_HOG_CORES, OPSLEDGER_HOG_SECONDS (the same as the options).
set -euo pipefail

CORES="${OPSLEDGER_HOG_CORES:-1}"
SECONDS_MAX="${OPSLEDGER_HOG_SECONDS:-3600}"

log() { printf 'hog.sh: %s\n' "$*" >&2; }
usage() { log "usage: $0 [--cores N] [--seconds S] -- <command> [args…]"; exit 2; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --cores) [ "$#" -ge 2 ] || usage; CORES="$2"; shift 2 ;;
    --seconds) [ "$#" -ge 2 ] || usage; SECONDS_MAX="$2"; shift 2 ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
[ "$#" -gt 0 ] || usage
[[ "$CORES" =~ ^[1-9][0-9]*$ ]] || { log "--cores must be a whole number >= 1, got '$CORES'"; exit 2; }
[[ "$SECONDS_MAX" =~ ^[1-9][0-9]*$ ]] || { log "--seconds must be a whole number >= 1, got '$SECONDS_MAX'"; exit 2; }

HOGS=()
# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_hogs() {
  local pid
  for pid in "${HOGS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${HOGS[@]}"; do wait "$pid" 2>/dev/null || true; done
  HOGS=()
}
trap stop_hogs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ncpu="$(nproc 2>/dev/null || echo 1)"
for ((i = 0; i < CORES; i++)); do
  # `timeout` bounds each loop even if this script is killed with -9.
  hog=(timeout "$SECONDS_MAX" bash -c 'while :; do :; done')
  if command -v taskset >/dev/null 2>&1; then
    hog=(taskset -c "$((i % ncpu))" "${hog[@]}")
  fi
  "${hog[@]}" </dev/null >/dev/null 2>&1 &
  HOGS+=("$!")
done
log "${#HOGS[@]} busy loop(s) for at most ${SECONDS_MAX}s (pids ${HOGS[*]}) beside: $*"
export OPSLEDGER_HOG_PIDS="${HOGS[*]}"

status=0
"$@" || status=$?
exit "$status"
