import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, RECONNECT_BACKOFF, REPLAY_BACKOFF } from "./backoff.ts";

test("backoff - reconnect doubles from 1 s and caps at 30 s", () => {
  const exact = [0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(RECONNECT_BACKOFF, n, 1));
  assert.deepEqual(exact, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test("backoff - jitter draws from half to all of the nominal delay", () => {
  assert.equal(backoffDelay(RECONNECT_BACKOFF, 3, 0), 4000);
  assert.equal(backoffDelay(RECONNECT_BACKOFF, 3, 0.5), 6000);
});

test("backoff - re-play starts at 10 s and caps at 5 min, without jitter", () => {
  assert.deepEqual([0, 1, 4, 5, 9].map((n) => backoffDelay(REPLAY_BACKOFF, n, 0)), [10_000, 20_000, 160_000, 300_000, 300_000]);
});
