/**
 * Recording pipeline end to end per codec: real ffmpeg-encoded clips, packetized to RTP, recorded,
 * then checked with ffprobe/ffmpeg (codecs, clean decode, duration, seekability, sidecar).
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { byArrival, makeClip, packetizeAudio, packetizeVideo, type ClipVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, linkedCuePoints, probe } from "./fixtures/media-probe.ts";
import { audio, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";

const SECONDS = 3;

const cases: { codec: ClipVideo; ext: string; ffName: string; container: string }[] = [
  { codec: "vp8", ext: ".webm", ffName: "vp8", container: "webm" },
  { codec: "vp9", ext: ".webm", ffName: "vp9", container: "webm" },
  { codec: "av1", ext: ".webm", ffName: "av1", container: "webm" },
  { codec: "h264", ext: ".mkv", ffName: "h264", container: "matroska" },
];

for (const c of cases) {
  test(`recorder - ${c.codec} + opus makes one playable, seekable ${c.ext} with a sidecar`, async () => {
    const clip = makeClip({ video: c.codec, audio: true, seconds: SECONDS });
    const dir = tempDir(c.codec);
    const r = startRecording(dir, [video(c.codec), audio()]);
    r.feed(byArrival({ v: packetizeVideo(c.codec, clip.video), a: packetizeAudio(clip.audio) }));
    await r.recorder.close();

    const files = segmentFiles(dir);
    assert.equal(files.length, 1);
    const file = files[0] as string;
    assert.ok(file.endsWith(c.ext), file);
    assert.match(basename(file), /^\d{8}T\d{6}\.\d{3}Z-0001\.(webm|mkv)$/);
    const p = probe(file, true);
    assert.deepEqual(p.streams.map((s) => [s.codec_type, s.codec_name]), [["video", c.ffName], ["audio", "opus"]]);
    assert.equal(p.streams[0]?.width, 320);
    assert.equal(p.streams[0]?.height, 180);
    assert.equal(decodeErrors(file), "");
    assert.ok(Math.abs(durationSec(p) - SECONDS) <= 0.2, `duration ${durationSec(p)}`);
    assert.equal(frameCount(p, "video"), clip.video.length);
    assert.equal(frameCount(p, "audio"), clip.audio.length);
    // One cue per video keyframe (GOP 1 s), reachable from the SeekHead: seeking needs no scan.
    assert.equal(linkedCuePoints(file), Math.ceil(SECONDS));

    const side = sidecarOf(file);
    assert.equal(side.finalized, true);
    assert.equal(side.container, c.container);
    assert.equal(side.streamId, "cam1");
    assert.equal(side.videoCodec, c.codec);
    assert.equal(side.audioCodec, "opus");
    assert.deepEqual(side.resolution, { width: 320, height: 180 });
    assert.equal(side.file, basename(file));
    assert.equal((side.frames as { video: number }).video, clip.video.length);
    const stats = r.recorder.stats();
    assert.equal(stats.framesWritten, clip.video.length + clip.audio.length);
    assert.equal(stats.packetsLost, 0);
    assert.deepEqual(r.events.map((e) => e.type), ["segment-opened", "first-keyframe", "segment-closed"]);
  });
}
