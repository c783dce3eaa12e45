/**
 * Recording under bad conditions: loss, duplicates and reordering; audio-only and video-only
 * streams; a directory that cannot be written.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { byArrival, makeClip, packetizeAudio, packetizeVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, packetTimes, probe } from "./fixtures/media-probe.ts";
import { audio, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";
import type { RtpInput } from "../src/media/types.ts";

/** Deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

test("recorder - 5% loss, duplicates and reordering: file decodes cleanly, loss counted", async () => {
  const clip = makeClip({ video: "vp8", audio: true, seconds: 4 });
  const rand = rng(7);
  let removed = 0;
  const damage = (pkts: RtpInput[]): RtpInput[] => {
    const out: RtpInput[] = [];
    pkts.forEach((p, i) => {
      // Keep the first and last packets of each track so every removal is a countable gap.
      if (i > 0 && i < pkts.length - 1 && rand() < 0.05) return void removed++;
      out.push(p);
      if (rand() < 0.05) out.push({ ...p, arrivalMs: p.arrivalMs + 40 }); // an RTX-probe-like resend
    });
    // Swap neighbours: a packet arriving after its successor, within the reorder window.
    for (let i = 1; i + 1 < out.length; i += 2) {
      if (rand() < 0.1) {
        const a = out[i] as RtpInput;
        const b = out[i + 1] as RtpInput;
        out[i] = { ...b, arrivalMs: a.arrivalMs };
        out[i + 1] = { ...a, arrivalMs: b.arrivalMs };
      }
    }
    return out;
  };
  const dir = tempDir("loss");
  const r = startRecording(dir, [video("vp8"), audio()]);
  r.feed(byArrival({ v: damage(packetizeVideo("vp8", clip.video)), a: damage(packetizeAudio(clip.audio)) }));
  await r.recorder.close();

  const [file] = segmentFiles(dir);
  assert.ok(file);
  assert.equal(decodeErrors(file), "");
  const p = probe(file, true);
  const stats = r.recorder.stats();
  assert.ok(removed > 0);
  assert.equal(stats.packetsLost, removed);
  assert.ok(stats.framesDropped > 0);
  assert.ok(r.keyframeRequests.length > 0, "asked for a keyframe after loss");
  assert.equal(frameCount(p, "video") + frameCount(p, "audio"), stats.framesWritten);
  assert.ok(frameCount(p, "video") < clip.video.length);
});

test("recorder - audio-only stream makes a WebM with one Opus track and audio cues", async () => {
  const clip = makeClip({ audio: true, seconds: 3 });
  const dir = tempDir("audio");
  const r = startRecording(dir, [audio()]);
  r.feed(byArrival({ a: packetizeAudio(clip.audio) }));
  await r.recorder.close();
  const [file] = segmentFiles(dir);
  assert.ok(file);
  assert.ok(file.endsWith(".webm"));
  const p = probe(file, true);
  assert.deepEqual(p.streams.map((s) => s.codec_name), ["opus"]);
  assert.equal(decodeErrors(file), "");
  assert.ok(Math.abs(durationSec(p) - 3) <= 0.2, `duration ${durationSec(p)}`);
  assert.equal(frameCount(p, "audio"), clip.audio.length);
  assert.equal(sidecarOf(file).videoCodec, null);
});

test("recorder - video-only stream makes a WebM with one VP8 track", async () => {
  const clip = makeClip({ video: "vp8", seconds: 3 });
  const dir = tempDir("video");
  const r = startRecording(dir, [video("vp8")]);
  r.feed(byArrival({ v: packetizeVideo("vp8", clip.video) }));
  await r.recorder.close();
  const [file] = segmentFiles(dir);
  assert.ok(file);
  const p = probe(file, true);
  assert.deepEqual(p.streams.map((s) => s.codec_name), ["vp8"]);
  assert.equal(decodeErrors(file), "");
  assert.ok(Math.abs(durationSec(p) - 3) <= 0.2, `duration ${durationSec(p)}`);
  assert.equal(frameCount(p, "video"), clip.video.length);
});

test("recorder - an unwritable directory reports disk-error without throwing, then recovers", async () => {
  const clip = makeClip({ video: "vp8", audio: true, seconds: 8 });
  const root = tempDir("disk");
  // A regular file where the stream directory should be: mkdir fails (ENOTDIR/EEXIST) even as root.
  const dir = join(root, "stream");
  writeFileSync(dir, "not a directory");
  const r = startRecording(dir, [video("vp8"), audio()]);
  const items = byArrival({ v: packetizeVideo("vp8", clip.video), a: packetizeAudio(clip.audio) });
  const half = Math.floor(items.length / 2);
  assert.doesNotThrow(() => r.feed(items.slice(0, half)));
  assert.equal(r.events[0]?.type, "disk-error");
  assert.ok(r.recorder.stats().diskError);
  assert.ok(r.recorder.stats().framesDropped > 0);
  assert.equal(r.recorder.stats().segments, 0);

  rmSync(dir);
  mkdirSync(dir);
  r.feed(items.slice(half));
  await r.recorder.close();
  assert.ok(r.events.some((e) => e.type === "disk-recovered"));
  assert.equal(r.recorder.stats().diskError, undefined);
  const [file] = segmentFiles(dir);
  assert.ok(file);
  assert.equal(decodeErrors(file), "");
  assert.equal(sidecarOf(file).finalized, true);
});

test("recorder - a stall before the last frame does not stretch the file's Duration", async () => {
  // An encoder that drops frames under load, then sends one more before hanging up: the gap
  // before the last frame is not media the file holds.
  const clip = makeClip({ video: "vp8", audio: false, seconds: 3 });
  const last = clip.video.at(-1);
  assert.ok(last && last.time > 2.8);
  const frames = [...clip.video.filter((f) => f.time < 1.9), last];
  const dir = tempDir("stall");
  const r = startRecording(dir, [video("vp8")]);
  r.feed(byArrival({ v: packetizeVideo("vp8", frames) }));
  await r.recorder.close();

  const [file] = segmentFiles(dir);
  assert.ok(file);
  const lastPts = Math.max(...packetTimes(file, "video"));
  assert.ok(lastPts >= 2.8, `the last frame is in the file (${lastPts} s)`);
  const d = durationSec(probe(file));
  assert.ok(d - lastPts <= 0.11, `Duration ${d} s, last frame at ${lastPts} s`);
});
