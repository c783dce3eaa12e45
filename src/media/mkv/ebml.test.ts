import assert from "node:assert/strict";
import { test } from "node:test";
import { sizeVint, uintElement, voidElement } from "./ebml.ts";

test("ebml - size vints use the shortest form and avoid the reserved all-ones value", () => {
  assert.deepEqual([...sizeVint(0)], [0x80]);
  assert.deepEqual([...sizeVint(126)], [0xfe]);
  assert.deepEqual([...sizeVint(127)], [0x40, 0x7f]);
  assert.deepEqual([...sizeVint(5, 8)], [0x01, 0, 0, 0, 0, 0, 0, 5]);
});

test("ebml - uint elements and exact-size Void", () => {
  assert.deepEqual([...uintElement(0xd7, 1)], [0xd7, 0x81, 0x01]);
  assert.deepEqual([...uintElement(0x2ad7b1, 1_000_000)], [0x2a, 0xd7, 0xb1, 0x83, 0x0f, 0x42, 0x40]);
  for (const n of [2, 9, 60, 128, 200]) assert.equal(voidElement(n).length, n);
});
