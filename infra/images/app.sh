#!/usr/bin/env bash
# Our three images from the repository's Dockerfiles, as they are, with buildah (no Docker
# engine): Dockerfile.worker → ghcr.io/room-recorder/room-recorder, then Dockerfile.operator and
# Dockerfile.signaler FROM it (BASE_IMAGE) → ghcr.io/room-recorder/operator, .../signaler.
# `FROM node:24-slim` is the local image base.sh makes; --pull=never, so a missing base is an
# error, never a pull. `--layers` keeps buildah's step cache, so an unchanged step is not run
# again; a content stamp skips the whole build when nothing it reads changed.
#
#   infra/images/app.sh [TAG...]
#
# The images are built at VERSION (env; default: package.json's version), which is also their
# org.opencontainers.image.version label, and then tagged with every TAG given (default: VERSION)
# by `buildah tag`: a second tag of the same content costs nothing. REVISION (env; default: the
# last commit that touched the build context, "-dirty" if it has uncommitted changes) goes into
# the revision label; unrelated commits do not change it, so they do not rebuild the images.
# Env IMAGE_REPO (default ghcr.io/room-recorder) is where the names live.
#
# Prints one image reference per line: worker, operator, signaler, for each TAG.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

REPO=${IMAGE_REPO:-ghcr.io/room-recorder}
VERSION=${VERSION:-$(jq -r .version package.json)}
TAGS=("$@")
[[ ${#TAGS[@]} -gt 0 ]] || TAGS=("$VERSION")
CONTEXT=(package.json package-lock.json bin src patches .dockerignore)
if [[ -z ${REVISION:-} ]]; then
  REVISION=$(git log -1 --format=%H -- "${CONTEXT[@]}" Dockerfile.worker 2>/dev/null || echo unknown)
  [[ -z $(git status --porcelain -- "${CONTEXT[@]}" Dockerfile.worker 2>/dev/null) ]] || REVISION+=-dirty
fi

BASE=docker.io/library/node:24-slim
WORKER="$REPO/room-recorder:$VERSION"
OPERATOR="$REPO/operator:$VERSION"
SIGNALER="$REPO/signaler:$VERSION"
base_id=$(image_id "$BASE")
[[ -n $base_id ]] || die "$BASE is not in buildah's storage: run infra/images/base.sh first"

inputs_hash=$( {
  cat "${BASH_SOURCE[0]}" Dockerfile.worker Dockerfile.operator Dockerfile.signaler
  echo "$REPO $VERSION $REVISION $base_id"
  git ls-files -z --cached --others --exclude-standard -- "${CONTEXT[@]}" | sort -z | xargs -0 sha256sum
} | hash_stdin)

# npm in the deps stage trusts the CAs of the build host's bundle (env BUILD_CA_BUNDLE, default
# /etc/ssl/certs/ca-certificates.crt; empty: off), for hosts that reach the registry through a
# TLS-inspecting proxy. It is a read-only bind mount over the base's empty /usr/local/etc (npm's
# global npmrc) during RUN steps only: nothing of it is in any layer, and the Dockerfiles stay
# as Docker builds them.
build_volumes=()
ca=${BUILD_CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
if [[ -n $ca ]]; then
  [[ -s $ca ]] || die "BUILD_CA_BUNDLE $ca is not a file"
  mkdir -p "$STATE/npm-etc"
  cp "$ca" "$STATE/npm-etc/ca-certificates.crt"
  echo "cafile=/usr/local/etc/ca-certificates.crt" > "$STATE/npm-etc/npmrc"
  build_volumes=(--volume "$STATE/npm-etc:/usr/local/etc:ro")
fi

bud() {
  local file=$1 tag=$2; shift 2
  say "building $tag from $file"
  local start=$SECONDS
  run_logged "$STATE/app-$(basename "$file").log" \
    buildah bud --isolation chroot --layers --force-rm --pull=never --format docker \
      --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" "${build_volumes[@]}" "$@" \
      -f "$file" -t "$tag" .
  say "built $tag ($(image_id "$tag" | cut -c1-12)) in $((SECONDS - start)) s"
}

if stamp_fresh app "$inputs_hash" "$WORKER" && [[ -n $(image_id "$OPERATOR") && -n $(image_id "$SIGNALER") ]]; then
  say "$WORKER, $OPERATOR, $SIGNALER are up to date (revision $REVISION)"
else
  old_ids=("$(image_id "$WORKER")" "$(image_id "$OPERATOR")" "$(image_id "$SIGNALER")")
  bud Dockerfile.worker "$WORKER"
  bud Dockerfile.operator "$OPERATOR" --build-arg BASE_IMAGE="$WORKER"
  bud Dockerfile.signaler "$SIGNALER" --build-arg BASE_IMAGE="$WORKER"
  for id in "${old_ids[@]}"; do drop_replaced "$id"; done
  stamp_write app "$inputs_hash" "$WORKER"
fi

for tag in "${TAGS[@]}"; do
  for image in "$WORKER" "$OPERATOR" "$SIGNALER"; do
    ref="${image%:*}:$tag"
    [[ $ref == "$image" ]] || buildah tag "$image" "$ref"
    echo "$ref"
  done
done
