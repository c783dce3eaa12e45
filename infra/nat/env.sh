# Shared settings of the NAT test network (sourced by the other scripts): names, addresses and
# three helpers. Every address is either a documentation range (the "internet": 203.0.113.0/24
# for NAT uplinks, 198.51.100.0/24 for public servers) or a private range inside a namespace;
# nothing here is routed off the machine (the "internet" namespace has no default route).
set -euo pipefail

# The "internet": one bridge in its own namespace, the gateway of both documentation ranges.
NS_INET=rrnat-inet
INET_BRIDGE=inet0
INET_GW_UPLINKS=203.0.113.254   # gateway of the NAT routers' uplinks
INET_GW_PUBLIC=198.51.100.254   # gateway of the public servers

# A public server (coturn: TURN and STUN; the handshake relay) with two addresses, so a STUN
# probe can ask from one socket to two destinations (endpoint-independent or not).
NS_PUBLIC=rrnat-public
PUBLIC_IP=198.51.100.10
PUBLIC_IP2=198.51.100.11

# The recorder's side: the host's own namespace reaches the internet only through a NAT router
# namespace, as worker pods reach it through their node's SNAT.
NS_NODE=rrnat-node
HOST_DEV=rrnat0                 # in the host namespace
HOST_IP=172.29.77.2
NODE_LAN_IP=172.29.77.1
NODE_WAN_IP=203.0.113.1
LAN_PREFIX=24

# Homes: a LAN behind a NAT router, one per NAT behaviour.
#   eim: MASQUERADE, which keeps the source port when it is free: endpoint-independent mapping
#   sym: MASQUERADE --random-fully, a random port per destination: endpoint-dependent ("symmetric")
HOME_VARIANTS="eim sym"
home_ns() { echo "rrnat-home-$1"; }
router_ns() { echo "rrnat-nat-$1"; }
home_lan() { case "$1" in eim) echo 192.168.71 ;; sym) echo 192.168.72 ;; *) echo "unknown NAT variant $1" >&2; return 1 ;; esac; }
home_wan_ip() { case "$1" in eim) echo 203.0.113.71 ;; sym) echo 203.0.113.72 ;; *) return 1 ;; esac; }
masquerade_args() { case "$1" in eim) echo "" ;; sym) echo "--random-fully" ;; *) return 1 ;; esac; }

# Routes the host gets through the node router: the internet, and the homes' LANs (a recorder
# checks publishers' private host candidates too; those packets must die in a namespace, not
# leave by the host's default route).
HOST_ROUTES="203.0.113.0/24 198.51.100.0/24 192.168.71.0/24 192.168.72.0/24"

need_root() { [ "$(id -u)" = 0 ] || { echo "infra/nat: needs root (network namespaces, veths, iptables)" >&2; exit 1; }; }

ensure_ns() { ip netns list | awk '{print $1}' | grep -qx "$1" || ip netns add "$1"; ip -n "$1" link set lo up; }

# ensure_veth NS_A DEV_A NS_B DEV_B: a veth pair with one end in each namespace ("" = the host's).
ensure_veth() {
  local nsa=$1 deva=$2 nsb=$3 devb=$4 tmp
  if ip ${nsa:+-n "$nsa"} link show "$deva" >/dev/null 2>&1; then return; fi
  tmp="rrn$RANDOM"
  ip link add "$tmp-a" type veth peer name "$tmp-b"
  if [ -n "$nsa" ]; then ip link set "$tmp-a" netns "$nsa"; fi
  if [ -n "$nsb" ]; then ip link set "$tmp-b" netns "$nsb"; fi
  ip ${nsa:+-n "$nsa"} link set "$tmp-a" name "$deva"
  ip ${nsb:+-n "$nsb"} link set "$tmp-b" name "$devb"
}

# ensure_rule NS TABLE CHAIN RULE...: append an iptables rule unless it is there.
ensure_rule() {
  local ns=$1 table=$2 chain=$3; shift 3
  ip netns exec "$ns" iptables -t "$table" -C "$chain" "$@" 2>/dev/null || ip netns exec "$ns" iptables -t "$table" -A "$chain" "$@"
}
