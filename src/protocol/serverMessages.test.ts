import { test } from "node:test";
import assert from "node:assert/strict";
import { parseServerMessage, parseSocketMessage } from "./serverMessages.ts";

const VALID: ReadonlyArray<[unknown, unknown]> = [
  [{ request: "listing", list: [{ UUID: "a" }, { UUID: "b", streamID: "cam1808d64" }], director: "c" },
    { kind: "listing", list: [{ UUID: "a" }, { UUID: "b", streamID: "cam1808d64" }], director: "c" }],
  [{ request: "listing", list: [], claim: true }, { kind: "listing", list: [], claim: true }],
  [{ request: "transferred", list: [{ UUID: "a" }], director: "d" }, { kind: "transferred", list: [{ UUID: "a" }], director: "d" }],
  [{ request: "someonejoined", UUID: "d" }, { kind: "someonejoined", UUID: "d", director: false }],
  [{ request: "someonejoined", UUID: "d", streamID: "s", director: true }, { kind: "someonejoined", UUID: "d", director: true, streamID: "s" }],
  [{ request: "videoaddedtoroom", UUID: "d", streamID: "cam2808d64" }, { kind: "videoaddedtoroom", UUID: "d", streamID: "cam2808d64" }],
  [{ request: "offerSDP", UUID: "v" }, { kind: "offerSDP", UUID: "v" }],
  [{ request: "alert", message: "Stream ID is already in use." }, { kind: "alert", message: "Stream ID is already in use." }],
  [{ request: "warn", message: "w" }, { kind: "warn", message: "w" }],
  [{ request: "error", message: "e", code: "STREAMID_IN_USE" }, { kind: "error", message: "e", code: "STREAMID_IN_USE" }],
  [{ request: "alert" }, { kind: "alert", message: "" }],
  [{ request: "roomclaimed", director: "d" }, { kind: "roomclaimed", director: "d" }],
  [{ request: "cleanup", UUID: "p" }, { kind: "cleanup", UUID: "p" }],
  [{ request: "joinroom", UUID: "f", streamID: "s" }, { kind: "joinroom", UUID: "f", streamID: "s" }],
  [{ request: "seed", UUID: "f", streamID: "s" }, { kind: "seed", UUID: "f", streamID: "s" }],
  [{ request: "somethingNew", x: 1 }, { kind: "unknown", request: "somethingNew" }],
];
for (const [input, expected] of VALID) {
  test(`parseServerMessage - ${(input as { request: string }).request} ${JSON.stringify(input).length}`, () => {
    assert.deepEqual(parseServerMessage(input), { ok: true, msg: expected });
  });
}

const INVALID: ReadonlyArray<[string, unknown, string]> = [
  ["request not a string", { request: 5 }, "request is not a string"],
  ["listing without list", { request: "listing" }, "list is not an array"],
  ["listing member without UUID", { request: "listing", list: [{ streamID: "x" }] }, "list[0].UUID"],
  ["listing member not an object", { request: "listing", list: ["a"] }, "list[0] is not an object"],
  ["listing too long", { request: "listing", list: Array.from({ length: 1001 }, (_, i) => ({ UUID: `u${i}` })) }, "more than 1000"],
  ["listing claim not boolean", { request: "listing", list: [], claim: "yes" }, "claim is not a boolean"],
  ["videoaddedtoroom without streamID", { request: "videoaddedtoroom", UUID: "d" }, "streamID is not a string"],
  ["videoaddedtoroom hostile streamID", { request: "videoaddedtoroom", UUID: "d", streamID: "a\u0000b" }, "control characters"],
  ["offerSDP without UUID", { request: "offerSDP" }, "UUID is not a string"],
  ["alert message not a string", { request: "alert", message: { a: 1 } }, "message is not a string"],
  ["alert message huge", { request: "alert", message: "m".repeat(2001) }, "message is longer"],
];
for (const [name, input, error] of INVALID) {
  test(`parseServerMessage - rejects ${name}`, () => {
    const r = parseServerMessage(input);
    assert.ok(!r.ok && r.error.includes(error), r.ok ? "accepted" : r.error);
  });
}

test("parseSocketMessage - frames with request are server events, others peer messages", () => {
  assert.deepEqual(parseSocketMessage({ request: "offerSDP", UUID: "v" }), { ok: true, msg: { from: "server", msg: { kind: "offerSDP", UUID: "v" } } });
  const peer = parseSocketMessage({ UUID: "p", bye: true });
  assert.ok(peer.ok && peer.msg.from === "peer" && peer.msg.msg.kind === "bye");
  const noTarget = parseSocketMessage({ bye: true });
  assert.ok(!noTarget.ok && noTarget.error.includes("UUID"));
  assert.equal(parseSocketMessage(null).ok, false);
});
