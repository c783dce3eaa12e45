#!/usr/bin/env bash
# The pod sandbox ("pause") image containerd's CRI plugin starts for every pod, which can't be
# pulled here: FROM scratch, Debian's static busybox (busybox-static, downloaded with apt, not
# installed on the host), sleeping for ever. Same user as the upstream image (65535).
# Unlike the upstream pause binary it does not reap zombies; containerd kills sandboxes with
# SIGKILL, so the missing SIGTERM handler of a PID-1 sleep costs nothing.
#
# Tagged registry.k8s.io/pause:3.10 (containerd's `sandbox_image`). Prints the tag.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TAG=registry.k8s.io/pause:3.10

deb=$(fetch_deb busybox-static)
inputs_hash=$( { cat "${BASH_SOURCE[0]}"; sha256sum "$deb"; } | hash_stdin)
if stamp_fresh pause "$inputs_hash" "$TAG"; then
  say "$TAG is up to date ($(basename "$deb"))"
  echo "$TAG"
  exit 0
fi

say "building $TAG from $(basename "$deb")"
work="$STATE/pause"
rm -rf "$work" && mkdir -p "$work/root"
dpkg-deb -x "$deb" "$work/root"
bb="$work/root/bin/busybox"
[[ -x $bb ]] || die "no /bin/busybox in $deb"
is_static "$bb" || die "$bb is not statically linked"
"$bb" true

old_id=$(image_id "$TAG")
ctr=$(buildah from --quiet scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah copy --quiet "$ctr" "$bb" /bin/busybox >/dev/null
buildah config \
  --user 65535:65535 \
  --entrypoint '["/bin/busybox","sleep","2147483647"]' \
  --cmd '' \
  --label org.opencontainers.image.title=pause \
  --label org.opencontainers.image.description="pod sandbox: static busybox sleep (infra/images/pause.sh)" \
  "$ctr"
commit_image "$ctr" pause "$TAG" "$old_id" "$inputs_hash"
