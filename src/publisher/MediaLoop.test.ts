import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { audioClip, videoClip } from "./clips.ts";
import { MediaLoop, type MediaFrameEvent } from "./MediaLoop.ts";
import { Vp8RtpPayload } from "werift/nonstandard";

test("MediaLoop - paces VP8 and Opus, marks the last packet of each video frame, timestamps step per frame", async () => {
  const loop = new MediaLoop([videoClip("vp8"), audioClip()]);
  const frames: MediaFrameEvent[] = [];
  loop.subscribe((f) => frames.push(f));
  loop.start();
  await sleep(400);
  loop.close();
  const video = frames.filter((f) => f.kind === "video");
  const audio = frames.filter((f) => f.kind === "audio");
  assert.ok(video.length >= 5, `video frames ${video.length}`);
  assert.ok(audio.length >= 8, `audio frames ${audio.length}`);
  assert.equal(video[0]!.keyframe, true);
  assert.ok(Vp8RtpPayload.deSerialize(video[0]!.packets[0]!.payload).isKeyframe);
  for (const f of video) {
    assert.deepEqual(f.packets.map((p) => p.header.marker), f.packets.map((_, i) => i === f.packets.length - 1));
  }
  const ts = video.map((f) => f.packets[0]!.header.timestamp);
  for (let i = 1; i < ts.length; i++) assert.equal((ts[i]! - ts[i - 1]! + 2 ** 32) % 2 ** 32, 3000);
  const ats = audio.map((f) => f.packets[0]!.header.timestamp);
  for (let i = 1; i < ats.length; i++) assert.equal((ats[i]! - ats[i - 1]! + 2 ** 32) % 2 ** 32, 960);
  assert.equal(loop.stats().framesSent, frames.length);
  assert.equal(loop.stats().packetsSent, frames.reduce((n, f) => n + f.packets.length, 0));
});

test("MediaLoop - nothing is delivered after close()", async () => {
  const loop = new MediaLoop([audioClip()]);
  let n = 0;
  loop.subscribe(() => n++);
  loop.start();
  loop.close();
  const after = n;
  await sleep(60);
  assert.equal(n, after);
});
