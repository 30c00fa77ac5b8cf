#!/usr/bin/env bash
# Random development secrets for overlays/dev, made once per machine into secrets/
# (git-ignored, mode 0600): the token key and a password per service's PostgreSQL role.
# Nothing here is ever committed, so no key in the repository can mint tokens.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets"
(umask 077 && mkdir -p "$DIR")
random() { head -c 48 /dev/urandom | base64 -w0 | tr -d '/+=' | cut -c1-"$1"; }
make_one() {
  # Alphanumeric only: the password goes into OPSLEDGER_DATABASE_URL unescaped.
  [ -s "$DIR/$1" ] || (umask 077 && random "$2" >"$DIR/$1")
}
make_one auth-secret 48
for s in callcenter dispatch fleet permits secrets-registry ledger dashboard; do
  make_one "db-$s" 32
done
echo "$DIR"
