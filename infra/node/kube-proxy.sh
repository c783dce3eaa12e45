#!/usr/bin/env bash
# kube-proxy in iptables mode: Service IPs (the `kubernetes` Service, CoreDNS, NATS) for pods and
# for processes on the node. It leaves conntrack sysctls alone (zeros below).
set -euo pipefail
source "$(dirname "$0")/env.sh"

write_file "$NODE_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
clientConnection: {kubeconfig: $NODE_DIR/kube-proxy.kubeconfig}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
# NodePorts only on the node address, not on every local address (the VM's own network too).
nodePortAddresses: [primary]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML

daemon kube-proxy "$BIN/kube-proxy" --config="$NODE_DIR/kube-proxy.yaml"
proxy_healthy() { curl -sf http://127.0.0.1:10256/healthz; }
wait_for 60 "kube-proxy healthz" proxy_healthy
