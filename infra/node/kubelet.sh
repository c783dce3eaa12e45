#!/usr/bin/env bash
# The Go-built kubelet (scripts/build-k8s.sh) on containerd, registered with the apiserver as
# node rr-node. cgroups v1 with the cgroupfs driver (no systemd here); the kubelet's root and pod
# logs under .cache/node.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$NODE_DIR/kubelet" "$NODE_DIR/pod-logs"

write_file "$NODE_DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
# cgroups v1 is deprecated in 1.33 but still supported; this VM has no v2 hierarchy.
failCgroupV1: false
failSwapOn: false
address: $NODE_IP
# Only the apiserver (on this machine) calls the kubelet, on the node's dummy address.
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
clusterDNS: [$CLUSTER_DNS_IP]
clusterDomain: $CLUSTER_DOMAIN
resolvConf: /etc/resolv.conf
podLogsDir: $NODE_DIR/pod-logs
enforceNodeAllocatable: []
# A shared CI disk must not make the kubelet evict our pods.
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
YAML

daemon kubelet "$BIN/kubelet" --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$NODE_DIR/kubelet.kubeconfig" \
  --root-dir="$NODE_DIR/kubelet" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" -v=1

node_ready() { [ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
wait_for 120 "node $NODE_NAME Ready" node_ready
