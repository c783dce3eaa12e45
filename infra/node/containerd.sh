#!/usr/bin/env bash
# Debian's containerd as the node's container runtime, with its own root, state and socket (it
# never touches a system containerd's /var/lib/containerd or /run/containerd).
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$NODE_DIR/containerd" "$RUN_DIR"

write_file "$NODE_DIR/containerd/config.toml" <<TOML
version = 2
root = "$NODE_DIR/containerd/root"
state = "$RUN_DIR/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM's root lacks CAP_SYS_RESOURCE: nothing may lower an oom_score_adj, and the sandbox's
  # default -998 makes runc fail ("can't get final child's PID from pipe"). notes/real-node.md.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$NODE_DIR/cni/net.d"
TOML

daemon containerd containerd --config "$NODE_DIR/containerd/config.toml"
wait_for 30 "containerd" ctr --address "$CONTAINERD_SOCK" version
