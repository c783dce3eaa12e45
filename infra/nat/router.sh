#!/usr/bin/env bash
# One NAT router namespace: `router.sh NS LAN_DEV LAN_IP WAN_IP [MASQUERADE args]`. Its uplink
# `wan0` joins the internet bridge; it forwards, masquerades what leaves by `wan0`, and drops
# unsolicited packets from the internet the way a home router's firewall does. The drop matters
# for ICE: an unsolicited packet that reached INPUT would leave a conntrack entry behind that
# makes the next outgoing packet to that peer clash and get another port, breaking hole punching
# even through the endpoint-independent NAT (the entry is never confirmed if dropped in INPUT).
source "$(dirname "$0")/env.sh"
need_root
NS=$1 LAN_DEV=$2 LAN_IP=$3 WAN_IP=$4 MASQ=${5:-}

ensure_ns "$NS"
ensure_veth "$NS" wan0 "$NS_INET" "${NS#rrnat-}"
ip -n "$NS_INET" link set "${NS#rrnat-}" master "$INET_BRIDGE" up
ip -n "$NS" addr replace "$WAN_IP/24" dev wan0
ip -n "$NS" link set wan0 up
ip -n "$NS" addr replace "$LAN_IP/$LAN_PREFIX" dev "$LAN_DEV"
ip -n "$NS" link set "$LAN_DEV" up
ip -n "$NS" route replace default via "$INET_GW_UPLINKS"
ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=1
# shellcheck disable=SC2086 # MASQ is zero or one word
ensure_rule "$NS" nat POSTROUTING -o wan0 -j MASQUERADE $MASQ
ensure_rule "$NS" filter INPUT -i wan0 -m conntrack --ctstate NEW,INVALID -j DROP
ensure_rule "$NS" filter FORWARD -i wan0 -m conntrack --ctstate NEW,INVALID -j DROP
