#!/usr/bin/env bash
# `npm run test:cluster`: the real-node suite alone (test/cluster/). Provisions what it needs
# (cached: Go-built kubelet & co., containerd, our images), brings the node up (infra/node/up.sh),
# runs the suite, and always tears the node down again, leaving nothing behind.
# Where the machine cannot run a node (not root, not Linux), it says why and exits 0: the suite's
# tests report themselves as skipped with the same reason.
set -euo pipefail
cd "$(dirname "$0")/.."

why=""
if [ "$(uname -s)" != Linux ]; then why="the real node needs Linux"
elif [ "$(id -u)" != 0 ]; then why="the real node needs root (containerd, CNI, iptables)"
elif [ -n "${RR_SKIP_CLUSTER:-}" ]; then why="RR_SKIP_CLUSTER is set"
fi
if [ -n "$why" ]; then
  echo "test:cluster: SKIPPED, $why" >&2
  exit 0
fi

bash scripts/provision.sh
trap 'bash infra/node/down.sh' EXIT
start=$SECONDS
bash infra/node/up.sh
echo "test:cluster: node up in $((SECONDS - start)) s" >&2
node --test --test-concurrency=1 --test-timeout=1800000 --test-reporter=spec "$@" 'test/cluster/*.test.ts'
