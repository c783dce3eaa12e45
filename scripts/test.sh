#!/usr/bin/env bash
# `npm test`: provision what the tests need (cached), typecheck, then run every test.
# Unit tests sit beside the code (src/**/*.test.ts, bench/**/*.test.ts); real-process tests live in test/.
# Test files run one at a time: the end-to-end ones move real media on a 2-vCPU box.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
node_modules/.bin/tsc --noEmit
node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "$@" \
  'src/**/*.test.ts' 'test/**/*.test.ts' 'bench/**/*.test.ts'
