import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyExit, DEFAULT_RESTART_POLICY, restartDelay } from "./exitPolicy.ts";

test("exit policy - codes and signals", () => {
  assert.equal(classifyExit({ code: 0, signal: null }), "finished");
  assert.equal(classifyExit({ code: 42, signal: null }), "bad-config");
  assert.equal(classifyExit({ code: 3, signal: null }), "duplicate");
  assert.equal(classifyExit({ code: 4, signal: null }), "ice-failed");
  assert.equal(classifyExit({ code: 1, signal: null }), "crashed");
  assert.equal(classifyExit({ code: null, signal: "SIGKILL" }), "crashed");
  assert.equal(classifyExit({ code: null, signal: null }), "crashed", "spawn failure");
});

test("exit policy - restart backoff 1 s doubling to 30 s", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((n) => restartDelay(DEFAULT_RESTART_POLICY, n)), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});
