#!/usr/bin/env bash
# Find or install promtool (Prometheus' rule checker and rule unit-test runner) for this repo.
#
#   deploy/prometheus/install-promtool.sh        # prints the promtool path on its last line
#
# Idempotent; works as root on a fresh Debian machine. Building takes minutes, so an
# already-built promtool always wins. In order of preference:
#   1. the pinned version already in .cache/promtool-<version>/ (git-ignored), downloaded or
#      built by an earlier run;
#   2. a working `promtool` on PATH (e.g. Debian's /usr/bin/promtool);
#   3. the official release tarball from GitHub (prometheus-<release>.linux-<arch>.tar.gz),
#      checked against the release's sha256sums.txt (or PROMETHEUS_SHA256 when set) and kept
#      in .cache/downloads/, so a machine downloads it once; a checksum mismatch stops here;
#   4. Debian's `prometheus` package (as root): older, but `check rules` and `test rules`
#      work for our files;
#   5. last resort, a build: `go install github.com/prometheus/prometheus/cmd/promtool@<version>`
#      (needs Go >= 1.26.7, installed with apt-get if go is missing).
# Environment: PROMTOOL_VERSION (Go module version, default v0.316.0, i.e. release 3.16.0),
#              PROMETHEUS_RELEASE (release of the tarball, default derived from the version),
#              PROMETHEUS_RELEASE_URL (default https://github.com/prometheus/prometheus/releases/download),
#              PROMETHEUS_SHA256 (expected sha256 of the tarball; default: sha256sums.txt),
#              OPSLEDGER_CACHE_DIR (default <repo>/.cache).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VERSION="${PROMTOOL_VERSION:-v0.316.0}"
CACHE_DIR="${OPSLEDGER_CACHE_DIR:-$REPO_ROOT/.cache}"
TARGET_DIR="$CACHE_DIR/promtool-$VERSION"
TARGET="$TARGET_DIR/promtool"
RELEASE_URL="${PROMETHEUS_RELEASE_URL:-https://github.com/prometheus/prometheus/releases/download}"

log() { printf 'install-promtool: %s\n' "$*" >&2; }

case "$VERSION" in v[0-9]*.[0-9]*.[0-9]*) ;; *) log "bad PROMTOOL_VERSION '$VERSION' (want vX.Y.Z)"; exit 2 ;; esac

works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
use() { log "using $1 ($("$1" --version 2>&1 | head -1))"; echo "$1"; exit 0; }

# 1. Downloaded or built by an earlier run.
if works "$TARGET"; then use "$TARGET"; fi
# 2. Already installed.
if on_path="$(command -v promtool 2>/dev/null)" && works "$on_path"; then use "$on_path"; fi

# 3. The official release tarball. Go module v0.MNN.P is Prometheus release M.NN.P (3.x),
# v0.NN.P (NN < 100) is 2.NN.P.
release_of() {
  local minor patch
  IFS=. read -r _ minor patch <<<"${1#v}"
  if [ "$minor" -ge 100 ]; then echo "$((minor / 100)).$((minor % 100)).$patch"; else echo "2.$minor.$patch"; fi
}

download_release() {
  local release arch name dir url expected actual extracted
  release="${PROMETHEUS_RELEASE:-$(release_of "$VERSION")}"
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) return 1 ;; esac
  name="prometheus-$release.linux-$arch"
  dir="$CACHE_DIR/downloads"
  url="$RELEASE_URL/v$release"
  command -v curl >/dev/null 2>&1 || { log "curl missing: no download"; return 1; }
  mkdir -p "$dir"
  if [ ! -s "$dir/$name.tar.gz" ]; then
    log "downloading $url/$name.tar.gz"
    curl -fsSL --connect-timeout 10 --max-time 300 --retry 2 -o "$dir/$name.tar.gz.part" "$url/$name.tar.gz" || {
      rm -f "$dir/$name.tar.gz.part"; log "download failed"; return 1; }
    mv "$dir/$name.tar.gz.part" "$dir/$name.tar.gz"
  fi
  if [ -n "${PROMETHEUS_SHA256:-}" ]; then
    expected="$PROMETHEUS_SHA256"
  else
    curl -fsSL --connect-timeout 10 --max-time 300 --retry 2 -o "$dir/$name.sha256sums.txt" "$url/sha256sums.txt" || {
      log "could not download sha256sums.txt"; return 1; }
    expected="$(awk -v f="$name.tar.gz" '$2 == f || $2 == "*" f { print $1 }' "$dir/$name.sha256sums.txt")"
    [ -n "$expected" ] || { log "sha256sums.txt does not list $name.tar.gz"; return 1; }
  fi
  actual="$(sha256sum "$dir/$name.tar.gz" | awk '{ print $1 }')"
  if [ "$actual" != "$expected" ]; then
    rm -f "$dir/$name.tar.gz"
    log "CHECKSUM MISMATCH for $name.tar.gz: expected $expected, got $actual; removed it, refusing"
    exit 1
  fi
  extracted="$(mktemp -d)"
  tar -xzf "$dir/$name.tar.gz" -C "$extracted" "$name/promtool" || { rm -rf "$extracted"; return 1; }
  mkdir -p "$TARGET_DIR"
  mv "$extracted/$name/promtool" "$TARGET"
  rm -rf "$extracted"
  log "installed promtool from the official $release release (sha256 $actual)"
}

if download_release && works "$TARGET"; then use "$TARGET"; fi

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then log "not root: cannot apt-get install $*"; return 1; fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; }
}

# 4. Debian's package.
if apt_install prometheus; then
  # The package starts a Prometheus server; we only want the tool.
  systemctl disable --now prometheus >/dev/null 2>&1 || true
  if works /usr/bin/promtool; then use /usr/bin/promtool; fi
fi

# 5. Build it (minutes). Go >= 1.26.7 (the module's `go` line); GOTOOLCHAIN=local: never
# download a toolchain.
go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v
  v="$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null)" || return 1
  v="${v#go}"
  printf '%s\n%s\n' "1.26.7" "$v" | sort -V -C
}

if ! command -v go >/dev/null 2>&1; then
  apt_install golang-go || true
fi
go_ok || { log "no promtool found, downloaded or installed, and no Go >= 1.26.7 to build it"; exit 1; }
mkdir -p "$TARGET_DIR"
log "building promtool $VERSION with $(go version) (a few minutes)"
# -x would be too chatty; -v lists packages as they compile, so progress is visible.
GOTOOLCHAIN=local GOBIN="$TARGET_DIR" GOFLAGS="-mod=mod" \
  go install -v "github.com/prometheus/prometheus/cmd/promtool@$VERSION" 2>&1 \
  | awk '{ n++; if (n % 50 == 0) { printf "install-promtool: compiled %d packages\n", n > "/dev/stderr" } }' || true
works "$TARGET" || { log "go install failed; no working promtool"; exit 1; }
use "$TARGET"
