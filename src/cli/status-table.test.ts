import { test } from "node:test";
import assert from "node:assert/strict";
import { renderStatusTable } from "./status-table.ts";

test("status table - one row per stream with heartbeat figures; hostile labels are defused", () => {
  const text = renderStatusTable({
    room: "myroom",
    signaling: "connected",
    streams: [
      { key: "cam1", streamId: "cam1", label: "Alice\u001b[2J", state: "recording", restarts: 0, heartbeat: {
        type: "heartbeat", key: "cam1", instance: "i", state: "recording", videoCodec: "VP8", audioCodec: "opus", width: 1280, height: 720,
        bitrateKbps: 2500.4, bytesWritten: 3 * 1024 * 1024, framesWritten: 1, segments: 1, durationSec: 3725, packetsLost: 0, nacks: 0, plis: 0 } },
      { key: "cam2", streamId: "cam2", state: "restarting", restarts: 2 },
    ],
  });
  const lines = text.split("\n");
  assert.equal(lines[0], "room myroom · signaling connected · 2 stream(s)");
  assert.match(text, /cam1\s+Alice\?\[2J\s+VP8\+opus\s+1280x720\s+2500\s+1:02:05\s+3\.0 MiB\s+recording/);
  assert.match(text, /cam2\s+-\s+-\s+-\s+-\s+-\s+restarting \(restarts 2\)/);
  assert.ok(!text.includes("\u001b"));
});

test("status table - empty room and notices", () => {
  const text = renderStatusTable({ room: "r", signaling: "disconnected", streams: [], notice: "room is empty" });
  assert.match(text, /! room is empty/);
  assert.match(text, /\(no streams yet\)/);
});
