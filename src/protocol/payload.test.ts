import { test } from "node:test";
import assert from "node:assert/strict";
import { deriveKey, encryptField } from "./crypto.ts";
import { decodePeerPayload } from "./payload.ts";
import { parsePeerMessage, type PeerMessage } from "./peerMessages.ts";

const KEY = deriveKey("someEncryptionKey123", "vdo.ninja");
const OFFER = { type: "offer", sdp: "v=0\r\n" };
const CAND = { candidate: "candidate:1 1 udp 1 10.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 };

function parsed(v: unknown): PeerMessage {
  const r = parsePeerMessage(v, { requireUUID: true });
  assert.ok(r.ok, r.ok ? "" : r.error);
  return r.msg;
}

test("decodePeerPayload - decrypts an encrypted description and marks it encrypted", () => {
  const { data, vector } = encryptField(OFFER, KEY);
  const r = decodePeerPayload(parsed({ UUID: "p", session: "s", description: data, vector }), KEY);
  assert.ok(r.ok && r.msg.kind === "description");
  assert.deepEqual(r.msg.description, OFFER);
  assert.equal(r.msg.encrypted, true);
  assert.equal(r.msg.session, "s");
});

test("decodePeerPayload - accepts plaintext even with a key (spec §3.5 recorder rule)", () => {
  const r = decodePeerPayload(parsed({ UUID: "p", candidates: [CAND] }), KEY);
  assert.ok(r.ok && r.msg.kind === "candidates");
  assert.deepEqual(r.msg.candidates, [CAND]);
  assert.equal(r.msg.encrypted, false);
});

test("decodePeerPayload - folds the legacy encrypted single candidate into candidates", () => {
  const { data, vector } = encryptField(CAND, KEY);
  const r = decodePeerPayload(parsed({ UUID: "p", type: "local", session: null, candidate: data, vector }), KEY);
  assert.ok(r.ok && r.msg.kind === "candidates");
  assert.deepEqual(r.msg.candidates, [CAND]);
  assert.equal(r.msg.direction, "local");
  assert.equal(r.msg.session, null);
  assert.equal("candidate" in r.msg, false);
});

test("decodePeerPayload - encrypted bundle round trip", () => {
  const { data, vector } = encryptField([CAND, CAND], KEY);
  const r = decodePeerPayload(parsed({ UUID: "p", candidates: data, vector }), KEY);
  assert.ok(r.ok && r.msg.kind === "candidates" && r.msg.candidates.length === 2);
});

const FAILURES: ReadonlyArray<[string, () => unknown, string]> = [
  ["no key for an encrypted payload", () => decodePeerPayload(parsed({ UUID: "p", ...wrap(OFFER) }), undefined), "no password"],
  ["wrong key", () => decodePeerPayload(parsed({ UUID: "p", ...wrap(OFFER) }), deriveKey("secret", "vdo.ninja")), "cannot decrypt"],
  ["decrypted description of the wrong shape", () => decodePeerPayload(parsed({ UUID: "p", ...wrap({ type: 1 }) }), KEY), "description.type"],
  ["decrypted candidates not an array", () => decodePeerPayload(parsed({ UUID: "p", ...wrap({ a: 1 }, "candidates") }), KEY), "not an array"],
  ["decrypted oversize SDP", () => decodePeerPayload(parsed({ UUID: "p", ...wrap({ type: "offer", sdp: "s".repeat(100_001) }) }), KEY), "longer than"],
];
for (const [name, run, error] of FAILURES) {
  test(`decodePeerPayload - ${name} is an error result, not a throw`, () => {
    const r = run() as { ok: boolean; error?: string };
    assert.equal(r.ok, false);
    assert.ok(r.error?.includes(error), r.error);
  });
}

test("decodePeerPayload - control messages pass through", () => {
  const r = decodePeerPayload(parsed({ UUID: "p", ping: 3 }), KEY);
  assert.deepEqual(r, { ok: true, msg: { UUID: "p", kind: "ping", value: 3 } });
});

function wrap(value: unknown, field = "description"): Record<string, string> {
  const { data, vector } = encryptField(value, KEY);
  return { [field]: data, vector };
}
