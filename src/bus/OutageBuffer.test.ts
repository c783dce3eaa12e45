import { test } from "node:test";
import assert from "node:assert/strict";
import { OutageBuffer } from "./OutageBuffer.ts";

const item = (subject: string, n: number) => ({ subject, data: new Uint8Array(n), opts: {} });

test("OutageBuffer - keeps order and drops the oldest beyond its byte bound", () => {
  const b = new OutageBuffer(10);
  assert.equal(b.push(item("a", 4)), 0);
  assert.equal(b.push(item("b", 4)), 0);
  assert.equal(b.push(item("c", 4)), 1);
  assert.equal(b.bytes, 8);
  assert.deepEqual(b.take().map((i) => i.subject), ["b", "c"]);
  assert.equal(b.size, 0);
  assert.equal(b.bytes, 0);
});

test("OutageBuffer - a single item larger than the bound is still kept (the newest always is)", () => {
  const b = new OutageBuffer(10);
  b.push(item("a", 4));
  assert.equal(b.push(item("huge", 50)), 1);
  assert.deepEqual(b.take().map((i) => i.subject), ["huge"]);
});
