#!/usr/bin/env bash
# `npm test`: provision what the tests need (cached), typecheck, then run every test.
# Unit tests sit beside the code (src/**/*.test.ts, bench/**/*.test.ts); real-process tests live in test/;
# the real-node suite (test/cluster/) runs last, on its own node, through scripts/test-cluster.sh,
# which says plainly when and why the machine cannot run it.
# Test files run one at a time: the end-to-end ones move real media on a 2-vCPU box.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
node_modules/.bin/tsc --noEmit
status=0
node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "$@" \
  'src/**/*.test.ts' 'test/*.test.ts' 'bench/**/*.test.ts' || status=$?
bash scripts/test-cluster.sh "$@" || status=$?
exit "$status"
