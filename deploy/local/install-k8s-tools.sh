#!/usr/bin/env bash
# Kubernetes tooling for checking deploy/k8s, built from source with Go into .cache/ (git-ignored).
#
#   deploy/local/install-k8s-tools.sh offline   # kustomize, kubeconform, core JSON schemas
#   deploy/local/install-k8s-tools.sh server    # etcd, kube-apiserver, kubectl (~8 min cold)
#   deploy/local/install-k8s-tools.sh all
#
# Prints `NAME=path` lines on stdout (KUSTOMIZE, KUBECONFORM, CORE_SCHEMAS, ETCD,
# KUBE_APISERVER, KUBECTL); progress goes to stderr. Idempotent: a tool already built at
# its pinned version is reused, so a warm run takes well under a second.
#
# Versions (pinned; change them here only):
#   kustomize  sigs.k8s.io/kustomize/kustomize/v5 v5.8.2 (v5.8.3 needs a newer Go)
#   kubeconform github.com/yannh/kubeconform v0.8.0 (needs Go >= 1.26)
#   etcd       go.etcd.io/etcd/server/v3 v3.6.17 (a two-line main around etcdmain)
#   kube-apiserver and kubectl: k8s.io/kubernetes v1.34.4, each k8s.io staging module
#              replaced by its v0.34.4 (the monorepo's go.mod points them at ./staging)
#   core schemas: PyPI kubernetes-validate (the dev group; v1.34.0-local-strict), copied with
#              their `$id` removed and the definitions they use inlined (kubeconform cannot
#              follow the package's absolute `/api/_definitions.json` references: it silently
#              reports "could not find schema").
# Go keeps its module and build caches under .cache/go (GOPATH, GOCACHE), so a CI machine
# needs only Go itself. Environment: OPSLEDGER_CACHE_DIR (default <repo>/.cache),
# K8S_TOOLS_NICE (default 10: builds run under `nice`, the machine is shared),
# OPSLEDGER_KUBECTL (a kubectl to use instead of building one, e.g. /usr/bin/kubectl; within
# the version skew of kube-apiserver $KUBERNETES_VERSION, i.e. 1.33 to 1.35, or close).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="${OPSLEDGER_CACHE_DIR:-$REPO_ROOT/.cache}"
NICE="${K8S_TOOLS_NICE:-10}"

KUSTOMIZE_VERSION=v5.8.2
KUBECONFORM_VERSION=v0.8.0
ETCD_VERSION=v3.6.17
KUBERNETES_VERSION=v1.34.4
STAGING_VERSION=v0.34.4
SCHEMA_VERSION=v1.34.0

TOOLS="$CACHE_DIR/k8s-tools"
export GOPATH="$CACHE_DIR/go"
export GOCACHE="$CACHE_DIR/go/build-cache"
export GOFLAGS="-buildvcs=false -modcacherw"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

log() { printf 'install-k8s-tools: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need_go() { command -v go >/dev/null 2>&1 || die "Go is needed (>= 1.26): apt-get install golang-go, or see go.dev/dl"; }

# go install <module/cmd>@<version> into $TOOLS/<name>-<version>/<name>.
go_install() {
  local name="$1" pkg="$2" version="$3" dir="$TOOLS/$1-$3"
  if [ ! -x "$dir/$name" ]; then
    need_go
    log "building $name $version (go install $pkg@$version; first time only)"
    local t0=$SECONDS
    mkdir -p "$dir"
    GOBIN="$dir" nice -n "$NICE" go install "$pkg@$version" >&2
    log "$name ready ($((SECONDS - t0)) s)"
  fi
  echo "$dir/$name"
}

core_schemas() {
  local dir="$TOOLS/core-schemas-$SCHEMA_VERSION-inlined"
  if [ ! -f "$dir/deployment-apps-v1.json" ]; then
    log "converting core schemas $SCHEMA_VERSION from kubernetes-validate"
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    (cd "$REPO_ROOT" && uv run --frozen python - "$SCHEMA_VERSION" "$tmp") <<'PY' >&2
# Each schema made self-contained: only the definitions it reaches, under its own $defs.
# (Referring to the 3 MB _definitions.json instead makes kubeconform compile that file
# once per kind: seconds per kind.)
import json, re, sys
from importlib.resources import files
from pathlib import Path

version, target = sys.argv[1], Path(sys.argv[2])
source = files("kubernetes_validate") / "kubernetes-json-schema" / f"{version}-local-strict"
prefix = "/api/_definitions.json#/$defs/"
definitions = json.loads((source / "_definitions.json").read_text(encoding="utf-8"))["$defs"]
# Top-level files say /api/_definitions.json#/$defs/X, the definitions themselves #/$defs/X.
ref = re.compile(r'"\$ref": "(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')
count = 0
for entry in source.iterdir():
    if not entry.name.endswith(".json") or entry.name in ("_definitions.json", "all.json"):
        continue
    text = entry.read_text(encoding="utf-8")
    needed, todo = {}, ref.findall(text)
    while todo:
        name = todo.pop()
        if name not in needed:
            needed[name] = definitions[name]
            todo.extend(ref.findall(json.dumps(needed[name])))
    schema = json.loads(text)
    schema.pop("$id", None)
    if needed:
        schema["$defs"] = needed
    out = json.dumps(schema).replace('"' + prefix, '"#/$defs/')
    (target / entry.name).write_text(out, encoding="utf-8")
    count += 1
print(f"install-k8s-tools: {count} self-contained schema files")
PY
    rm -rf "$dir"
    mv "$tmp" "$dir"
  fi
  echo "$dir"
}

offline() {
  echo "KUSTOMIZE=$(go_install kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION")"
  echo "KUBECONFORM=$(go_install kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")"
  echo "CORE_SCHEMAS=$(core_schemas)"
}

