#!/usr/bin/env bash
# Random development secrets for overlays/dev, made once per machine into secrets/
# (git-ignored, mode 0600): the token key and a password per service's PostgreSQL role.
# Nothing here is ever committed, so no key in the repository can mint tokens.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets"
(umask 077 && mkdir -p "$DIR")
# Files from an older version of this script ended with a newline: make them again.
for f in "$DIR"/*; do [ -f "$f" ] && [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ] && rm -f "$f"; done
# No newline at the end: Secret values reach the services verbatim (env), and a newline
# would become part of the token key and of OPSLEDGER_DATABASE_URL.
random() { head -c 48 /dev/urandom | base64 -w0 | tr -d '/+=' | head -c "$1"; }
make_one() {
  # Alphanumeric only: the password goes into OPSLEDGER_DATABASE_URL unescaped.
  [ -s "$DIR/$1" ] || (umask 077 && random "$2" >"$DIR/$1")
}
make_one auth-secret 48
for s in callcenter dispatch fleet permits secrets-registry ledger dashboard; do
  make_one "db-$s" 32
done
echo "$DIR"
