#!/usr/bin/env bash
# The node's network: its address on a bridge interface of its own, forwarding, bridged traffic through
# iptables (kube-proxy's Service rules must see pod-to-pod traffic on the CNI bridge), and the CNI
# configuration containerd reads. The sysctls' previous values are saved so `down` restores them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$RUN_DIR" "$NODE_DIR/cni/net.d"

if ! ip link show "$NODE_IF" >/dev/null 2>&1; then
  ip link add "$NODE_IF" type bridge
  ip addr add "$NODE_IP/32" dev "$NODE_IF"
  ip link set "$NODE_IF" up
fi

SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables)
if [ ! -f "$NODE_DIR/sysctl.saved" ]; then
  for s in "${SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done > "$NODE_DIR/sysctl.saved"
fi
for s in "${SYSCTLS[@]}"; do sysctl -qw "$s=1"; done

# bridge + host-local IPAM (state under .cache/node) + portmap + loopback: what the CRI plugin
# needs for every pod sandbox. ipMasq: pods reach addresses beyond the node through its SNAT.
write_file "$NODE_DIR/cni/net.d/10-$CNI_NETWORK.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge", "bridge": "$CNI_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$NODE_DIR/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
CNI
