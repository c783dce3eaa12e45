#!/usr/bin/env bash
# Removes everything up.sh made: the namespaces (with their veths, addresses, routes and
# iptables rules), the host's rrnat0 (its routes go with it) and any half-made veth left by an
# interrupted run. Idempotent.
source "$(dirname "$0")/env.sh"
need_root
for ns in $(ip netns list | awk '{print $1}' | grep '^rrnat-' || true); do
  # Processes a test left in the namespace would keep it alive as an unnamed one: end them first.
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  ip netns del "$ns"
done
ip link del "$HOST_DEV" 2>/dev/null || true
for dev in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^rrn[0-9]*-[ab]$' || true); do ip link del "$dev" 2>/dev/null || true; done
echo "infra/nat: down"
