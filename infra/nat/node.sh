#!/usr/bin/env bash
# The recorder's side: the host namespace gets `rrnat0` (172.29.77.2) whose peer is the LAN of
# the node router namespace (endpoint-independent MASQUERADE, like a node's SNAT of its pods),
# and routes for the internet ranges and the homes' LANs through it. Nothing else of the host
# changes: its default route, addresses and firewall stay as they are.
source "$(dirname "$0")/env.sh"
need_root
ensure_ns "$NS_NODE"
ensure_veth "" "$HOST_DEV" "$NS_NODE" lan0
"$(dirname "$0")/router.sh" "$NS_NODE" lan0 "$NODE_LAN_IP" "$NODE_WAN_IP" ""
ip addr replace "$HOST_IP/$LAN_PREFIX" dev "$HOST_DEV"
ip link set "$HOST_DEV" up
for net in $HOST_ROUTES; do ip route replace "$net" via "$NODE_LAN_IP" dev "$HOST_DEV"; done
