#!/usr/bin/env node
// Needs Node >= 22.18 (type stripping). `npm ci` brings Node 24 into node_modules/.bin, which
// npm scripts and `npx room-recorder` put first on PATH.
import { main } from "../src/cli/main.ts";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`room-recorder: ${err?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
