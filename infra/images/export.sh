#!/usr/bin/env bash
# Writes images from buildah's storage as docker-archive tars for containerd:
#
#   infra/images/export.sh IMAGE...     e.g. export.sh registry.k8s.io/pause:3.10
#
# Each IMAGE goes to .cache/images/<IMAGE with '/' and ':' as '_'>.tar, named IMAGE inside, so
# `ctr -n k8s.io images import <tar>` makes it known to the CRI plugin under that name. (An
# oci-archive imports as nothing there; docker-archive works: shared/notes/real-node.md.)
# An image whose ID is the one its tar was written from is skipped (the ID is kept in
# <tar>.id). Prints one tar path per IMAGE, in order.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -gt 0 ]] || die "usage: $0 IMAGE..."
for image in "$@"; do
  id=$(image_id "$image")
  [[ -n $id ]] || die "$image is not in buildah's storage"
  tar="$STATE/${image//[\/:]/_}.tar"
  if [[ -s $tar && "$(cat "$tar.id" 2>/dev/null)" == "$id" ]]; then
    say "$image unchanged (${id:0:12}): $tar"
  else
    start=$SECONDS
    rm -f "$tar" "$tar.id" "$tar.tmp"
    buildah push --quiet "$image" "docker-archive:$tar.tmp:$image" >/dev/null
    mv "$tar.tmp" "$tar"
    echo "$id" > "$tar.id"
    say "$image (${id:0:12}) → $tar, $(du -m "$tar" | cut -f1) MB in $((SECONDS - start)) s"
  fi
  echo "$tar"
done