build_etcd() {
  local dir="$TOOLS/etcd-$ETCD_VERSION"
  if [ ! -x "$dir/etcd" ]; then
    need_go
    log "building etcd $ETCD_VERSION (first time only, ~1 min)"
    local t0=$SECONDS src="$dir/src"
    mkdir -p "$src"
    cat >"$src/main.go" <<'EOF'
// etcd for `make k8s-check`: the server's own entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
    cat >"$src/go.mod" <<EOF
module opsledger.local/etcd

go 1.26

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
    (cd "$src" && nice -n "$NICE" go mod tidy >&2 && nice -n "$NICE" go build -o "$dir/etcd" . >&2)
    log "etcd ready ($((SECONDS - t0)) s)"
  fi
  echo "ETCD=$dir/etcd"
}

build_kubernetes() {
  local dir="$TOOLS/kubernetes-$KUBERNETES_VERSION" kubectl_given="${OPSLEDGER_KUBECTL:-}"
  if [ -n "$kubectl_given" ] && [ ! -x "$kubectl_given" ]; then die "OPSLEDGER_KUBECTL=$kubectl_given is not executable"; fi
  if [ ! -x "$dir/kube-apiserver" ] || { [ -z "$kubectl_given" ] && [ ! -x "$dir/kubectl" ]; }; then
    need_go
    log "building kube-apiserver and kubectl $KUBERNETES_VERSION (first time only, ~8 min, ~2 GB RAM)"
    local t0=$SECONDS src="$dir/src" gomod
    mkdir -p "$src"
    gomod="$(cd "$src" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" \
      | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
    [ -f "$gomod" ] || die "cannot download k8s.io/kubernetes $KUBERNETES_VERSION"
    {
      echo "module opsledger.local/kubernetes"
      echo
      echo "go 1.26"
      echo
      echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
      echo
      echo "tool ("
      echo "	k8s.io/kubernetes/cmd/kube-apiserver"
      echo "	k8s.io/kubernetes/cmd/kubectl"
      echo ")"
      echo
      # The monorepo replaces each staging module by a directory: use its published version.
      sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#replace \1 => \1 '"$STAGING_VERSION"'#p' "$gomod"
    } >"$src/go.mod"
    log "$(grep -c '^replace' "$src/go.mod") staging modules replaced by $STAGING_VERSION"
    (cd "$src" && nice -n "$NICE" go mod tidy >&2)
    log "modules resolved; compiling (the long part)"
    if [ ! -x "$dir/kube-apiserver" ]; then
      (cd "$src" && nice -n "$NICE" go build -o "$dir/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2)
      log "kube-apiserver built ($((SECONDS - t0)) s)"
    fi
    if [ -z "$kubectl_given" ] && [ ! -x "$dir/kubectl" ]; then
      (cd "$src" && nice -n "$NICE" go build -o "$dir/kubectl" k8s.io/kubernetes/cmd/kubectl >&2)
      log "kubectl built ($((SECONDS - t0)) s)"
    fi
  fi
  echo "KUBE_APISERVER=$dir/kube-apiserver"
  echo "KUBECTL=${kubectl_given:-$dir/kubectl}"
}

case "${1:-offline}" in
  offline) offline ;;
  server) build_etcd; build_kubernetes ;;
  all) offline; build_etcd; build_kubernetes ;;
  *) echo "usage: $0 offline|server|all" >&2; exit 2 ;;
esac
