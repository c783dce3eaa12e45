import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePeerMessage } from "./peerMessages.ts";

const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
const CAND = { candidate: "candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };
const HEX = "ab".repeat(16);
const IV = "00".repeat(16);

// [name, input, expected (subset) or error substring]
const VALID: ReadonlyArray<[string, unknown, Record<string, unknown>]> = [
  ["plain offer with screen", { UUID: "p1", session: "s1", streamID: "cam1808d64", description: OFFER, screen: [1] },
    { kind: "description", UUID: "p1", session: "s1", streamID: "cam1808d64", description: OFFER, screen: [1] }],
  ["encrypted offer", { UUID: "p1", session: "s1", description: HEX, vector: IV },
    { kind: "description", description: { data: HEX, vector: IV } }],
  ["null session (Raspberry.Ninja) kept", { UUID: "p1", session: null, description: OFFER }, { kind: "description", session: null }],
  ["candidates bundle", { UUID: "p1", type: "local", session: "s1", candidates: [CAND, { candidate: "" }] },
    { kind: "candidates", direction: "local", candidates: [CAND, { candidate: "" }] }],
  ["encrypted candidates", { UUID: "p1", type: "local", session: "s1", candidates: HEX, vector: IV },
    { kind: "candidates", candidates: { data: HEX, vector: IV } }],
  ["RN candidate without sdpMid", { UUID: "p1", candidates: [{ candidate: "candidate:x", sdpMLineIndex: 1 }] },
    { kind: "candidates", candidates: [{ candidate: "candidate:x", sdpMLineIndex: 1 }] }],
  ["legacy single candidate", { UUID: "p1", type: "local", candidate: CAND }, { kind: "candidate", candidate: CAND }],
  ["encrypted single candidate", { UUID: "p1", candidate: HEX, vector: IV }, { kind: "candidate", candidate: { data: HEX, vector: IV } }],
  ["bye", { UUID: "p1", bye: true }, { kind: "bye" }],
  ["hangup", { UUID: "p1", hangup: true }, { kind: "hangup" }],
  ["cleanup", { UUID: "p1", cleanup: true }, { kind: "cleanup" }],
  ["iceRestartRequest", { UUID: "p1", iceRestartRequest: true }, { kind: "iceRestartRequest" }],
  ["ping", { UUID: "p1", ping: "1700000000" }, { kind: "ping", value: "1700000000" }],
  ["pong", { UUID: "p1", pong: 5 }, { kind: "pong", value: 5 }],
  ["settings (browser viewer, allowchunked:1)", { UUID: "p1", audio: true, video: 1, allowchunked: 1, allowscreenvideo: true, info: { label: "rec" } },
    { kind: "settings", audio: true, video: true, screenVideo: true, screenAudio: false, label: "rec" }],
  ["info", { UUID: "p1", info: { label: "Alice", muted: false } }, { kind: "info", label: "Alice", info: { label: "Alice", muted: false } }],
  ["miniInfo", { UUID: "p1", miniInfo: { out: { c: 1 } } }, { kind: "info", info: { out: { c: 1 } } }],
  ["keyframe", { UUID: "p1", keyframe: true }, { kind: "keyframe" }],
  ["bitrate", { UUID: "p1", bitrate: 2500, audioBitrate: 64 }, { kind: "bitrate", video: 2500, audio: 64 }],
  ["videoMuted", { UUID: "p1", videoMuted: true, trackId: "t" }, { kind: "videoMuted", muted: true }],
  ["virtualHangup", { UUID: "p1", virtualHangup: true, videoMuted: true }, { kind: "virtualHangup" }],
  ["unknown keys", { UUID: "p1", directorSettings: {} }, { kind: "unknown", keys: ["UUID", "directorSettings"] }],
];
for (const [name, input, expected] of VALID) {
  test(`parsePeerMessage - accepts ${name}`, () => {
    const r = parsePeerMessage(input, { requireUUID: true });
    assert.ok(r.ok, r.ok ? "" : r.error);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual((r.msg as unknown as Record<string, unknown>)[k], v, k);
  });
}

const BIG = "x".repeat(100_001);
const INVALID: ReadonlyArray<[string, unknown, string]> = [
  ["not an object", "hello", "not an object"],
  ["an array", [1, 2], "not an object"],
  ["null", null, "not an object"],
  ["missing UUID on the socket", { description: OFFER }, "UUID is not a string"],
  ["empty UUID", { UUID: "", bye: true }, "UUID is empty"],
  ["numeric UUID", { UUID: 7, bye: true }, "UUID is not a string"],
  ["overlong UUID", { UUID: "u".repeat(129), bye: true }, "UUID is longer"],
  ["control chars in UUID", { UUID: "a\nb", bye: true }, "control characters"],
  ["numeric session", { UUID: "p", session: 5, bye: true }, "session is not a string"],
  ["streamID object", { UUID: "p", streamID: {}, bye: true }, "streamID is not a string"],
  ["server request", { request: "listing", UUID: "p" }, "server request"],
  ["sdp type wrong", { UUID: "p", description: { type: "bogus", sdp: "" } }, "description.type"],
  ["sdp not a string", { UUID: "p", description: { type: "offer", sdp: 5 } }, "description.sdp is not a string"],
  ["oversize SDP", { UUID: "p", description: { type: "offer", sdp: BIG } }, "description.sdp is longer than 100000"],
  ["oversize ciphertext", { UUID: "p", description: "ab".repeat(110_001), vector: IV }, "description is longer"],
  ["encrypted without vector", { UUID: "p", description: HEX }, "vector is not a string"],
  ["plaintext with vector", { UUID: "p", description: OFFER, vector: IV }, "plaintext but vector"],
  ["too many candidates", { UUID: "p", candidates: Array.from({ length: 101 }, () => CAND) }, "more than 100 candidates"],
  ["candidates not an array", { UUID: "p", candidates: 5 }, "candidates is not an array"],
  ["candidate missing text", { UUID: "p", candidates: [{ sdpMid: "0" }] }, "candidate.candidate is not a string"],
  ["candidate overlong", { UUID: "p", candidates: [{ candidate: "c".repeat(2049) }] }, "candidate.candidate is longer"],
  ["negative mline", { UUID: "p", candidates: [{ candidate: "c", sdpMLineIndex: -1 }] }, "sdpMLineIndex"],
  ["ICE type wrong", { UUID: "p", type: "sideways", candidates: [CAND] }, "type is not local/remote"],
  ["screen not indexes", { UUID: "p", description: OFFER, screen: ["a"] }, "screen"],
  ["ping object", { UUID: "p", ping: { a: 1 } }, "ping is not a small scalar"],
  ["ping huge string", { UUID: "p", ping: "p".repeat(300) }, "ping is not a small scalar"],
  ["info not an object", { UUID: "p", info: "x" }, "info is not an object"],
  ["info huge", { UUID: "p", info: { blob: "b".repeat(60_000) } }, "info is larger"],
  ["label not a string", { UUID: "p", info: { label: 5 } }, "info.label is not a string"],
  ["bitrate NaN-ish", { UUID: "p", bitrate: "fast" }, "bitrate is not a finite number"],
  ["videoMuted not boolean", { UUID: "p", videoMuted: "yes" }, "videoMuted is not a boolean"],
];
for (const [name, input, error] of INVALID) {
  test(`parsePeerMessage - rejects ${name}`, () => {
    const r = parsePeerMessage(input, { requireUUID: true });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.includes(error), `error was: ${r.ok ? "" : r.error}`);
  });
}

test("parsePeerMessage - the data channel does not need UUID", () => {
  const r = parsePeerMessage({ description: OFFER, session: "s1", streamID: "camera1" }, { requireUUID: false });
  assert.ok(r.ok && r.msg.kind === "description" && r.msg.UUID === undefined && r.msg.streamID === "camera1");
});
