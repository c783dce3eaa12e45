#!/usr/bin/env bash
# The "internet" namespace: a bridge that is the gateway of 203.0.113.0/24 (NAT uplinks) and
# 198.51.100.0/24 (public servers), and routes between them. It has no default route: a packet
# for any other address (the publishers' private host candidates, this machine's real address)
# is dropped here.
source "$(dirname "$0")/env.sh"
need_root
ensure_ns "$NS_INET"
ip -n "$NS_INET" link show "$INET_BRIDGE" >/dev/null 2>&1 || ip -n "$NS_INET" link add "$INET_BRIDGE" type bridge
ip -n "$NS_INET" addr replace "$INET_GW_UPLINKS/24" dev "$INET_BRIDGE"
ip -n "$NS_INET" addr replace "$INET_GW_PUBLIC/24" dev "$INET_BRIDGE"
ip -n "$NS_INET" link set "$INET_BRIDGE" up
ip netns exec "$NS_INET" sysctl -qw net.ipv4.ip_forward=1
