#!/usr/bin/env bash
# Every image the real node needs, built and exported, then a table of them:
#
#   infra/images/all.sh [TAG...]      TAGs go to app.sh (default: package.json's version)
#
# base.sh → pause.sh → nats.sh → coredns.sh (skipped, with a note, until scripts/build-k8s.sh has
# built .cache/bin/coredns; REQUIRE_COREDNS=1 makes that an error) → app.sh → export.sh of every
# image. Each step is idempotent, so a warm run takes seconds. stderr: each step's time and the
# table (image, ID, uncompressed size as `podman image inspect` reports it, tar). stdout: one
# "<image> <tar>" line per image, for a consumer to import.
set -euo pipefail
HERE=$(dirname "${BASH_SOURCE[0]}")
source "$HERE/lib.sh"

images=()
step() {
  local name=$1 start=$SECONDS out; shift
  out=$(bash "$HERE/$name.sh" "$@")
  mapfile -t -O "${#images[@]}" images <<<"$out"
  say "$name.sh: $((SECONDS - start)) s"
}

# The base is only built on (not run, not exported); it still goes in the table.
start=$SECONDS
base=$(bash "$HERE/base.sh")
say "base.sh: $((SECONDS - start)) s"
step pause
step nats
if [[ -x $ROOT/.cache/bin/coredns ]]; then
  step coredns
elif [[ ${REQUIRE_COREDNS:-0} == 1 ]]; then
  die ".cache/bin/coredns missing: run scripts/build-k8s.sh"
else
  say "coredns.sh: skipped, .cache/bin/coredns not built yet (scripts/build-k8s.sh builds it)"
fi
step app "$@"

start=$SECONDS
mapfile -t tars < <(bash "$HERE/export.sh" "${images[@]}")
say "export.sh: $((SECONDS - start)) s"

mb() { echo "scale=1; $1 / 1000000" | bc; }
{
  printf '%-48s  %-12s  %9s  %9s\n' IMAGE ID SIZE TAR
  for i in -1 "${!images[@]}"; do
    if [[ $i == -1 ]]; then image=$base tar=; else image=${images[$i]} tar=${tars[$i]}; fi
    read -r id size < <(podman image inspect --format '{{.Id}} {{.Size}}' "$image")
    printf '%-48s  %-12s  %6s MB  %9s\n' "$image" "${id:0:12}" "$(mb "$size")" \
      "$([[ -n $tar ]] && echo "$(mb "$(stat -c %s "$tar")") MB" || echo -)"
  done
} >&2
for i in "${!images[@]}"; do echo "${images[$i]} ${tars[$i]}"; done
