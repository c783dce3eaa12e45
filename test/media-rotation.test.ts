/** Segment rotation: by time at keyframes, and on an H.264 resolution change (new SPS). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { byArrival, makeClip, packetizeAudio, packetizeVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, probe } from "./fixtures/media-probe.ts";
import { audio, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";

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
