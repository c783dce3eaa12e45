/**
 * Codecs end to end: ffmpeg-made media sent by a werift publisher process through a real
 * `room-recorder worker` process; the worker is stopped gracefully and ffprobe/ffmpeg check the
 * file: the codec the publisher sent, the tracks asked for, a clean decode, seekable cues.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { makeClip, makeG7xxClip, type ClipG7xx, type ClipVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, linkedCuePoints, probe } from "./fixtures/media-probe.ts";
import { startRig } from "./fixtures/media-e2e-rig.ts";
import { sidecarOf } from "./fixtures/media-record.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const TIMEOUT_MS = 45_000;
const SECONDS = 4;

const cases: { name: string; video?: ClipVideo; audio: boolean; audioCodec?: ClipG7xx; streams: string[] }[] = [
  { name: "vp8 + opus", video: "vp8", audio: true, streams: ["video:vp8", "audio:opus"] },
  { name: "vp9 + opus", video: "vp9", audio: true, streams: ["video:vp9", "audio:opus"] },
  { name: "av1 + opus", video: "av1", audio: true, streams: ["video:av1", "audio:opus"] },
  { name: "h264 + opus", video: "h264", audio: true, streams: ["video:h264", "audio:opus"] },
  { name: "opus audio-only", audio: true, streams: ["audio:opus"] },
  { name: "vp8 video-only", video: "vp8", audio: false, streams: ["video:vp8"] },
  // Publishers that offer only G.711/G.722: recorded as sent, in Matroska.
  { name: "vp8 + pcmu", video: "vp8", audio: true, audioCodec: "pcmu", streams: ["video:vp8", "audio:pcm_mulaw"] },
  { name: "g722 audio-only", audio: true, audioCodec: "g722", streams: ["audio:adpcm_g722"] },
];

for (const c of cases) {
  test(`recording through werift - ${c.name}: the file holds what was sent and decodes cleanly`, async () => {
    // Encode before the clock starts (cached on disk; the sender process reads the cache).
    makeClip({ ...(c.video ? { video: c.video } : {}), audio: c.audio, seconds: SECONDS });
    if (c.audioCodec) makeG7xxClip(c.audioCodec, SECONDS);
    await using rig = await startRig({
      sender: { ...(c.video ? { video: c.video } : {}), audio: c.audio, seconds: SECONDS, ...(c.audioCodec ? { audioCodec: c.audioCodec } : {}) },
      ...(c.video ? { preferCodec: c.video } : {}),
    });
    await waitFor(() => rig.sent().done, TIMEOUT_MS, "publisher sent the whole clip");
    await waitFor(() => (rig.heartbeats.at(-1)?.durationSec ?? 0) >= SECONDS - 1.5, TIMEOUT_MS, "worker wrote the clip");
    assert.equal(await rig.stopWorker(), 0, rig.workerStderr());

    const files = rig.segmentFiles();
    assert.equal(files.length, 1, files.join());
    const file = files[0] as string;
    assert.match(file, c.video === "h264" || c.audioCodec ? /\.mkv$/ : /\.webm$/);
    const p = probe(file, true);
    assert.deepEqual(p.streams.map((s) => `${s.codec_type}:${s.codec_name}`), c.streams);
    assert.equal(decodeErrors(file), "");
    if (c.video) assert.ok(linkedCuePoints(file) >= 1, "cues linked from the SeekHead");
    const side = sidecarOf(file);
    assert.equal(side.finalized, true);
    assert.equal(side.videoCodec, c.video ?? null);
  });
}
