import { test } from "node:test";
import assert from "node:assert/strict";
import { buildStatusReport, LEFT, STATUS_SCHEMA } from "./statusReport.ts";
import { renderStatusReport } from "../cli/statusText.ts";
import type { Heartbeat } from "../bus/messages.ts";

const hb: Heartbeat = {
  type: "heartbeat", key: "cam1", instance: "i", state: "recording", label: "Cam", videoCodec: "vp8", audioCodec: "opus", width: 1280, height: 720,
  bitrateKbps: 2400, bytesWritten: 900, framesWritten: 10, segments: 2, file: "/r/room/cam1/T-0002.webm", durationSec: 3.5, packetsLost: 4, nacks: 0, plis: 0,
};
const fin = { name: "T-0001.webm", bytes: 500, durationSec: 2, start: "2026-01-01T00:00:00.000Z" };

test("status report - live streams from heartbeats, finished files from disk, left streams kept, totals", () => {
  const r = buildStatusReport({
    room: "room", signaling: "connected", now: 0,
    streams: [{ key: "cam1", streamId: "cam1", label: "Cam", state: "recording", restarts: 1, since: 1000, heartbeat: hb }],
    directories: [{ key: "cam1", streamId: "cam1", finished: [fin] }, { key: "gone", streamId: "gone", label: "G", finished: [{ ...fin, bytes: 70 }] }, { key: "empty", finished: [] }],
    fileSize: (p) => (p === hb.file ? 300 : undefined),
  });
  assert.equal(r.schema, STATUS_SCHEMA);
  const [cam, gone] = r.streams;
  assert.deepEqual(cam, {
    key: "cam1", streamId: "cam1", label: "Cam", state: "recording", restarts: 1, codecs: { video: "vp8", audio: "opus" }, resolution: { width: 1280, height: 720 },
    bitrateKbps: 2400, packetsLost: 4, currentFile: { name: "T-0002.webm", bytes: 300, durationSec: 3.5 }, since: "1970-01-01T00:00:01.000Z",
    bytes: 800, durationSec: 5.5, filesFinished: [fin],
  });
  assert.equal(gone?.state, LEFT);
  assert.equal(gone?.label, "G");
  assert.equal(r.streams.length, 2, "a directory without finished files is not a stream");
  assert.deepEqual(r.totals, { streams: 2, recording: 1, bytes: 870, durationSec: 7.5, filesFinished: 2 });
});

test("status report - a current file the sidecar already calls finished is not current", () => {
  const r = buildStatusReport({
    room: "room", signaling: "connected", now: 0, fileSize: () => 1,
    streams: [{ key: "cam1", streamId: "cam1", state: "reconnecting", restarts: 0, heartbeat: { ...hb, file: "/r/room/cam1/T-0001.webm" } }],
    directories: [{ key: "cam1", finished: [fin] }],
  });
  assert.equal(r.streams[0]?.currentFile, null);
  assert.equal(r.streams[0]?.bytes, 500);
});

test("status text - hostile stream ids and labels are shown without control characters", () => {
  const evil = "x\u001b[2J\u001b]0;pwn\u0007\nnext";
  const r = buildStatusReport({
    room: "room\u001b[31m", signaling: "connected", now: 0, fileSize: () => 0,
    streams: [{ key: "x_abc", streamId: evil, label: evil, state: "recording", restarts: 0 }], directories: [],
  });
  const text = renderStatusReport(r);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f]/);
  assert.equal(text.split("\n").length, 5, "the id's newline did not add a line");
  assert.match(text, /x\?\[2J/);
});
