#!/usr/bin/env bash
# Imports the image archives infra/images/ wrote (.cache/images/*.tar, docker-archive format) into
# containerd's k8s.io namespace, the one the CRI plugin (and so the kubelet) uses. Pods then find
# them with imagePullPolicy IfNotPresent or Never: there is no registry to pull from here.
#   load-images.sh [tar…]   default: every archive under .cache/images
set -euo pipefail
source "$(dirname "$0")/env.sh"
shopt -s nullglob
tars=("$@")
((${#tars[@]})) || tars=("$ROOT"/.cache/images/*.tar)
((${#tars[@]})) || { log "no image archives under .cache/images: run infra/images/all.sh"; exit 1; }
# containerd's image store survives `down` (a cache): an archive whose image ID (the .id file
# infra/images/export.sh writes beside it) was imported before is skipped.
seen="$NODE_DIR/containerd/imported"
mkdir -p "$seen"
for tar in "${tars[@]}"; do
  name=$(basename "$tar")
  if [ -f "$tar.id" ] && cmp -s "$tar.id" "$seen/$name.id"; then continue; fi
  ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$tar" >/dev/null
  [ -f "$tar.id" ] && cp "$tar.id" "$seen/$name.id"
  log "imported $name"
done
