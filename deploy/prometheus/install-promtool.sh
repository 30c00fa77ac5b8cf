#!/usr/bin/env bash
# Install promtool (Prometheus' rule checker and rule unit-test runner) for this repo.
#
#   deploy/prometheus/install-promtool.sh        # prints the promtool path on its last line
#
# Idempotent; works as root on a fresh Debian machine. In order of preference:
#   1. a promtool already built into .cache/promtool-<version>/ (git-ignored);
#   2. `go install github.com/prometheus/prometheus/cmd/promtool@<version>` into that
#      directory (the module's go.mod has had no replace/exclude lines since v0.316.0, so
#      it installs directly); needs Go >= 1.26.7, installed with apt-get if go is missing;
#   3. Debian's `prometheus` package (/usr/bin/promtool, older, but `check rules` and
#      `test rules` work for our files).
# Environment: PROMTOOL_VERSION (module version, default v0.316.0),
#              OPSLEDGER_CACHE_DIR (default <repo>/.cache).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VERSION="${PROMTOOL_VERSION:-v0.316.0}"
CACHE_DIR="${OPSLEDGER_CACHE_DIR:-$REPO_ROOT/.cache}"
TARGET_DIR="$CACHE_DIR/promtool-$VERSION"
TARGET="$TARGET_DIR/promtool"

log() { printf 'install-promtool: %s\n' "$*" >&2; }

case "$VERSION" in v[0-9]*.[0-9]*.[0-9]*) ;; *) log "bad PROMTOOL_VERSION '$VERSION' (want vX.Y.Z)"; exit 2 ;; esac

works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if works "$TARGET"; then
  echo "$TARGET"
  exit 0
fi

# Go >= 1.26.7 (the module's `go` line). GOTOOLCHAIN=local: never download a toolchain.
go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v
  v="$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null)" || return 1
  v="${v#go}"
  printf '%s\n%s\n' "1.26.7" "$v" | sort -V -C
}

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then log "not root: cannot apt-get install $*"; return 1; fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; }
}

if ! command -v go >/dev/null 2>&1; then
  apt_install golang-go || true
fi

if go_ok; then
  mkdir -p "$TARGET_DIR"
  log "building promtool $VERSION with $(go version) (a few minutes on first run)"
  # -x would be too chatty; -v lists packages as they compile, so progress is visible.
  if GOTOOLCHAIN=local GOBIN="$TARGET_DIR" GOFLAGS="-mod=mod" \
    go install -v "github.com/prometheus/prometheus/cmd/promtool@$VERSION" 2>&1 \
    | awk '{ n++; if (n % 50 == 0) { printf "install-promtool: compiled %d packages\n", n > "/dev/stderr" } }'; then
    :
  fi
  if works "$TARGET"; then
    log "installed $("$TARGET" --version 2>&1 | head -1)"
    echo "$TARGET"
    exit 0
  fi
  log "go install failed; falling back to Debian's prometheus package"
else
  log "Go >= 1.26.7 not available; falling back to Debian's prometheus package"
fi

if ! works /usr/bin/promtool; then
  apt_install prometheus || { log "could not install Debian's prometheus package"; exit 1; }
  # The package starts a Prometheus server; we only want the tool.
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
works /usr/bin/promtool || { log "no working promtool"; exit 1; }
log "using $(/usr/bin/promtool --version 2>&1 | head -1)"
echo /usr/bin/promtool
