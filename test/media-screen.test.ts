/**
 * Screen share (spec §4.7): a second video track on the same connection, marked `screen`, is
 * recorded as its own series of files (`…-screen.webm`, sidecar role `screen`) beside the camera's.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { byArrival, makeClip, packetizeAudio, packetizeVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, frameCount, probe } from "./fixtures/media-probe.ts";
import { audio, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";

test("recorder - a screen-share video track gets its own file a user can tell apart", async () => {
  const camera = makeClip({ video: "vp8", audio: true, seconds: 3 });
  const screen = makeClip({ video: "vp9", seconds: 3 });
  const dir = tempDir("share");
  const r = startRecording(dir, [video("vp8", "v"), audio("a"), video("vp9", "s", "screen")]);
  r.feed(byArrival({
    v: packetizeVideo("vp8", camera.video),
    a: packetizeAudio(camera.audio),
    s: packetizeVideo("vp9", screen.video, { ssrc: 5555, firstSeq: 9000 }),
  }));
  await r.recorder.close();

  const files = segmentFiles(dir).map((f) => basename(f));
  assert.equal(files.length, 2, files.join());
  const cam = segmentFiles(dir).find((f) => !basename(f).includes("-screen")) as string;
  const scr = segmentFiles(dir).find((f) => f.endsWith("-0001-screen.webm")) as string;
  assert.ok(cam && scr, files.join());
  assert.deepEqual(probe(cam).streams.map((s) => s.codec_name), ["vp8", "opus"]);
  assert.deepEqual(probe(scr).streams.map((s) => s.codec_name), ["vp9"]);
  for (const f of [cam, scr]) assert.equal(decodeErrors(f), "", f);
  assert.equal(frameCount(probe(scr, true), "video"), screen.video.length);
  assert.equal(sidecarOf(cam).role, "camera");
  assert.equal(sidecarOf(scr).role, "screen");
  assert.equal(sidecarOf(scr).videoCodec, "vp9");
});
