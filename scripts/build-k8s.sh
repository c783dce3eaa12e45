#!/usr/bin/env bash
# Builds the Kubernetes test binaries from the Go module proxy, cached under .cache/bin:
#   kube-apiserver, kube-controller-manager, kubectl, and for the real node kubelet,
#   kube-scheduler, kube-proxy (k8s.io/kubernetes, tools/k8s/kube; one build, shared packages),
#   etcd 3.5 (tools/k8s/etcd), helm and CoreDNS (their own go.mod, `go install`).
# Idempotent: a stamp file per binary set records the pinned versions; a warm run exits at once.
#
# Why wrapper modules: k8s.io/kubernetes requires its staging modules at v0.0.0 and etcd's
# server module carries relative replaces, so `go install pkg@version` refuses both. A module
# of our own replaces each staging module with its published tag (notes/k8s-test-control-plane.md §1).
#
# Cost (measured, docs/operator.md): cold, on 2 vCPUs shared with other builds and -p 1, 36 min
# wall (33 for the k8s binaries, 12 min of CPU), so about 7-8 min on an idle 2-vCPU box; etcd
# ~2.5 min, helm under a minute. Warm (stamps present): 0.1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

K8S_VERSION=v1.33.13   # staging modules pinned to v0.33.13 in tools/k8s/kube/go.mod
ETCD_VERSION=v3.5.21   # tools/k8s/etcd/go.mod
HELM_VERSION=v3.19.5

BIN="$ROOT/.cache/bin"
mkdir -p "$BIN"
export GOCACHE="${GOCACHE_OVERRIDE:-$ROOT/.cache/go/build}"
export GOMODCACHE="${GOMODCACHE_OVERRIDE:-$ROOT/.cache/go/mod}"
export CGO_ENABLED=0 GOFLAGS="-buildvcs=false -trimpath" GOTOOLCHAIN=local
# Parallel package builds (default: all CPUs); K8S_BUILD_JOBS=1 on a box shared with other work.
JOBS="${K8S_BUILD_JOBS:-$(nproc)}"

if ! command -v go >/dev/null; then
  echo "build-k8s: go not found; the operator tests that need a control plane will be skipped" >&2
  exit 0
fi

# built <stamp> <binaries…>: true when the stamp matches and every binary exists.
built() {
  local stamp="$1"; shift
  [ "$(cat "$BIN/.$stamp.stamp" 2>/dev/null)" = "$STAMP" ] || return 1
  for b in "$@"; do [ -x "$BIN/$b" ] || return 1; done
}

STAMP="$K8S_VERSION $(go env GOVERSION)"
KUBE_BINARIES=(kube-apiserver kube-controller-manager kubectl kubelet kube-scheduler kube-proxy)
if ! built kube "${KUBE_BINARIES[@]}"; then
  echo "build-k8s: building ${KUBE_BINARIES[*]} $K8S_VERSION (cold: ~10+ min)"
  start=$SECONDS
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  # Without these /version says v0.0.0-master, and helm/kubectl version checks misbehave.
  ld="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
  ld+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  ld+=" -X k8s.io/component-base/version.gitTreeState=clean"
  ld+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  (cd tools/k8s/kube && go build -p "$JOBS" -ldflags "$ld" -o "$BIN/" "${KUBE_BINARIES[@]/#/k8s.io/kubernetes/cmd/}")
  echo "$STAMP" > "$BIN/.kube.stamp"
  echo "build-k8s: kube binaries built in $((SECONDS - start)) s"
fi

STAMP="$ETCD_VERSION $(go env GOVERSION)"
if ! built etcd etcd; then
  echo "build-k8s: building etcd $ETCD_VERSION"
  start=$SECONDS
  (cd tools/k8s/etcd && go build -p "$JOBS" -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
  echo "$STAMP" > "$BIN/.etcd.stamp"
  echo "build-k8s: etcd built in $((SECONDS - start)) s"
fi

STAMP="$HELM_VERSION $(go env GOVERSION)"
if ! built helm helm; then
  echo "build-k8s: building helm $HELM_VERSION"
  start=$SECONDS
  # helm's Makefile injects these; without them `helm template` assumes Kubernetes v1.20.
  ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for pkg in pkg/chartutil pkg/lint/rules; do
    ld+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$(echo "$K8S_VERSION" | cut -d. -f2)"
  done
  GOBIN="$BIN" GOFLAGS="-trimpath" go install -p "$JOBS" -ldflags "$ld" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$STAMP" > "$BIN/.helm.stamp"
  echo "build-k8s: helm built in $((SECONDS - start)) s"
fi

# Cluster DNS of the real node (scripts/node/). The release Kubernetes 1.33 ships with, in its
# 1.12 line; its go.mod has no replace directives, so `go install` works.
COREDNS_VERSION=v1.12.4
STAMP="$COREDNS_VERSION $(go env GOVERSION)"
if ! built coredns coredns; then
  echo "build-k8s: building coredns $COREDNS_VERSION"
  start=$SECONDS
  GOBIN="$BIN" GOFLAGS="-trimpath" go install -p "$JOBS" -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
  echo "$STAMP" > "$BIN/.coredns.stamp"
  echo "build-k8s: coredns built in $((SECONDS - start)) s"
fi
