import { test } from "node:test";
import assert from "node:assert/strict";
import { PendingIce, PENDING_ICE_PEERS, PENDING_ICE_PER_PEER, PENDING_ICE_TTL_MS } from "./PendingIce.ts";

const c = (n: number) => ({ candidate: `candidate:${n}`, sdpMid: "0", sdpMLineIndex: 0 });

test("pending ice - candidates are handed out once, for the matching session only", () => {
  const q = new PendingIce();
  q.push("P", "s1", [c(1), c(2)], 0);
  q.push("P", "s0", [c(3)], 0);
  assert.deepEqual(q.take("P", "s1", 10).map((x) => x.candidate), ["candidate:1", "candidate:2"]);
  assert.deepEqual(q.take("P", "s1", 10), []);
});

test("pending ice - stale candidates expire", () => {
  const q = new PendingIce();
  q.push("P", "s1", [c(1)], 0);
  assert.deepEqual(q.take("P", "s1", PENDING_ICE_TTL_MS + 1), []);
});

test("pending ice - one peer cannot queue more than the bound", () => {
  const q = new PendingIce();
  const many = Array.from({ length: PENDING_ICE_PER_PEER + 20 }, (_, i) => c(i));
  assert.equal(q.push("P", "s1", many, 0), 20);
  assert.equal(q.size, PENDING_ICE_PER_PEER);
  assert.equal(q.take("P", "s1", 0)[0]?.candidate, "candidate:20");
});

test("pending ice - many peers cannot grow the queue without bound", () => {
  const q = new PendingIce();
  for (let i = 0; i < PENDING_ICE_PEERS * 3; i++) q.push(`peer${i}`, "s", [c(i)], 0);
  assert.equal(q.size, PENDING_ICE_PEERS);
});
