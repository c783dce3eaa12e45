import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { WorkerMetrics } from "./WorkerMetrics.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

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

test("worker metrics - a recorder that starts again from zero adds to the counters, never subtracts", async () => {
  const m = new WorkerMetrics();
  m.recorder({ framesWritten: 30, bytesWritten: 9000, keyframes: 2, rotations: 1, segments: 2, packetsLost: 4 });
  m.recorder({ framesWritten: 5, bytesWritten: 1000, keyframes: 1, rotations: 0, segments: 1, packetsLost: 0 });
  m.recorder({ framesWritten: 12, bytesWritten: 1500, keyframes: 1, rotations: 0, segments: 1, packetsLost: 1 });
  const text = await m.text();
  assert.match(text, /rr_worker_frames_written_total 37\n/);
  assert.match(text, /rr_worker_bytes_written_total 9500\n/);
  assert.match(text, /rr_worker_packets_lost_total 5\n/);
});

test("worker metrics - nothing before the first state or packet of a kind, all states once one is known", async () => {
  const m = new WorkerMetrics();
  m.nackSent();
  let text = await m.text();
  assert.doesNotMatch(text, /rr_worker_ice_state\{/);
  assert.doesNotMatch(text, /rr_worker_rtp_packets_total\{/);
  assert.match(text, /rr_worker_nack_sent_total 1\n/);
  assert.match(text, /rr_worker_pli_sent_total 0\n/);
  m.iceState("checking");
  m.iceState("completed");
  text = await m.text();
  assert.match(text, /rr_worker_ice_state\{state="completed"\} 1\n/);
  assert.match(text, /rr_worker_ice_state\{state="checking"\} 0\n/);
  assert.equal(text.match(/rr_worker_ice_state\{/g)?.length, 7);
});

test("worker metrics - counting loads no prom-client; reading the registry does (issue 7)", async () => {
  // A fresh process: this one has loaded prom-client for the tests above.
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const { WorkerMetrics } = await import("./src/stream-worker/WorkerMetrics.ts");
    const promClient = () => loaded.some((u) => u.includes("/node_modules/prom-client/"));
    const m = new WorkerMetrics();
    m.rtp("video", 1000); m.nackSent(); m.connectionState("connected"); m.ended("bye");
    m.recorder({ framesWritten: 1, bytesWritten: 1, keyframes: 1, rotations: 0, segments: 1, packetsLost: 0 });
    const before = promClient();
    const text = await m.text();
    console.log(JSON.stringify({ before, after: promClient(), text }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT });
  const r = JSON.parse(stdout) as { before: boolean; after: boolean; text: string };
  assert.equal(r.before, false);
  assert.equal(r.after, true);
  assert.match(r.text, /rr_worker_rtp_packets_total\{kind="video"\} 1\n/);
});

test("worker metrics - ICE failures counted by cause", async () => {
  const m = new WorkerMetrics();
  m.iceFailed("turn-auth");
  m.iceFailed("turn-auth");
  m.iceFailed("timeout");
  const text = await m.text();
  assert.match(text, /rr_worker_ice_failures_total\{cause="turn-auth"\} 2/);
  assert.match(text, /rr_worker_ice_failures_total\{cause="timeout"\} 1/);
  assert.doesNotMatch(text, /cause="turn-unreachable"/);
});
