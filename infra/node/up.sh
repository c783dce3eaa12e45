#!/usr/bin/env bash
# Brings up a one-machine Kubernetes cluster: control plane + one real node (kubelet, containerd,
# runc, CNI bridge, kube-proxy, CoreDNS), with our images loaded. Idempotent: components that run
# are left alone; leftovers of a run that did not end with `down` (e.g. a finished session) are
# cleared first. Needs root, the binaries of scripts/build-k8s.sh and the images of
# infra/images/all.sh. Afterwards: KUBECONFIG=.cache/node/admin.kubeconfig.
set -euo pipefail
HERE="$(dirname "$0")"
source "$HERE/env.sh"

[ "$(id -u)" = 0 ] || { log "needs root (containerd, network namespaces, iptables)"; exit 1; }
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
  [ -x "$BIN/$b" ] || { log "missing $BIN/$b: run scripts/build-k8s.sh"; exit 1; }
done

# Leftovers but nothing running: a stale cluster from an earlier session (or another checkout's).
# Start clean.
if { [ -d "$NODE_DIR" ] || [ -d "$RUN_DIR" ] || ip link show "$NODE_IF" >/dev/null 2>&1; } \
  && ! alive kube-apiserver && ! alive kubelet && ! alive containerd; then
  "$HERE/down.sh"
fi

"$HERE/network.sh"
"$HERE/pki.sh"
"$HERE/containerd.sh"
"$HERE/load-images.sh"
"$HERE/control-plane.sh"
"$HERE/kubelet.sh"
"$HERE/kube-proxy.sh"
"$HERE/addons.sh"
kubectl get nodes -o wide
