#!/usr/bin/env bash
# This install's token key: prints the path of the key file, generating it on first use.
#
#   deploy/local/auth-key.sh      -> <repo>/var/auth-secret (or $OPSLEDGER_DATA_DIR/auth-secret)
#
# 64 random characters from /dev/urandom, mode 0600, never overwritten (tokens minted with
# it stay valid across runs). Rotate the key by deleting the file: the next run makes a new
# one and every token minted before is refused. run.sh calls this when OPSLEDGER_AUTH_SECRET
# is not set; `opsledger token` and `opsledger serve` read the same file (their default
# OPSLEDGER_AUTH_SECRET_FILE is <data dir>/auth-secret).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
DIR="${OPSLEDGER_DATA_DIR:-var}"
case "$DIR" in /*) ;; *) DIR="$REPO_ROOT/$DIR" ;; esac  # relative to the repository, like run.sh
FILE="$DIR/auth-secret"

mkdir -p "$DIR"
if [ ! -s "$FILE" ]; then
  umask 077
  tmp="$(mktemp "$DIR/.auth-secret.XXXXXX")"
  # 96 random bytes -> 128 base64 characters; without / + = at least 64 are left.
  head -c 96 /dev/urandom | base64 -w0 | tr -d '/+=' | cut -c1-64 >"$tmp"
  chmod 600 "$tmp"
  ln "$tmp" "$FILE" 2>/dev/null || true  # no-clobber: a concurrent first run keeps its key
  rm -f "$tmp"
  printf 'auth-key.sh: generated a new token key in %s\n' "$FILE" >&2
fi
chmod 600 "$FILE"  # the services refuse a key file other users can read
echo "$FILE"
