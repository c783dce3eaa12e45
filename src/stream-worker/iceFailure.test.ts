import { test } from "node:test";
import assert from "node:assert/strict";
import { candidateEndpoint, candidateType, classifyIceFailure } from "./iceFailure.ts";
import { parseTurnTarget } from "./turnProbe.ts";

const facts = { turnConfigured: true, relayGathered: false, gathered: [] as const, remoteCandidates: 3 };

test("ice failure - no relay candidate: the TURN probe decides between auth and unreachable", () => {
  assert.equal(classifyIceFailure({ ...facts, probe: { outcome: "auth", code: 401, reason: "Unauthorized" } }).cause, "turn-auth");
  assert.equal(classifyIceFailure({ ...facts, probe: { outcome: "unreachable", detail: "no answer" } }).cause, "turn-unreachable");
  assert.equal(classifyIceFailure({ ...facts, probe: { outcome: "error", code: 486, reason: "Allocation Quota Reached" } }).cause, "turn-unreachable");
  assert.match(classifyIceFailure({ ...facts, probe: { outcome: "ok" } }).detail, /unreachable while gathering/);
});

test("ice failure - relay gathered or no TURN: a timeout, with what was gathered", () => {
  const f = classifyIceFailure({ ...facts, relayGathered: true, gathered: ["host", "host", "relay"] });
  assert.equal(f.cause, "timeout");
  assert.match(f.detail, /2 host, 1 relay; 3 remote/);
  assert.equal(classifyIceFailure({ ...facts, turnConfigured: false }).cause, "timeout");
});

test("ice failure - candidate lines: type, address, transport", () => {
  const line = "candidate:1d36 1 udp 16777215 198.51.100.10 49411 typ relay raddr 172.29.77.2 rport 51345 generation 0";
  assert.equal(candidateType(line), "relay");
  assert.deepEqual(candidateEndpoint(line), { address: "198.51.100.10:49411", protocol: "udp" });
  assert.equal(candidateType("1 1 udp 1 203.0.113.72 6450 typ prflx"), "prflx");
  assert.equal(candidateType("garbage"), undefined);
});

test("turn probe - targets from the normalized URLs", () => {
  assert.deepEqual(parseTurnTarget("turn:t.example:3478"), { host: "t.example", port: 3478, transport: "udp" });
  assert.deepEqual(parseTurnTarget("turn:[2001:db8::1]:3479?transport=tcp"), { host: "2001:db8::1", port: 3479, transport: "tcp" });
  assert.deepEqual(parseTurnTarget("turns:t.example"), { host: "t.example", port: 5349, transport: "tls" });
  assert.equal(parseTurnTarget("stun:t.example:3478"), undefined);
});
