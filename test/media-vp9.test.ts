/**
 * VP9 as browsers send it: flexible-mode descriptors (picture id, layer indices, P_DIFF, the
 * scalability structure) and pictures made of several layer frames under one RTP timestamp, which
 * must come out as one superframe per block. Sequence numbers and RTP timestamps wrap mid-clip.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeClip } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, probe } from "./fixtures/media-probe.ts";
import { segmentFiles, startRecording, tempDir, video } from "./fixtures/media-record.ts";
import { packetizeVp9Flexible, splitSuperframe } from "./fixtures/media-vp9-flexible.ts";

const SECONDS = 3;

for (const altRef of [false, true]) {
  const what = altRef ? "layer frames (superframes split per layer)" : "single-layer pictures";
  test(`recorder - vp9 flexible mode, ${what}: every picture decodes`, async () => {
    const clip = makeClip({ video: "vp9", seconds: SECONDS, vp9AltRef: altRef });
    const multiLayer = clip.video.filter((f) => splitSuperframe(f.data).length > 1).length;
    if (altRef) assert.ok(multiLayer > 0, "the clip has pictures of two frames");
    const dir = tempDir("vp9flex");
    const r = startRecording(dir, [video("vp9")]);
    r.feed(packetizeVp9Flexible(clip.video).map((pkt) => ({ track: "v", pkt })));
    await r.recorder.close();

    const [file, ...rest] = segmentFiles(dir);
    assert.ok(file && rest.length === 0);
    const p = probe(file, true);
    assert.equal(p.streams[0]?.codec_name, "vp9");
    assert.equal(p.streams[0]?.width, 320);
    assert.equal(decodeErrors(file), "");
    assert.equal(frameCount(p, "video"), clip.video.length);
    assert.ok(Math.abs(durationSec(p) - SECONDS) <= 0.2, `duration ${durationSec(p)}`);
    const stats = r.recorder.stats();
    assert.equal(stats.framesDropped, 0);
    assert.equal(stats.packetsLost, 0);
  });
}
