import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkerMetrics } from "./WorkerMetrics.ts";

test("worker metrics - packets, states and end reasons appear in the exposition", async () => {
  const m = new WorkerMetrics();
  m.rtp("video", 1000);
  m.rtp("video", 200);
  m.rtp("audio", 80);
  m.connectionState("connected");
  m.ended("bye");
  const text = await m.text();
  assert.match(text, /rr_worker_rtp_packets_total\{kind="video"\} 2/);
  assert.match(text, /rr_worker_rtp_bytes_total\{kind="video"\} 1200/);
  assert.match(text, /rr_worker_connection_state\{state="connected"\} 1/);
  assert.match(text, /rr_worker_connection_state\{state="failed"\} 0/);
  assert.match(text, /rr_worker_ended_total\{reason="bye"\} 1/);
});

test("worker metrics - recorder totals become counter increments that never go back", async () => {
  const m = new WorkerMetrics();
  m.recorder({ framesWritten: 10, bytesWritten: 5000, keyframes: 1, rotations: 0, segments: 1, packetsLost: 2 });
  m.recorder({ framesWritten: 25, bytesWritten: 9000, keyframes: 2, rotations: 1, segments: 2, packetsLost: 2 });
  const text = await m.text();
  assert.match(text, /rr_worker_frames_written_total 25/);
  assert.match(text, /rr_worker_bytes_written_total 9000/);
  assert.match(text, /rr_worker_segment_rotations_total 1/);
});

test("worker metrics - packet counts reach the counters at each scrape, never twice", async () => {
  const m = new WorkerMetrics();
  m.rtp("video", 1000);
  assert.match(await m.text(), /rr_worker_rtp_packets_total\{kind="video"\} 1\n/);
  m.rtp("video", 500);
  m.rtp("audio", 80);
  const text = await m.text();
  assert.match(text, /rr_worker_rtp_packets_total\{kind="video"\} 2\n/);
  assert.match(text, /rr_worker_rtp_bytes_total\{kind="video"\} 1500\n/);
  assert.match(text, /rr_worker_rtp_packets_total\{kind="audio"\} 1\n/);
  assert.match(await m.text(), /rr_worker_rtp_bytes_total\{kind="video"\} 1500\n/);
});
