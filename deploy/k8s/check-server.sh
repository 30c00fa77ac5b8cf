#!/usr/bin/env bash
# `make k8s-check`: every overlay of deploy/k8s against a real API server.
#
# Starts etcd and kube-apiserver (built once into .cache/ by deploy/local/install-k8s-tools.sh:
# ~8 min cold, nice'd) on loopback ports, applies the operators' CRDs (deploy/k8s/crds), then
# `kubectl apply --dry-run=server` of each overlay: the API server validates every object
# against its real OpenAPI schema and the CRDs' CEL rules (x-kubernetes-validations), which
# kubeconform (tests/k8s, in `make test`) cannot check. No controllers run: schema and
# admission only. Finally a deliberate mistake only CEL catches must be refused.
# Exit 0 when every overlay is accepted and the mistake refused. Everything it starts is
# stopped on exit; state lives in a temporary directory under .cache/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
CACHE_DIR="${OPSLEDGER_CACHE_DIR:-$REPO_ROOT/.cache}"
OVERLAYS=(dev production)

log() { printf 'k8s-check: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

eval "$("$REPO_ROOT/deploy/local/install-k8s-tools.sh" all)"
command -v openssl >/dev/null 2>&1 || die "openssl is needed (apt-get install openssl)"

mkdir -p "$CACHE_DIR"
WORK="$(mktemp -d "$CACHE_DIR/k8s-check.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ETCD_PORT="$(free_port)" ETCD_PEER_PORT="$(free_port)" API_PORT="$(free_port)"

log "etcd on 127.0.0.1:$ETCD_PORT"
"$ETCD" --name k8s-check --data-dir "$WORK/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "k8s-check=http://127.0.0.1:$ETCD_PEER_PORT" \
  --log-level error >"$WORK/etcd.log" 2>&1 &
PIDS+=("$!")

openssl genrsa -out "$WORK/sa.key" 2048 2>/dev/null
openssl rsa -in "$WORK/sa.key" -pubout -out "$WORK/sa.pub" 2>/dev/null
TOKEN="$(head -c 24 /dev/urandom | base64 -w0 | tr -d '/+=')"
echo "$TOKEN,k8s-check,k8s-check,system:masters" >"$WORK/tokens.csv"

log "kube-apiserver on 127.0.0.1:$API_PORT"
"$KUBE_APISERVER" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --cert-dir "$WORK/certs" --token-auth-file "$WORK/tokens.csv" --authorization-mode RBAC \
  --service-account-key-file "$WORK/sa.pub" --service-account-signing-key-file "$WORK/sa.key" \
  --service-account-issuer https://kubernetes.default.svc --service-cluster-ip-range 10.96.0.0/16 \
  --disable-admission-plugins ServiceAccount --enable-priority-and-fairness=false \
  >"$WORK/apiserver.log" 2>&1 &
PIDS+=("$!")

export KUBECONFIG="$WORK/kubeconfig"
"$KUBECTL" config set-cluster k8s-check --server "https://127.0.0.1:$API_PORT" --insecure-skip-tls-verify=true >/dev/null
"$KUBECTL" config set-credentials k8s-check --token "$TOKEN" >/dev/null
"$KUBECTL" config set-context k8s-check --cluster k8s-check --user k8s-check >/dev/null
"$KUBECTL" config use-context k8s-check >/dev/null

t0=$SECONDS
until "$KUBECTL" get --raw /readyz >/dev/null 2>&1; do
  if [ $((SECONDS - t0)) -gt 120 ]; then tail -n 30 "$WORK/apiserver.log" >&2; die "API server not ready after 120 s"; fi
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { tail -n 30 "$WORK"/*.log >&2; die "etcd or kube-apiserver exited"; }; done
  sleep 1
done
# (A source build is not version-stamped: it reports v0.0.0-master.)
log "API server ready ($((SECONDS - t0)) s): $KUBE_APISERVER"

log "applying the operators' CRDs (deploy/k8s/crds)"
"$KUBECTL" apply --server-side -f "$HERE/crds" >&2
"$KUBECTL" wait --for condition=established --timeout=60s crd --all >&2

# A copy of deploy/k8s with dev secrets made in it: nothing is written into the repository.
cp -r "$HERE" "$WORK/k8s"
rm -rf "$WORK/k8s/overlays/dev/secrets"
"$WORK/k8s/overlays/dev/make-secrets.sh" >/dev/null

status=0
for overlay in "${OVERLAYS[@]}"; do
  "$KUSTOMIZE" build "$WORK/k8s/overlays/$overlay" >"$WORK/$overlay.yaml"
  # A dry run creates nothing, so the objects' namespace must exist for real.
  "$KUBECTL" apply -f "$WORK/k8s/overlays/$overlay/namespace.yaml" >/dev/null
  namespace="$(sed -n 's/^  name: //p' "$WORK/k8s/overlays/$overlay/namespace.yaml")"
  log "overlay $overlay: kubectl apply --dry-run=server ($(grep -c '^kind:' "$WORK/$overlay.yaml") objects, namespace $namespace)"
  if "$KUBECTL" apply --dry-run=server -f "$WORK/$overlay.yaml" >"$WORK/$overlay.out" 2>&1; then
    sed 's/^/  /' "$WORK/$overlay.out"
    log "overlay $overlay: accepted"
  else
    sed 's/^/  /' "$WORK/$overlay.out"
    log "overlay $overlay: REFUSED"
    status=1
  fi
done

# A mistake kubeconform lets through: CloudNativePG's CEL rule forbids imageName together with
# imageCatalogRef. The server must refuse it, or this check proves nothing.
(cd "$REPO_ROOT" && uv run --frozen python - "$WORK/production.yaml") >"$WORK/mistake.yaml" <<'PY'
import sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc["kind"] == "Cluster":
        doc["spec"]["imageCatalogRef"] = {"apiGroup": "postgresql.cnpg.io", "kind": "ImageCatalog", "name": "pg", "major": 16}
        print(yaml.safe_dump(doc))
PY
log "deliberate mistake: the PostgreSQL Cluster with both imageName and imageCatalogRef"
if "$KUBECTL" apply --dry-run=server -f "$WORK/mistake.yaml" >"$WORK/mistake.out" 2>&1; then
  sed 's/^/  /' "$WORK/mistake.out"
  log "the mistake was ACCEPTED: the server does not enforce the CRDs' CEL rules"
  status=1
else
  sed 's/^/  /' "$WORK/mistake.out"
  log "refused, as it must be"
fi
[ "$status" -eq 0 ] && log "all overlays accepted by kube-apiserver" || log "FAILED"
exit "$status"
