import assert from "node:assert/strict";
import { test } from "node:test";
import { ReorderBuffer, type ReorderOutput } from "./ReorderBuffer.ts";
import type { RtpInput } from "./types.ts";

const pkt = (seq: number, arrivalMs: number, payload = Buffer.from([1])): RtpInput => ({
  sequenceNumber: seq & 0xffff, timestamp: 0, marker: false, payloadType: 96, ssrc: 1, payload, arrivalMs,
});
const seqs = (out: ReorderOutput[]) => out.map((o) => (o.type === "packet" ? o.pkt.sequenceNumber : `lost${o.count}`));

test("ReorderBuffer - reorders within the window and unwraps 16-bit sequence numbers", () => {
  const b = new ReorderBuffer({ windowMs: 300, maxPackets: 100 });
  const out = [65534, 0, 65535, 1].flatMap((s, i) => b.push(pkt(s, i)));
  assert.deepEqual(seqs(out), [65534, 65535, 0, 1]);
});

test("ReorderBuffer - drops duplicates and late packets, keeps padding slots without loss", () => {
  const b = new ReorderBuffer({ windowMs: 300, maxPackets: 100 });
  const out = [
    ...b.push(pkt(10, 0)), ...b.push(pkt(12, 1)), ...b.push(pkt(12, 2)), ...b.push(pkt(11, 3, Buffer.alloc(0))), ...b.push(pkt(9, 4)),
  ];
  assert.deepEqual(seqs(out), [10, 12]);
  assert.deepEqual(b.counters, { duplicates: 1, late: 1, lost: 0, padding: 1 });
});

test("ReorderBuffer - declares a gap lost after the window, not before", () => {
  const b = new ReorderBuffer({ windowMs: 300, maxPackets: 100 });
  b.push(pkt(1, 0));
  assert.deepEqual(seqs(b.push(pkt(4, 10))), []);
  assert.deepEqual(seqs(b.push(pkt(5, 309))), []);
  assert.deepEqual(seqs(b.push(pkt(6, 310))), ["lost2", 4, 5, 6]);
  assert.equal(b.counters.lost, 2);
});
