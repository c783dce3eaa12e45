#!/usr/bin/env bash
# Tears the cluster of up.sh down and leaves nothing behind: containers, sandboxes and their
# network namespaces, mounts, cgroups, the CNI bridge and the node interface, kube-proxy's and the
# CNI plugins' iptables rules, processes, sysctls as they were, and the state under .cache/node.
# containerd's image store (.cache/node/containerd/root) is kept as a cache unless --purge.
# Safe to run at any time, any number of times.
set -uo pipefail
source "$(dirname "$0")/env.sh"
PURGE=false; [ "${1:-}" = --purge ] && PURGE=true

stop() {  # stop <name>: SIGTERM, then SIGKILL after 10 s; never a stranger that reused the pid
  local pid; pid=$(cat "$RUN_DIR/$1.pid" 2>/dev/null) || return 0
  if alive "$1"; then
    kill "$pid"; for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$RUN_DIR/$1.pid"
}

stop kubelet
# Every container and sandbox, killed and deleted while containerd still runs.
if alive containerd; then
  c="ctr --address $CONTAINERD_SOCK -n k8s.io"
  for id in $($c tasks ls -q 2>/dev/null); do $c tasks kill -s SIGKILL "$id" >/dev/null 2>&1; done
  sleep 1
  for id in $($c tasks ls -q 2>/dev/null); do $c tasks delete -f "$id" >/dev/null 2>&1; done
  for id in $($c containers ls -q 2>/dev/null); do $c containers delete "$id" >/dev/null 2>&1; done
fi
stop kube-proxy
[ -x "$BIN/kube-proxy" ] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1
stop containerd
for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$name"; done

# Mounts under our directories (overlay rootfs, shm, secret/projected tmpfs), deepest first.
for m in $(findmnt -rn -o TARGET | grep -E "^($NODE_DIR|$RUN_DIR)/" | sort -r); do umount -l "$m" 2>/dev/null; done
# Sandboxes' network namespaces (the CNI names them cni-<uuid>).
for ns in $(ip netns list 2>/dev/null | awk '/^cni-/{print $1}'); do ip netns delete "$ns"; done
ip link delete "$CNI_BRIDGE" 2>/dev/null
ip link delete "$NODE_IF" 2>/dev/null
# Chains the kubelet (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-MARK-MASQ), kube-proxy (what
# --cleanup left) and the CNI plugins (CNI-<hash> masquerade, portmap) made, with their jumps.
for ipt in iptables ip6tables; do
  for table in nat filter mangle; do
    $ipt -t "$table" -S 2>/dev/null | grep -E -- '^-A .*-j (KUBE|CNI)-' | sed 's/^-A/-D/' | while read -r rule; do eval "$ipt" -t "$table" "$rule"; done
    chains=$($ipt -t "$table" -S 2>/dev/null | awk '/^-N (KUBE|CNI)-/{print $2}')
    for chain in $chains; do $ipt -t "$table" -F "$chain"; done
    for chain in $chains; do $ipt -t "$table" -X "$chain"; done
  done
done
# The kubelet's cgroups (kubepods hierarchy) in every v1 controller.
for ctl in /sys/fs/cgroup/*/; do
  [ -d "$ctl/kubepods" ] && find "$ctl/kubepods" -depth -type d -exec rmdir {} + 2>/dev/null
done
if [ -f "$NODE_DIR/sysctl.saved" ]; then
  while IFS= read -r kv; do sysctl -qw "$kv"; done < "$NODE_DIR/sysctl.saved"
fi

rm -rf "$RUN_DIR"
if $PURGE; then rm -rf "$NODE_DIR"; else find "$NODE_DIR" -mindepth 1 -maxdepth 1 ! -name containerd -exec rm -rf {} + 2>/dev/null; rm -rf "$NODE_DIR/containerd/config.toml"; fi
echo "node: down" >&2
