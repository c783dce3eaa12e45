# Shared settings of the test node, sourced by every script in infra/node/.
# One machine is both the control plane and the only node ("rr-node"). Persistent state lives
# under .cache/node/ in the checkout; sockets and runtime state under /run/rr-node (short paths:
# a unix socket path may not exceed 108 bytes).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.cache/bin"
NODE_DIR="$ROOT/.cache/node"
RUN_DIR=/run/rr-node
LOG_DIR="$NODE_DIR/logs"
PKI="$NODE_DIR/pki"

NODE_NAME=rr-node
# The node's own address, on a bridge of its own (this kernel has no dummy interfaces): fixed,
# independent of the VM's network, a place to attach an "internet" segment later (infra/nat/), and
# reachable from pods (their default route is the host side of the CNI bridge).
NODE_IF=rr-node0
NODE_IP=10.250.0.1
API_PORT=6443
API_SERVER="https://$NODE_IP:$API_PORT"
ETCD_CLIENT_PORT=12379
ETCD_PEER_PORT=12380

SERVICE_CIDR=10.96.0.0/16
KUBERNETES_SERVICE_IP=10.96.0.1
CLUSTER_DNS_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
# Not 10.88.0.0/16: podman's default CNI network (cni-podman0) uses it on machines with podman.
POD_CIDR=10.244.0.0/16
CNI_NETWORK=rr-node
CNI_BRIDGE=rr-cni0
CNI_BIN_DIR=/usr/lib/cni

CONTAINERD_SOCK="$RUN_DIR/containerd.sock"
# The CRI plugin's sandbox image; infra/images/pause.sh builds it under this name.
PAUSE_IMAGE=registry.k8s.io/pause:3.10
COREDNS_IMAGE=localhost/room-recorder/coredns:1.12.4
STORAGE_CLASS=rr-local

export KUBECONFIG="$NODE_DIR/admin.kubeconfig"
kubectl() { "$BIN/kubectl" "$@"; }

log() { echo "node: $*" >&2; }

# alive <name>: the process recorded in $RUN_DIR/<name>.pid is running and is <name> (a pid file
# left by an earlier session may name a pid the kernel has since given to another process).
alive() {
  local pid; pid=$(cat "$RUN_DIR/$1.pid" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$1"
}

# daemon <name> <command…>: start in the background (own session, log file, pid file) unless running.
daemon() {
  local name="$1"; shift
  if alive "$name"; then return 0; fi
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
  log "started $name (pid $!, log .cache/node/logs/$name.log)"
}

# wait_for <seconds> <what> <command…>: retry the command every second until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out waiting for $what"; return 1; fi
    sleep 1
  done
}

# write_file <path>: stdin to <path>, only when the content differs. Running components watch
# some of these files (kube-proxy exits when its configuration file changes), so re-running
# `up` must not touch them.
write_file() {
  local tmp; tmp=$(mktemp "$1.XXXX")
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}
