import { test } from "node:test";
import assert from "node:assert/strict";
import { accessUnits, splitAnnexB, toAnnexB } from "./annexb.ts";

const nal = (type: number, ...rest: number[]) => Buffer.from([type, ...rest]);

test("annexb - splits 3- and 4-byte start codes and groups access units by AUD", () => {
  const stream = Buffer.concat([
    Buffer.from([0, 0, 0, 1]), nal(9, 0xf0),
    Buffer.from([0, 0, 0, 1]), nal(0x67, 1, 2),
    Buffer.from([0, 0, 1]), nal(0x68, 3),
    Buffer.from([0, 0, 1]), nal(0x06, 4),
    Buffer.from([0, 0, 1]), nal(0x65, 5, 6),
    Buffer.from([0, 0, 0, 1]), nal(9, 0xf0),
    Buffer.from([0, 0, 1]), nal(0x41, 7),
  ]);
  assert.equal(splitAnnexB(stream).length, 7);
  const aus = accessUnits(stream);
  assert.equal(aus.length, 2);
  assert.equal(aus[0]!.keyframe, true);
  assert.deepEqual(aus[0]!.nalUnits.map((n) => n[0]), [0x67, 0x68, 0x65]);
  assert.equal(aus[1]!.keyframe, false);
  assert.deepEqual(toAnnexB(aus[1]!.nalUnits), Buffer.from([0, 0, 0, 1, 0x41, 7]));
});
