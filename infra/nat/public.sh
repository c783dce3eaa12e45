#!/usr/bin/env bash
# The public server namespace: two addresses on the internet (coturn listens on both, so STUN
# probes can compare two destinations); the tests start coturn and the handshake relay in it.
source "$(dirname "$0")/env.sh"
need_root
ensure_ns "$NS_PUBLIC"
ensure_veth "$NS_PUBLIC" eth0 "$NS_INET" public
ip -n "$NS_INET" link set public master "$INET_BRIDGE" up
ip -n "$NS_PUBLIC" addr replace "$PUBLIC_IP/24" dev eth0
ip -n "$NS_PUBLIC" addr replace "$PUBLIC_IP2/24" dev eth0
ip -n "$NS_PUBLIC" link set eth0 up
ip -n "$NS_PUBLIC" route replace default via "$INET_GW_PUBLIC"
