import { test } from "node:test";
import assert from "node:assert/strict";
import { ERROR_MISSING_FROM, ERROR_SID_CHANGE, ERROR_SID_IN_USE, ERROR_UUID_IN_USE, FanoutRelayState } from "./FanoutRelayState.ts";

function relay(...conns: string[]): FanoutRelayState {
  const s = new FanoutRelayState();
  for (const c of conns) s.connect(c);
  return s;
}
/** Returns the connections that got the frame (verbatim) or the error sent back. */
function say(s: FanoutRelayState, conn: string, msg: Record<string, unknown>): string[] {
  const text = JSON.stringify(msg);
  return s.receive(conn, text, msg).map((o) => (o.data === text ? o.to : `${o.to}:${(JSON.parse(o.data) as { error: string }).error}`));
}

test("fanout - needs from; the first from binds the socket; a taken uuid is refused", () => {
  const s = relay("c1", "c2", "c3");
  assert.deepEqual(say(s, "c1", { request: "ping" }), [`c1:${ERROR_MISSING_FROM}`]);
  assert.deepEqual(say(s, "c1", { from: "A", hello: 1 }), ["c2", "c3"]);
  assert.deepEqual(say(s, "c2", { from: "A", hello: 1 }), [`c2:${ERROR_UUID_IN_USE}`]);
});

test("fanout - UUID targets one socket; frames are forwarded verbatim", () => {
  const s = relay("c1", "c2", "c3");
  say(s, "c2", { from: "B" });
  say(s, "c3", { from: "C" });
  assert.deepEqual(say(s, "c1", { from: "A", UUID: "B", description: "x" }), ["c2"]);
});

test("fanout - rooms: only the sender socket's room; roomless senders reach only roomless sockets", () => {
  const s = relay("c1", "c2", "c3", "c4");
  say(s, "c4", { from: "D" });
  assert.deepEqual(say(s, "c1", { from: "A", request: "joinroom", roomid: "r1" }), [], "the room binds before the filter: nobody else is in r1 yet");
  say(s, "c2", { from: "B", request: "joinroom", roomid: "r1" });
  say(s, "c3", { from: "C", request: "joinroom", roomid: "r2" });
  assert.deepEqual(say(s, "c1", { from: "A", roomid: "r2", bye: true }), ["c2"], "the message's roomid does not matter");
  assert.deepEqual(say(s, "c4", { from: "D", hi: 1 }), []);
});

test("fanout - sid: seed/joinroom bind it, no change, no theft; play reaches only the owner", () => {
  const s = relay("c1", "c2", "c3");
  say(s, "c1", { from: "A", request: "seed", streamID: "cam1" });
  assert.deepEqual(say(s, "c1", { from: "A", request: "seed", streamID: "cam2" }), [`c1:${ERROR_SID_CHANGE}`]);
  assert.deepEqual(say(s, "c2", { from: "B", request: "joinroom", roomid: "x", streamID: "cam1" }), [`c2:${ERROR_SID_IN_USE}`]);
  say(s, "c3", { from: "C" });
  assert.deepEqual(say(s, "c3", { from: "C", request: "play", streamID: "cam1" }), ["c1"]);
  s.disconnect("c1");
  assert.deepEqual(say(s, "c3", { from: "C", request: "play", streamID: "cam1" }), []);
});
