/**
 * Segment rotation: by time and size at keyframes; resolution changes stay in one file except where
 * the codec's Matroska mapping forbids it (a new AV1 sequence header).
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { byArrival, makeClip, packetizeAudio, packetizeVideo, type ClipVideo } from "./fixtures/media-clips.ts";
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

/** Five sizes, one second (one GOP) each: every change comes with a keyframe, as from a browser. */
const SIZES = [[640, 360], [320, 180], [1280, 720], [480, 270], [640, 360]] as const;
const sizeNames = SIZES.map(([w, h]) => `${w}x${h}`);

function resizingClip(codec: ClipVideo) {
  return SIZES.flatMap(([width, height], i) => makeClip({ video: codec, seconds: 1, width, height }).video.map((f) => ({ ...f, time: f.time + i })));
}

for (const codec of ["vp8", "vp9", "h264"] as const) {
  test(`recorder - ${codec} through ${SIZES.length} sizes stays in one file with every change in the sidecar`, async () => {
    const frames = resizingClip(codec);
    const dir = tempDir(`${codec}res`);
    const r = startRecording(dir, [video(codec)]);
    r.feed(byArrival({ v: packetizeVideo(codec, frames) }));
    await r.recorder.close();

    const [file, ...rest] = segmentFiles(dir);
    assert.ok(file && rest.length === 0, `${rest.length + 1} files`);
    assert.equal(decodeErrors(file), "");
    assert.equal(frameCount(probe(file, true), "video"), frames.length);
    const changes = sidecarOf(file).resolutionChanges as { atSec: number; width: number; height: number }[];
    assert.deepEqual(changes.map((c) => `${c.width}x${c.height}`), sizeNames);
    changes.forEach((c, i) => assert.ok(Math.abs(c.atSec - i) < 0.05, `change ${i} at ${c.atSec}`));
  });
}

test("recorder - AV1: each new sequence header starts a file, the sidecars list the pieces in order", async () => {
  const dir = tempDir("av1res");
  const r = startRecording(dir, [video("av1")]);
  r.feed(byArrival({ v: packetizeVideo("av1", resizingClip("av1")) }));
  await r.recorder.close();

  const files = segmentFiles(dir);
  const names = files.map((f) => basename(f));
  assert.equal(files.length, SIZES.length);
  files.forEach((f, i) => {
    assert.equal(decodeErrors(f), "", f);
    const s = probe(f).streams[0];
    assert.equal(`${s?.width}x${s?.height}`, sizeNames[i]);
    assert.deepEqual(sidecarOf(f).piece, { index: i + 1, startedBy: i === 0 ? "connection" : "codec-config", files: names.slice(0, i + 1) });
  });
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
