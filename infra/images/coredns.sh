#!/usr/bin/env bash
# The cluster DNS image: FROM scratch with the CoreDNS binary scripts/build-k8s.sh builds from Go
# modules (.cache/bin/coredns, CGO_ENABLED=0 so static; libraries from Debian's libc6 would be
# added otherwise). Non-root (65532, distroless "nonroot", as upstream), ENTRYPOINT ["/coredns"].
# Unlike upstream, the binary carries no cap_net_bind_service file capability: with one, exec
# fails outright ("operation not permitted") in a container whose capabilities are
# `drop: [ALL]`, which Pod Security "restricted" asks for. So it listens on an unprivileged
# port: the Corefile says `.:5353` and the kube-dns Service maps 53 → 5353 (infra/node/addons.sh).
#
# Tag: localhost/room-recorder/coredns:<version the binary reports> (1.12.4). Prints the tag.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BIN="$ROOT/.cache/bin/coredns"
[[ -x $BIN ]] || die "$BIN missing: run scripts/build-k8s.sh first (it builds CoreDNS last)"
version=$("$BIN" -version | sed -n 's/^CoreDNS-\([0-9][0-9.]*\).*/\1/p')
[[ -n $version ]] || die "$BIN -version does not say CoreDNS-<version>"
TAG="localhost/room-recorder/coredns:$version"

inputs_hash=$( { cat "${BASH_SOURCE[0]}"; sha256sum "$BIN"; } | hash_stdin)
if stamp_fresh coredns "$inputs_hash" "$TAG"; then
  say "$TAG is up to date"
  echo "$TAG"
  exit 0
fi

say "building $TAG from $BIN"
work="$STATE/coredns"
rm -rf "$work" && mkdir -p "$work/root/etc"
install -m 0755 "$BIN" "$work/root/coredns"
add_libc_deps "$BIN" "$work/root"
printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/:/sbin/nologin\n' > "$work/root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$work/root/etc/group"
chroot "$work/root" /coredns -version >/dev/null || die "coredns does not start in the image tree"

old_id=$(image_id "$TAG")
ctr=$(buildah from --quiet scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah copy --quiet "$ctr" "$work/root" / >/dev/null
buildah config \
  --user 65532:65532 \
  --workingdir / \
  --entrypoint '["/coredns"]' \
  --cmd '' \
  --port 5353/udp --port 5353/tcp \
  --label org.opencontainers.image.title=coredns \
  --label org.opencontainers.image.version="$version" \
  --label org.opencontainers.image.description="CoreDNS $version built from Go modules by scripts/build-k8s.sh (infra/images/coredns.sh)" \
  "$ctr"
commit_image "$ctr" coredns "$TAG" "$old_id" "$inputs_hash"
