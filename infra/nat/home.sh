#!/usr/bin/env bash
# `home.sh eim|sym`: a home LAN namespace (one host, .2) behind its NAT router namespace (.1 on
# the LAN, an uplink address on the internet), with the NAT behaviour of the variant (env.sh).
source "$(dirname "$0")/env.sh"
need_root
V=${1:?usage: home.sh eim|sym}
HOME_NS=$(home_ns "$V") ROUTER=$(router_ns "$V") LAN=$(home_lan "$V")
ensure_ns "$HOME_NS"
ensure_ns "$ROUTER"
ensure_veth "$HOME_NS" eth0 "$ROUTER" lan0
"$(dirname "$0")/router.sh" "$ROUTER" lan0 "$LAN.1" "$(home_wan_ip "$V")" "$(masquerade_args "$V")"
ip -n "$HOME_NS" addr replace "$LAN.2/$LAN_PREFIX" dev eth0
ip -n "$HOME_NS" link set eth0 up
ip -n "$HOME_NS" route replace default via "$LAN.1"
