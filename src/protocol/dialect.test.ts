import { test } from "node:test";
import assert from "node:assert/strict";
import { FANOUT_ID_ALPHABET, fromWire, newFanoutId, toWire } from "./dialect.ts";

const CTX = { selfId: "MEMEMEMEMEMEMEMEMEME", roomId: "2f1a0139acdd5bdc" };

test("newFanoutId - 20 chars from the browser alphabet, different each time", () => {
  const ids = new Set(Array.from({ length: 50 }, newFanoutId));
  assert.equal(ids.size, 50);
  for (const id of ids) {
    assert.equal(id.length, 20);
    for (const ch of id) assert.ok(FANOUT_ID_ALPHABET.includes(ch), ch);
  }
});

test("toWire - official passes through; fan-out adds from, and roomid once joined", () => {
  const msg = { request: "play", streamID: "s" };
  assert.equal(toWire("official", msg, CTX), msg);
  assert.deepEqual(toWire("fanout", msg, CTX), { request: "play", streamID: "s", from: CTX.selfId, roomid: CTX.roomId });
  assert.deepEqual(toWire("fanout", { request: "joinroom", roomid: "r" }, { selfId: "me" }), { request: "joinroom", roomid: "r", from: "me" });
});

const FILTERS: ReadonlyArray<[string, Record<string, unknown>, Record<string, unknown> | undefined]> = [
  ["own echo dropped", { from: CTX.selfId, request: "play" }, undefined],
  ["other target dropped", { from: "P", UUID: "someone-else", description: "x" }, undefined],
  ["other room dropped", { from: "P", roomid: "ffff", request: "seed", streamID: "s" }, undefined],
  ["for us: from becomes UUID, roomid and target removed", { from: "P", UUID: CTX.selfId, roomid: CTX.roomId, bye: true }, { bye: true, UUID: "P" }],
  ["broadcast joinroom kept as a request", { from: "P", request: "joinroom", roomid: CTX.roomId, streamID: "s" }, { request: "joinroom", streamID: "s", UUID: "P" }],
  ["server error text becomes an error request", { error: "uuid already in use" }, { request: "error", message: "uuid already in use" }],
];
for (const [name, msg, expected] of FILTERS) {
  test(`fromWire fan-out - ${name}`, () => {
    assert.deepEqual(fromWire("fanout", msg, CTX), expected);
  });
}

test("fromWire - official passes everything through", () => {
  const msg = { UUID: "P", from: "x", bye: true };
  assert.equal(fromWire("official", msg, CTX), msg);
});
