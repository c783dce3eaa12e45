import { test } from "node:test";
import assert from "node:assert/strict";
import { ChunkAssembler, formatChunkTag, parseChunkTag, splitPayload } from "./chunks.ts";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

test("splitPayload - cuts into pieces of at most the limit, covering every byte", () => {
  const b = bytes(1000);
  const pieces = splitPayload(b, 300);
  assert.deepEqual(pieces.map((p) => p.length), [300, 300, 300, 100]);
  assert.deepEqual(Buffer.concat(pieces), Buffer.from(b));
  assert.equal(splitPayload(bytes(300), 300).length, 1);
  assert.throws(() => splitPayload(b, 0), TypeError);
});

test("chunk tags - round trip, and hostile tags are refused", () => {
  const tag = { id: "abc_DEF-1", index: 2, count: 3 };
  assert.deepEqual(parseChunkTag(formatChunkTag(tag)), tag);
  for (const bad of ["", "a;1", "a;3;3", "a;-1;3", "a;0;0", "a;0;99999", "a.b;0;1", "a;0;1;x", "a;0.5;2", "a b;0;1", `${"x".repeat(65)};0;1`]) {
    assert.equal(parseChunkTag(bad), undefined, bad);
  }
});

test("ChunkAssembler - reassembles out-of-order pieces and ignores duplicates", () => {
  const b = bytes(1000);
  const pieces = splitPayload(b, 256);
  const a = new ChunkAssembler();
  const order = [3, 0, 0, 2, 1];
  const results = order.map((i) => a.add({ id: "m1", index: i, count: pieces.length }, pieces[i]!, 0));
  assert.deepEqual(results.slice(0, 4).map((r) => r.kind), ["pending", "pending", "pending", "pending"]);
  const last = results[4]!;
  assert.equal(last.kind, "complete");
  assert.deepEqual(last.kind === "complete" && Buffer.from(last.bytes), Buffer.from(b));
  assert.equal(a.pendingBytes, 0);
});

test("ChunkAssembler - keeps concurrent messages apart", () => {
  const a = new ChunkAssembler();
  a.add({ id: "x", index: 0, count: 2 }, Uint8Array.of(1), 0);
  a.add({ id: "y", index: 0, count: 2 }, Uint8Array.of(9), 0);
  const x = a.add({ id: "x", index: 1, count: 2 }, Uint8Array.of(2), 0);
  assert.deepEqual(x.kind === "complete" && [...x.bytes], [1, 2]);
  assert.equal(a.pendingBytes, 1);
});

test("ChunkAssembler - refuses oversize messages and forgets incomplete ones after expireMs", () => {
  const a = new ChunkAssembler({ maxMessageBytes: 10, maxPendingBytes: 15, expireMs: 1000 });
  assert.equal(a.add({ id: "big", index: 0, count: 3 }, bytes(6), 0).kind, "pending");
  assert.equal(a.add({ id: "big", index: 1, count: 3 }, bytes(6), 0).kind, "rejected");
  assert.equal(a.pendingBytes, 0);
  a.add({ id: "p", index: 0, count: 2 }, bytes(8), 0);
  assert.equal(a.add({ id: "q", index: 0, count: 2 }, bytes(8), 0).kind, "rejected", "pending total capped");
  assert.equal(a.add({ id: "c", index: 0, count: 3 }, bytes(1), 0).kind, "pending");
  assert.equal(a.add({ id: "c", index: 1, count: 4 }, bytes(1), 0).kind, "rejected", "count may not change");
  a.add({ id: "late", index: 0, count: 2 }, bytes(2), 5000);
  assert.equal(a.pendingBytes, 2, "the partial from t=0 expired");
});
