# Sourced by the scripts beside it: paths, image IDs and content stamps.
#
# A stamp is .cache/images/<name>.stamp holding "<hash of the inputs> <image ID>". A script skips
# its build when the hash of its inputs is the one recorded and the image under its tag still has
# the recorded ID (so an image removed or retagged by hand is rebuilt).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE="$ROOT/.cache/images"
mkdir -p "$STATE"

say() { echo "$(basename "$0" .sh): $*" >&2; }
die() { say "error: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (buildah's storage in /var/lib/containers, mmdebstrap's root mode)"

# One build at a time (stamps, tags and tars are shared): the first script takes the lock, the
# scripts it runs inherit it.
if [[ -z ${RR_IMAGES_LOCKED:-} ]]; then
  exec 9>"$STATE/.lock"
  flock 9 || die "cannot lock $STATE/.lock"
  export RR_IMAGES_LOCKED=1
fi

# The full ID of a local image, or nothing.
image_id() { buildah inspect --type image --format '{{.FromImageID}}' "$1" 2>/dev/null || true; }

# sha256 of everything on stdin, as hex.
hash_stdin() { sha256sum | cut -d' ' -f1; }

# stamp_fresh NAME HASH IMAGE: the build recorded for NAME had inputs HASH and IMAGE still has
# the ID it was given then.
stamp_fresh() {
  local file="$STATE/$1.stamp" id
  [[ -f $file ]] || return 1
  id=$(image_id "$3")
  [[ -n $id && "$(cat "$file")" == "$2 $id" ]]
}

stamp_write() { echo "$2 $(image_id "$3")" > "$STATE/$1.stamp"; }

# The Debian version of a package as apt would install it (candidate).
debian_version() { apt-cache policy "$1" | awk '/Candidate:/ { print $2 }'; }

# fetch_deb PKG: the .deb of apt's candidate for PKG, downloaded once into .cache/images/debs/<pkg>/<version>/
# (never installed on the host), printed as a path.
fetch_deb() {
  local pkg=$1 ver deb
  ver=$(debian_version "$pkg")
  if [[ -z $ver || $ver == "(none)" ]]; then
    apt-get update -qq >&2
    ver=$(debian_version "$pkg")
  fi
  [[ -n $ver && $ver != "(none)" ]] || die "apt knows no package $pkg"
  local dir="$STATE/debs/$pkg/$ver"
  deb=$(ls "$dir"/*.deb 2>/dev/null | head -n1 || true)
  if [[ -z $deb ]]; then
    mkdir -p "$dir"
    (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2)
    deb=$(ls "$dir"/*.deb | head -n1)
  fi
  echo "$deb"
}

# True when FILE is a statically linked ELF executable.
is_static() { file -L "$1" | grep -Eq 'statically linked|static-pie linked'; }

# drop_replaced OLD_ID: after a rebuild moved a tag, remove the image it used to name if nothing
# names it any more (cached build layers of other images keep their own references).
drop_replaced() {
  [[ -n $1 ]] || return 0
  local tagged
  tagged=$(buildah images --noheading --no-trunc --format '{{.ID}} {{.Name}}' | awk -v id="$1" '$1 ~ id && $2 != "<none>"')
  [[ -n $tagged ]] || buildah rmi "$1" >/dev/null 2>&1 || true
}

# commit_image CTR NAME TAG OLD_ID INPUTS_HASH: the end of every hand-assembled image: commit the
# working container as TAG (docker format, what containerd imports), clear the caller's EXIT trap
# that would remove it, drop the image TAG named before, stamp NAME, and print TAG.
commit_image() {
  local ctr=$1 name=$2 tag=$3 old_id=$4 inputs_hash=$5
  buildah commit --quiet --format docker --rm "$ctr" "$tag" >/dev/null
  trap - EXIT
  drop_replaced "$old_id"
  stamp_write "$name" "$inputs_hash" "$tag"
  say "built $tag ($(image_id "$tag" | cut -c1-12))"
  echo "$tag"
}

# run_logged LOG CMD...: run CMD with its output in LOG; on failure show the log's tail.
run_logged() {
  local log=$1; shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "failed: $1 (full log: $log)"
  fi
}

# add_libc_deps BIN ROOT: what a dynamically linked BIN needs to start in a FROM-scratch tree
# ROOT: its program interpreter and every NEEDED library, at the path the host's loader resolves
# it to, copied from Debian's libc6 package (symlinks inside the package followed). Nothing for
# a static BIN; an error if BIN needs a library libc6 does not ship.
add_libc_deps() {
  local bin=$1 root=$2 libc interp soname path lib p t
  if is_static "$bin"; then
    say "$(basename "$bin") is static: no libraries added"
    return 0
  fi
  libc=$(mktemp -d)
  dpkg-deb -x "$(fetch_deb libc6)" "$libc"
  interp=$(readelf -l "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  local libs=("$interp")
  while read -r soname; do
    path=$(ldd "$bin" | awk -v so="$soname" '$1 == so { print $3 }')
    [[ -n $path ]] || die "ldd does not resolve $soname of $bin"
    libs+=("$path")
  done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  for lib in "${libs[@]}"; do
    p=$lib
    for _ in 1 2 3 4 5 6 7 8; do
      [[ -L $libc$p ]] || break
      t=$(readlink "$libc$p")
      [[ $t == /* ]] && p=$t || p=$(dirname "$p")/$t
    done
    [[ -f $libc$p ]] || die "$lib (needed by $bin) is not in Debian's libc6"
    install -D -m 0755 "$libc$p" "$root$lib"
  done
  rm -rf "$libc"
  say "$(basename "$bin") is dynamically linked: added ${libs[*]} from Debian's libc6"
}
