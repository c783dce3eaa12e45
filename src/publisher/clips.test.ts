import { test } from "node:test";
import assert from "node:assert/strict";
import { audioClip, frameMs, videoClip } from "./clips.ts";
import { splitAnnexB, nalType, NAL_IDR, NAL_SPS, NAL_PPS } from "./annexb.ts";

test("clips - VP8 fixture: 8 s at 30 fps, a keyframe every 30 frames, 640x360", () => {
  const clip = videoClip("vp8");
  assert.equal(clip.frames.length, 240);
  assert.equal(clip.width, 640);
  assert.equal(clip.height, 360);
  assert.equal(clip.frameTicks, 3000);
  const keyIndexes = clip.frames.flatMap((f, i) => (f.keyframe ? [i] : []));
  assert.deepEqual(keyIndexes, [0, 30, 60, 90, 120, 150, 180, 210]);
});

test("clips - H.264 fixture: 240 access units, SPS+PPS+IDR on every keyframe, no AUD/SEI", () => {
  const clip = videoClip("h264");
  assert.equal(clip.frames.length, 240);
  const keyIndexes = clip.frames.flatMap((f, i) => (f.keyframe ? [i] : []));
  assert.deepEqual(keyIndexes, [0, 30, 60, 90, 120, 150, 180, 210]);
  for (const i of keyIndexes) {
    const types = splitAnnexB(clip.frames[i]!.data).map(nalType);
    assert.deepEqual([types[0], types[1]], [NAL_SPS, NAL_PPS]);
    assert.ok(types.includes(NAL_IDR));
  }
  for (const f of clip.frames) assert.ok(splitAnnexB(f.data).every((n) => [1, 5, 7, 8].includes(nalType(n))));
});

test("clips - Opus fixture: exactly 400 packets of 20 ms, so it loops in step with the 8 s video", () => {
  const clip = audioClip();
  assert.equal(clip.frames.length, 400);
  assert.equal(frameMs(clip), 20);
  const video = videoClip("vp8");
  assert.equal((video.frames.length * video.frameTicks) / video.clockRate, (clip.frames.length * clip.frameTicks) / clip.clockRate);
  assert.ok(clip.frames.every((f) => opusPacketMs(f.data[0]!) === 20));
});

/** Duration of an Opus packet from its TOC byte (RFC 6716 §3.1), for code 0 (one frame). */
function opusPacketMs(toc: number): number | undefined {
  if ((toc & 3) !== 0) return undefined;
  const config = toc >> 3;
  if (config < 12) return [10, 20, 40, 60][config % 4];
  if (config < 16) return [10, 20][config % 2];
  return [2.5, 5, 10, 20][config % 4];
}
