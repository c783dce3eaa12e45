/** Segment rotation: by time at keyframes, and on an H.264 resolution change (new SPS). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { byArrival, makeClip, packetizeAudio, packetizeVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, probe } from "./fixtures/media-probe.ts";
import { audio, finalizedDuration, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";

test("recorder - rotation every 2 s over 10 s loses and duplicates no frame", async () => {
  const clip = makeClip({ video: "vp8", audio: true, seconds: 10 });
  const dir = tempDir("rotate");
  const r = startRecording(dir, [video("vp8"), audio()], { segmentSeconds: 2 });
  r.feed(byArrival({ v: packetizeVideo("vp8", clip.video), a: packetizeAudio(clip.audio) }));
  await r.recorder.close();

  const files = segmentFiles(dir);
  assert.equal(files.length, 5);
  files.forEach((f, i) => assert.match(f, new RegExp(`-${String(i + 1).padStart(4, "0")}\\.webm$`)));
  let total = 0;
  let videoFrames = 0;
  let audioFrames = 0;
  for (const f of files) {
    assert.equal(decodeErrors(f), "", f);
    const p = probe(f, true);
    total += durationSec(p);
    videoFrames += frameCount(p, "video");
    audioFrames += frameCount(p, "audio");
    assert.equal(sidecarOf(f).finalized, true);
  }
  assert.ok(Math.abs(total - 10) <= 0.2, `sum of durations ${total}`);
  assert.equal(videoFrames, clip.video.length);
  assert.equal(audioFrames, clip.audio.length);
  assert.equal(r.events.filter((e) => e.type === "segment-closed").length, 5);
});

test("recorder - H.264 640x360 → 1280x720 starts a new segment whose avcC matches", async () => {
  const small = makeClip({ video: "h264", seconds: 2, width: 640, height: 360 });
  const large = makeClip({ video: "h264", seconds: 2, width: 1280, height: 720 });
  const frames = [...small.video, ...large.video.map((f) => ({ ...f, time: f.time + 2 }))];
  const dir = tempDir("h264res");
  const r = startRecording(dir, [video("h264")]);
  r.feed(byArrival({ v: packetizeVideo("h264", frames) }));
  await r.recorder.close();

  const files = segmentFiles(dir);
  assert.equal(files.length, 2);
  const sizes = files.map((f) => {
    assert.equal(decodeErrors(f), "", f);
    const s = probe(f).streams[0];
    return `${s?.width}x${s?.height}`;
  });
  assert.deepEqual(sizes, ["640x360", "1280x720"]);
  assert.deepEqual(sidecarOf(files[1] as string).resolution, { width: 1280, height: 720 });
});

test("recorder - VP8 640x360 → 1280x720 stays in one file and decodes without errors", async () => {
  const small = makeClip({ video: "vp8", seconds: 2, width: 640, height: 360 });
  const large = makeClip({ video: "vp8", seconds: 2, width: 1280, height: 720 });
  const frames = [...small.video, ...large.video.map((f) => ({ ...f, time: f.time + 2 }))];
  const dir = tempDir("vp8res");
  const r = startRecording(dir, [video("vp8")]);
  r.feed(byArrival({ v: packetizeVideo("vp8", frames) }));
  await r.recorder.close();

  const [file, ...rest] = segmentFiles(dir);
  assert.ok(file && rest.length === 0);
  assert.equal(decodeErrors(file), "");
  assert.equal(frameCount(probe(file, true), "video"), frames.length);
  const changes = sidecarOf(file).resolutionChanges as { atSec: number; width: number; height: number }[];
  assert.deepEqual(changes.map((c) => `${c.width}x${c.height}`), ["640x360", "1280x720"]);
  assert.ok(Math.abs((changes[1]?.atSec ?? 0) - 2) < 0.05, `change at ${changes[1]?.atSec}`);
});

test("recorder - rotation by size: every segment near the limit, none lost", async () => {
  const clip = makeClip({ video: "vp8", audio: true, seconds: 8 });
  const dir = tempDir("rotbytes");
  const limit = 60_000;
  const r = startRecording(dir, [video("vp8"), audio()], { segmentBytes: limit });
  r.feed(byArrival({ v: packetizeVideo("vp8", clip.video), a: packetizeAudio(clip.audio) }));
  await r.recorder.close();

  const files = segmentFiles(dir);
  assert.ok(files.length >= 3, `${files.length} segments`);
  let videoFrames = 0;
  let total = 0;
  for (const f of files) {
    assert.equal(decodeErrors(f), "", f);
    const p = probe(f, true);
    videoFrames += frameCount(p, "video");
    total += durationSec(p);
  }
  // A segment ends at the first keyframe after the limit (1 s GOP): at most ~1 s of media over it.
  for (const f of files.slice(0, -1)) {
    const bytes = sidecarOf(f).bytes as number;
    assert.ok(bytes >= limit && bytes < limit + 60_000, `${f}: ${bytes} bytes`);
  }
  assert.equal(videoFrames, clip.video.length);
  assert.ok(Math.abs(total - 8) <= 0.2, `sum of durations ${total}`);
});

test("recorder - maxDurationSeconds finalizes the recording and emits max-duration once", async () => {
  const clip = makeClip({ video: "vp8", audio: true, seconds: 8 });
  const dir = tempDir("maxdur");
  const r = startRecording(dir, [video("vp8"), audio()], { maxDurationSeconds: 3, segmentSeconds: 2 });
  r.feed(byArrival({ v: packetizeVideo("vp8", clip.video), a: packetizeAudio(clip.audio) }));
  assert.deepEqual(r.events.filter((e) => e.type === "max-duration").length, 1);
  await r.recorder.close();

  const files = segmentFiles(dir);
  assert.equal(files.length, 2);
  const total = finalizedDuration(files);
  assert.ok(Math.abs(total - 3) <= 0.2, `sum of durations ${total}`);
});
