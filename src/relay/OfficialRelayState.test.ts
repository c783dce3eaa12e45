import { test } from "node:test";
import assert from "node:assert/strict";
import { ALERT_STREAM_ID_CHANGE, ALERT_STREAM_ID_IN_USE, OfficialRelayState } from "./OfficialRelayState.ts";
import type { Outgoing } from "./types.ts";

function relay(...ids: string[]): OfficialRelayState {
  const s = new OfficialRelayState();
  for (const id of ids) s.connect(id);
  return s;
}
function say(s: OfficialRelayState, from: string, msg: Record<string, unknown>): Array<{ to: string; msg: unknown }> {
  return s.receive(from, JSON.stringify(msg), msg).map((o: Outgoing) => ({ to: o.to, msg: JSON.parse(o.data) }));
}

test("official - directed message: UUID rewritten to the sender, forged from removed", () => {
  const s = relay("A", "B");
  assert.deepEqual(say(s, "A", { UUID: "B", from: "forged", bye: true }), [{ to: "B", msg: { UUID: "A", bye: true } }]);
  assert.deepEqual(say(s, "A", { UUID: "nobody", bye: true }), []);
  assert.deepEqual(say(s, "A", { bye: true }), [], "no UUID: dropped");
});

test("official - joinroom lists members with stream ids, someonejoined to the others, no leave events", () => {
  const s = relay("P", "R", "Q");
  say(s, "P", { request: "seed", streamID: "cam1" });
  assert.deepEqual(say(s, "P", { request: "joinroom", roomid: "Room" }), [{ to: "P", msg: { request: "listing", list: [] } }]);
  assert.deepEqual(say(s, "R", { request: "joinroom", roomid: "room" }), [
    { to: "R", msg: { request: "listing", list: [{ UUID: "P", streamID: "cam1" }] } },
    { to: "P", msg: { request: "someonejoined", UUID: "R" } },
  ]);
  assert.deepEqual(say(s, "R", { request: "joinroom", roomid: "other" }), [], "second joinroom ignored");
  s.disconnect("P");
  assert.deepEqual(say(s, "Q", { request: "joinroom", roomid: "room" }), [
    { to: "Q", msg: { request: "listing", list: [{ UUID: "R" }] } },
    { to: "R", msg: { request: "someonejoined", UUID: "Q" } },
  ]);
});

test("official - seed in a room sends videoaddedtoroom to the others; play in the same room gets offerSDP", () => {
  const s = relay("P", "R");
  say(s, "R", { request: "joinroom", roomid: "r" });
  say(s, "P", { request: "joinroom", roomid: "r" });
  assert.deepEqual(say(s, "P", { request: "seed", streamID: "cam1" }), [{ to: "R", msg: { request: "videoaddedtoroom", UUID: "P", streamID: "cam1" } }]);
  assert.deepEqual(say(s, "P", { request: "seed", streamID: "cam1" }).filter((o) => o.to === "P"), [], "repeat seed is silent to the seeder");
  assert.deepEqual(say(s, "R", { request: "play", streamID: "cam1" }), [{ to: "P", msg: { request: "offerSDP", UUID: "R" } }]);
  assert.deepEqual(say(s, "P", { request: "play", streamID: "cam1" }), [], "own stream ignored");
});

test("official - seed alerts: rename and in-use; ownership reusable after disconnect", () => {
  const s = relay("A", "B");
  say(s, "A", { request: "seed", streamID: "cam1" });
  assert.deepEqual(say(s, "A", { request: "seed", streamID: "cam2" }), [{ to: "A", msg: { request: "alert", message: ALERT_STREAM_ID_CHANGE } }]);
  assert.deepEqual(say(s, "B", { request: "seed", streamID: "cam1" }), [{ to: "B", msg: { request: "alert", message: ALERT_STREAM_ID_IN_USE } }]);
  s.disconnect("A");
  assert.deepEqual(say(s, "B", { request: "seed", streamID: "cam1" }), []);
  assert.equal(s.streamCount, 1);
});

test("official - play before seed is served on seed (no room); waiters forgotten on disconnect", () => {
  const s = relay("P", "V1", "V2");
  say(s, "V1", { request: "play", streamID: "cam1" });
  say(s, "V2", { request: "play", streamID: "cam1" });
  say(s, "V2", { request: "play", streamID: "cam1" });
  s.disconnect("V2");
  assert.deepEqual(say(s, "P", { request: "seed", streamID: "cam1" }), [{ to: "P", msg: { request: "offerSDP", UUID: "V1" } }]);
});

test("official - a viewer outside the seeder's room is queued, not served", () => {
  const s = relay("P", "V");
  say(s, "P", { request: "joinroom", roomid: "r1" });
  say(s, "P", { request: "seed", streamID: "cam1" });
  assert.deepEqual(say(s, "V", { request: "play", streamID: "cam1" }), []);
  say(s, "V", { request: "joinroom", roomid: "r2" });
  assert.deepEqual(say(s, "V", { request: "play", streamID: "cam1" }), []);
});

test("official - claim: empty room listing, second member sees director, rival claim refused", () => {
  const s = relay("D", "G", "X");
  assert.deepEqual(say(s, "D", { request: "joinroom", roomid: "r", claim: true }), [{ to: "D", msg: { request: "listing", list: [], claim: true } }]);
  assert.deepEqual(say(s, "G", { request: "joinroom", roomid: "r" })[0], { to: "G", msg: { request: "listing", list: [{ UUID: "D" }], director: "D" } });
  assert.deepEqual(say(s, "X", { request: "joinroom", roomid: "r", claim: true })[0],
    { to: "X", msg: { request: "listing", list: [{ UUID: "D" }, { UUID: "G" }], claim: false, director: "D" } });
});

test("official - migrate: only the director, only its members; target gets transferred", () => {
  const s = relay("D", "G", "M");
  say(s, "D", { request: "joinroom", roomid: "r", claim: true });
  say(s, "G", { request: "seed", streamID: "g1" });
  say(s, "G", { request: "joinroom", roomid: "r" });
  say(s, "M", { request: "joinroom", roomid: "side" });
  assert.deepEqual(say(s, "G", { request: "migrate", target: "D", roomid: "side" }), [], "not the director");
  assert.deepEqual(say(s, "D", { request: "migrate", target: "G", roomid: "side" }), [
    { to: "G", msg: { request: "transferred", list: [{ UUID: "M" }] } },
    { to: "M", msg: { request: "someonejoined", UUID: "G", streamID: "g1" } },
  ]);
});

test("official - ping, unknown and malformed requests are ignored", () => {
  const s = relay("A", "B");
  for (const msg of [{ request: "ping" }, { request: "dance" }, { request: 5 }, { request: "seed", streamID: 7 }, { request: "play" },
    { request: "seed", streamID: "s".repeat(500) }, { request: "joinroom", roomid: "  " }]) {
    assert.deepEqual(say(s, "A", msg), [], JSON.stringify(msg));
  }
  assert.deepEqual(say(s, "nobody", { UUID: "A", bye: true }), [], "unknown connection");
});
