#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and caches it.
# Idempotent: every step checks first, so a warm machine spends a few seconds here.
#   apt:  ffmpeg (fixtures, ffprobe checks), nats-server, coturn, chromium, GStreamer (webrtcbin
#         publisher), prometheus, iproute2 + iptables (infra/nat/ network namespaces)
#         and for the real node (infra/node/): containerd, runc, CNI plugins, buildah, mmdebstrap,
#         busybox-static (the pause image), iptables, conntrack
#   go:   the control plane, kubelet, kube-scheduler, kube-proxy, CoreDNS, etcd 3.5, helm
#         (scripts/build-k8s.sh, cached under .cache/bin)
#   images: our three images and the node's (pause, NATS, CoreDNS), built with buildah from
#         Debian packages (infra/images/all.sh, cached under .cache/images); root only
# `provision.sh bench`: only what `npm run bench` needs (ffmpeg makes its clip, ffprobe counts
# the frames written), no Go build.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-tests}"

if [ "$WHAT" = bench ]; then
  APT_PACKAGES=(ffmpeg)
else
  APT_PACKAGES=(
    ffmpeg nats-server coturn chromium
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-nice
    python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0
    prometheus iproute2 iptables
    containerd runc containernetworking-plugins buildah mmdebstrap busybox-static iptables conntrack
    openssl curl
  )
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "provision: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian packages start their daemons; tests start their own on loopback ports.
  for svc in nats-server coturn prometheus; do $SUDO service "$svc" stop >/dev/null 2>&1 || true; done
fi

if [ "$WHAT" != bench ] && [ -x scripts/build-k8s.sh ]; then scripts/build-k8s.sh; fi
if [ "$WHAT" != bench ] && [ "$(id -u)" = 0 ] && [ -x infra/images/all.sh ]; then infra/images/all.sh; fi
