/**
 * Loss and reordering end to end: a werift publisher reaches the worker only through a lossy UDP
 * relay on loopback that drops 5 % of the publisher's RTP and holds another 5 % back by 30 ms
 * (so later packets overtake them). NACK → RTX repairs the video; what cannot be repaired is
 * skipped cleanly. The file must decode without errors and miss at most 1 % of the video frames.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { FPS, makeClip } from "./fixtures/media-clips.ts";
import { decodeErrors, frameCount, probe } from "./fixtures/media-probe.ts";
import { sidecarOf } from "./fixtures/media-record.ts";
import { startRig } from "./fixtures/media-e2e-rig.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const TIMEOUT_MS = 60_000;
const SECONDS = 8;

test("recording through a lossy relay - 5% loss + 5% reordering: NACK/RTX repair, file decodes, ≤ 1% video frames lost", async (t) => {
  makeClip({ video: "vp8", audio: true, seconds: SECONDS });
  await using rig = await startRig({
    sender: { video: "vp8", audio: true, seconds: SECONDS },
    lossy: { lossRate: 0.05, reorderRate: 0.05, reorderDelayMs: 30, seed: 4 },
  });
  await waitFor(() => rig.sent().done, TIMEOUT_MS, "publisher sent the whole clip");
  await waitFor(() => (rig.heartbeats.at(-1)?.durationSec ?? 0) >= SECONDS - 1.5, TIMEOUT_MS, "worker wrote the clip");
  const hb = rig.heartbeats.at(-1)!;
  assert.equal(await rig.stopWorker(), 0, rig.workerStderr());

  const relay = rig.relay!;
  assert.ok(relay.counters.rtp > 500, `media crossed the relay (${relay.counters.rtp} RTP packets)`);
  assert.ok(relay.counters.dropped > 0.03 * relay.counters.rtp, `relay dropped ${relay.counters.dropped}`);
  const [file, ...rest] = rig.segmentFiles();
  assert.ok(file && rest.length === 0);
  assert.equal(decodeErrors(file), "");
  const p = probe(file, true);
  const sent = rig.sent();
  const videoFrames = frameCount(p, "video");
  const audioFrames = frameCount(p, "audio");
  // A recording starts at a keyframe. When the first keyframe itself loses a packet it cannot start
  // there: a live encoder answers the PLI with a new keyframe, our pre-encoded one only has the
  // next GOP (1 s later). So count loss from the first keyframe in the file, and bound the start.
  // Keyframes come every FPS frames; the sidecar start is that keyframe's time (± network delay).
  const startFrame = Math.round(((sidecarOf(file).startEpochMs as number) - rig.mediaStartedAt()!) / 1000) * FPS;
  const expected = sent.video - startFrame;
  const videoLost = 1 - videoFrames / expected;
  t.diagnostic(
    `relay: ${relay.counters.rtp} RTP, ${relay.counters.dropped} dropped, ${relay.counters.delayed} delayed; ` +
    `worker: ${hb.nacks} NACK batches, ${hb.packetsLost} packets unrepaired, ${hb.plis} PLI; ` +
    `recording starts at frame ${startFrame}; video ${videoFrames}/${expected} frames (${(videoLost * 100).toFixed(2)} % lost), ` +
    `audio ${audioFrames}/${sent.audio}`,
  );
  assert.ok(startFrame <= 2 * FPS, `recording started at frame ${startFrame}`);
  assert.ok(hb.nacks > 0, "the worker sent NACKs");
  assert.ok(videoLost <= 0.01, `video frames lost ${(videoLost * 100).toFixed(2)} %`);
});
