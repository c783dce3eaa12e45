import { test } from "node:test";
import assert from "node:assert/strict";
import { parseClientRequest } from "./clientRequests.ts";

const CASES: ReadonlyArray<[unknown, unknown]> = [
  [{ request: "joinroom", roomid: " ABC " }, { kind: "joinroom", roomid: "ABC", claim: false }],
  [{ request: "joinroom", roomid: "r", claim: true, streamID: "s" }, { kind: "joinroom", roomid: "r", claim: true, streamID: "s" }],
  [{ request: "joinroom", roomid: 5 }, { kind: "joinroom", roomid: "", claim: false }],
  [{ request: "seed", streamID: " cam " }, { kind: "seed", streamID: "cam" }],
  [{ request: "play", streamID: "cam", UUID: "ignored", bitrate: 1 }, { kind: "play", streamID: "cam" }],
  [{ request: "play" }, { kind: "play", streamID: "" }],
  [{ request: "migrate", target: "t", roomid: "r" }, { kind: "migrate", target: "t", roomid: "r" }],
  [{ request: "ping" }, { kind: "ping" }],
  [{ request: "dance" }, { kind: "unknown", request: "dance" }],
];
for (const [input, expected] of CASES) {
  test(`parseClientRequest - ${JSON.stringify(input)}`, () => {
    assert.deepEqual(parseClientRequest(input), { ok: true, msg: expected });
  });
}

test("parseClientRequest - rejects non-objects, missing request and overlong ids", () => {
  for (const bad of [null, [], "x", { UUID: "p" }, { request: 1 }, { request: "seed", streamID: "s".repeat(129) }]) {
    assert.equal(parseClientRequest(bad).ok, false, JSON.stringify(bad));
  }
});
