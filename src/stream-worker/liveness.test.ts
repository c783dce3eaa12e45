import { test } from "node:test";
import assert from "node:assert/strict";
import { Liveness, livenessVerdict, type LivenessLimits } from "./liveness.ts";

const limits: LivenessLimits = { disconnectedMs: 5000, inactivityMs: 10_000, pingIntervalMs: 3000, maxUnansweredPings: 10 };
const alive = { connectionState: "connected", lastActivityAt: 0, unansweredPings: 0 };

test("liveness - a connected peer with fresh media is alive", () => {
  assert.equal(livenessVerdict(alive, limits, 1000), undefined);
});

test("liveness - failed or closed ends at once", () => {
  assert.equal(livenessVerdict({ ...alive, connectionState: "failed" }, limits, 0), "connection failed");
  assert.equal(livenessVerdict({ ...alive, connectionState: "closed" }, limits, 0), "connection closed");
});

test("liveness - disconnected is tolerated for 5 s, not longer", () => {
  const s = { ...alive, connectionState: "disconnected", disconnectedSince: 1000 };
  assert.equal(livenessVerdict(s, limits, 6000), undefined);
  assert.equal(livenessVerdict(s, limits, 6001), "disconnected too long");
});

test("liveness - no media for the inactivity timeout ends", () => {
  assert.equal(livenessVerdict(alive, limits, 10_000), undefined);
  assert.equal(livenessVerdict(alive, limits, 10_001), "no media");
});

test("liveness - ten unanswered pings end", () => {
  assert.equal(livenessVerdict({ ...alive, unansweredPings: 9 }, limits, 0), undefined);
  assert.equal(livenessVerdict({ ...alive, unansweredPings: 10 }, limits, 0), "pings unanswered");
});

test("liveness - unanswered pings are counted and a pong resets them", async () => {
  const sent: string[] = [];
  let lost: string | undefined;
  const l = new Liveness({ ...limits, pingIntervalMs: 1, maxUnansweredPings: 3 }, (v) => (sent.push(v), true), (why) => (lost = why), 5);
  l.connectionState("connected");
  while (sent.length < 2) await new Promise((r) => setTimeout(r, 5));
  l.pong(sent.at(-1));
  const answeredAt = sent.length;
  while (lost === undefined) await new Promise((r) => setTimeout(r, 5));
  assert.equal(lost, "pings unanswered");
  assert.ok(sent.length >= answeredAt + 3, "three more pings went unanswered after the pong");
  l.close();
});
