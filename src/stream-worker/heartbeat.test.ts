import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHeartbeat } from "../bus/messages.ts";
import type { RecorderStats } from "../media/types.ts";
import { addTotals, buildHeartbeat, reportedState, STALL_AFTER_MS, ZERO_TOTALS } from "./heartbeat.ts";

const stats: RecorderStats = {
  bytesWritten: 10_000, framesWritten: 120, framesDropped: 0, packetsLost: 3, keyframes: 2, segments: 2,
  currentFile: "/rec/room/cam/x.webm", durationSec: 4, width: 640, height: 360, videoCodec: "vp8", audioCodec: "opus", lastMediaAt: 1000,
};

test("heartbeat - built from recorder stats, it parses as a bus Heartbeat", () => {
  const hb = buildHeartbeat({
    key: "cam", instance: "i1", phase: "recording", uuid: "P", stats, totals: addTotals(ZERO_TOTALS, stats),
    bytesDelta: 125_000, intervalMs: 1000, nacks: 1, plis: 2, now: 1500,
  });
  assert.deepEqual(parseHeartbeat(JSON.parse(JSON.stringify(hb))), hb);
  assert.equal(hb.bitrateKbps, 1000);
  assert.equal(hb.segments, 2);
  assert.equal(hb.videoCodec, "vp8");
  assert.equal(hb.state, "recording");
});

test("heartbeat - media older than the stall threshold reports stalled; disk errors win", () => {
  assert.equal(reportedState("recording", stats, 1000 + STALL_AFTER_MS + 1), "stalled");
  assert.equal(reportedState("recording", { ...stats, diskError: "ENOSPC" }, 1000), "disk-error");
  assert.equal(reportedState("waiting", undefined, 0), "waiting");
});

test("heartbeat - totals add finished recorders to the current one", () => {
  const t = addTotals(addTotals(ZERO_TOTALS, stats), { ...stats, segments: 1 });
  assert.equal(t.bytesWritten, 20_000);
  assert.equal(t.rotations, 1);
  assert.equal(t.segments, 3);
});
