#!/usr/bin/env bash
# Refresh the operators' CRDs (deploy/k8s/crds/, applied by `make k8s-check`) and their
# kubeconform schemas (deploy/k8s/schemas/, used by tests/k8s) from the upstream tags below.
#
#   deploy/k8s/refresh-crds.sh                 # git clone --depth 1 of each tag
#   CRD_MIRROR_DIR=/path deploy/k8s/refresh-crds.sh
#       # use existing clones instead: $CRD_MIRROR_DIR/<owner>+<repo>/repo (bare or not)
#
# Sources (all Apache License 2.0; the CRDs are copied unchanged, the schemas derived):
#   Strimzi 1.2.0             github.com/strimzi/strimzi-kafka-operator
#                             packaging/install/cluster-operator/04x-Crd-*.yaml
#   CloudNativePG v1.30.0     github.com/cloudnative-pg/cloudnative-pg  config/crd/bases/
#   Prometheus Operator v0.93.0  github.com/prometheus-operator/prometheus-operator
#                             example/prometheus-operator-crd/
# Bump a tag here, run this, then `uv run --frozen pytest tests/k8s -q` and `make k8s-check`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
CRDS="$HERE/crds"
SCHEMAS="$HERE/schemas"

# owner/repo  tag  path-in-repo...
SOURCES=(
  "strimzi/strimzi-kafka-operator 1.2.0
   packaging/install/cluster-operator/040-Crd-kafka.yaml
   packaging/install/cluster-operator/043-Crd-kafkatopic.yaml
   packaging/install/cluster-operator/044-Crd-kafkauser.yaml
   packaging/install/cluster-operator/045-Crd-kafkanodepool.yaml"
  "cloudnative-pg/cloudnative-pg v1.30.0
   config/crd/bases/postgresql.cnpg.io_clusters.yaml
   config/crd/bases/postgresql.cnpg.io_databases.yaml"
  "prometheus-operator/prometheus-operator v0.93.0
   example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml
   example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"
)

log() { printf 'refresh-crds: %s\n' "$*" >&2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

rm -rf "$CRDS.new"
mkdir -p "$CRDS.new"
for source in "${SOURCES[@]}"; do
  read -r -a words <<<"$(echo $source)"
  repo="${words[0]}" tag="${words[1]}"
  git_dir="${CRD_MIRROR_DIR:+$CRD_MIRROR_DIR/${repo/\//+}/repo}"
  if [ -z "$git_dir" ] || [ ! -d "$git_dir" ]; then
    log "cloning $repo at $tag"
    git_dir="$WORK/${repo/\//+}"
    git clone -q --depth 1 --branch "$tag" "https://github.com/$repo.git" "$git_dir"
  fi
  for path in "${words[@]:2}"; do
    log "$repo $tag $path"
    {
      echo "# From https://github.com/$repo/blob/$tag/$path (Apache License 2.0), unchanged."
      git --git-dir="$( [ -d "$git_dir/.git" ] && echo "$git_dir/.git" || echo "$git_dir")" show "$tag:$path"
    } >"$CRDS.new/$(basename "$path")"
  done
done
rm -rf "$CRDS" "$SCHEMAS"
mv "$CRDS.new" "$CRDS"
cd "$REPO_ROOT"
uv run --frozen python deploy/k8s/crd2schema.py "$SCHEMAS" "$CRDS"/*.yaml >&2
log "done: $(find "$CRDS" -name '*.yaml' | wc -l) CRDs, $(find "$SCHEMAS" -name '*.json' | wc -l) schemas"
