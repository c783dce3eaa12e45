#!/usr/bin/env bash
# Builds the whole NAT test network (README.md "NAT"); idempotent: parts that exist are kept,
# missing ones added, addresses and routes replaced, iptables rules appended only once.
cd "$(dirname "$0")"
source ./env.sh
need_root
./internet.sh
./public.sh
./node.sh
for v in $HOME_VARIANTS; do ./home.sh "$v"; done
echo "infra/nat: up (public $PUBLIC_IP $PUBLIC_IP2; node $NODE_WAN_IP; homes: $(for v in $HOME_VARIANTS; do printf '%s %s ' "$(home_ns "$v")" "$(home_wan_ip "$v")"; done))"
