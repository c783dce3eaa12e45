#!/usr/bin/env bash
# A NATS server image from Debian's `nats-server` package (downloaded with apt, not installed on
# the host). Debian builds it with cgo, so the binary is dynamically linked against glibc alone:
# the image is FROM scratch plus the program interpreter and the libraries it NEEDs, taken from
# Debian's libc6 package (a distroless-style image of ~14 MB instead of a 200 MB Debian base).
# Should the binary ever be static, no libraries are added. Runs as uid/gid 1000, listens on
# 4222 (clients), 6222 (routes), 8222 (monitoring) as the arguments given to it say.
#
# Tag: localhost/room-recorder/nats-server:<Debian version, '+' and ':' as '-'>. Prints the tag.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nats_deb=$(fetch_deb nats-server)
version=$(dpkg-deb -f "$nats_deb" Version)
TAG="localhost/room-recorder/nats-server:${version//[+:~]/-}"

inputs_hash=$( { cat "${BASH_SOURCE[0]}"; sha256sum "$nats_deb" "$(fetch_deb libc6)"; } | hash_stdin)
if stamp_fresh nats "$inputs_hash" "$TAG"; then
  say "$TAG is up to date"
  echo "$TAG"
  exit 0
fi

say "building $TAG from $(basename "$nats_deb")"
work="$STATE/nats"
rm -rf "$work" && mkdir -p "$work/deb" "$work/root/etc"
dpkg-deb -x "$nats_deb" "$work/deb"
bin="$work/deb/usr/sbin/nats-server"
[[ -x $bin ]] || die "no /usr/sbin/nats-server in $nats_deb"
install -m 0755 "$bin" "$work/root/nats-server"

add_libc_deps "$bin" "$work/root"
printf 'root:x:0:0:root:/:/sbin/nologin\nnats:x:1000:1000:nats:/:/sbin/nologin\n' > "$work/root/etc/passwd"
printf 'root:x:0:\nnats:x:1000:\n' > "$work/root/etc/group"
# The binary must start on this image's files alone: run it chrooted in the tree.
chroot "$work/root" /nats-server --version >/dev/null || die "nats-server does not start in the image tree"

old_id=$(image_id "$TAG")
ctr=$(buildah from --quiet scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah copy --quiet "$ctr" "$work/root" / >/dev/null
buildah config \
  --user 1000:1000 \
  --entrypoint '["/nats-server"]' \
  --cmd '' \
  --port 4222 --port 6222 --port 8222 \
  --label org.opencontainers.image.title=nats-server \
  --label org.opencontainers.image.version="$version" \
  --label org.opencontainers.image.description="NATS server from Debian's nats-server $version (infra/images/nats.sh)" \
  "$ctr"
commit_image "$ctr" nats "$TAG" "$old_id" "$inputs_hash"
