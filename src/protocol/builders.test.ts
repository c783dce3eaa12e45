import { test } from "node:test";
import assert from "node:assert/strict";
import {
  byeMessage, iceMessage, joinRoomMessage, keyframeRequestMessage, playMessage, pongMessage, sdpMessage, settingsMessage,
} from "./builders.ts";
import { deriveKey } from "./crypto.ts";
import { decodePeerPayload } from "./payload.ts";
import { parsePeerMessage } from "./peerMessages.ts";

const KEY = deriveKey("someEncryptionKey123", "vdo.ninja");
const ANSWER = { type: "answer", sdp: "v=0\r\n" } as const;
const CAND = { candidate: "candidate:1 1 udp 1 10.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 };

test("joinRoomMessage/playMessage - exact shapes, never streamID or claim in joinroom", () => {
  assert.deepEqual(joinRoomMessage("2f1a0139acdd5bdc"), { request: "joinroom", roomid: "2f1a0139acdd5bdc" });
  assert.deepEqual(playMessage("camera1808d64"), { request: "play", streamID: "camera1808d64" });
});

test("sdpMessage - plaintext answer without a password", () => {
  assert.deepEqual(sdpMessage({ uuid: "P", session: "s1", description: ANSWER, key: undefined }), { UUID: "P", session: "s1", description: ANSWER });
});

test("sdpMessage - encrypted answer decodes back, null session echoed", () => {
  const msg = sdpMessage({ uuid: "P", session: null, description: ANSWER, key: KEY });
  assert.deepEqual(Object.keys(msg).sort(), ["UUID", "description", "session", "vector"]);
  assert.equal(msg.session, null);
  const parsed = parsePeerMessage(msg, { requireUUID: true });
  assert.ok(parsed.ok);
  const decoded = decodePeerPayload(parsed.msg, KEY);
  assert.ok(decoded.ok && decoded.msg.kind === "description");
  assert.deepEqual(decoded.msg.description, ANSWER);
});

test("iceMessage - type remote by default, encrypted bundle decodes back", () => {
  const msg = iceMessage({ uuid: "P", session: "s1", candidates: [CAND], key: KEY });
  assert.equal(msg.type, "remote");
  assert.equal(typeof msg.candidates, "string");
  const parsed = parsePeerMessage(msg, { requireUUID: true });
  assert.ok(parsed.ok);
  const decoded = decodePeerPayload(parsed.msg, KEY);
  assert.ok(decoded.ok && decoded.msg.kind === "candidates" && decoded.msg.direction === "remote");
  assert.deepEqual(decoded.msg.candidates, [CAND]);
  assert.deepEqual(iceMessage({ session: "s", candidates: [CAND], direction: "local", key: undefined }), { type: "local", session: "s", candidates: [CAND] });
});

test("settingsMessage - spec §4.2 flags; parses back as settings", () => {
  const msg = settingsMessage({ label: "recorder", screenVideo: true, screenAudio: false, version: "0.1.0" });
  for (const k of ["allowchunked", "guest", "scene", "director", "allowmeshcast", "allowwhipout"]) assert.equal(msg[k], false, k);
  assert.equal(msg.audio, true);
  assert.equal(msg.video, true);
  assert.equal(msg.allowscreenvideo, true);
  assert.equal(msg.allowscreenaudio, false);
  assert.deepEqual(msg.info, { label: "recorder", version: "0.1.0" });
  const parsed = parsePeerMessage(msg, { requireUUID: false });
  assert.ok(parsed.ok && parsed.msg.kind === "settings" && parsed.msg.label === "recorder" && parsed.msg.screenVideo);
});

test("pong/bye/keyframe - shapes", () => {
  assert.deepEqual(pongMessage("123"), { pong: "123" });
  assert.deepEqual(byeMessage(), { bye: true });
  assert.deepEqual(keyframeRequestMessage(), { keyframe: true });
});
