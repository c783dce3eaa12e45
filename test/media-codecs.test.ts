/**
 * Recording pipeline end to end per codec: real ffmpeg-encoded clips, packetized to RTP, recorded,
 * then checked with ffprobe/ffmpeg (codecs, clean decode, duration, seekability, sidecar).
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { byArrival, makeClip, makeG7xxClip, packetizeAudio, packetizeG7xx, packetizeVideo, type ClipG7xx, type ClipVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, linkedCuePoints, probe } from "./fixtures/media-probe.ts";
import { audio, g7xxAudio, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";

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

/** G.711/G.722 cannot go in WebM: Matroska `A_MS/ACM` (ffmpeg's own mapping), with or without video. */
const g7xxCases: { codec: ClipG7xx; ffName: string; sampleRate: string; withVideo: boolean }[] = [
  { codec: "pcmu", ffName: "pcm_mulaw", sampleRate: "8000", withVideo: true },
  { codec: "pcma", ffName: "pcm_alaw", sampleRate: "8000", withVideo: false },
  { codec: "g722", ffName: "adpcm_g722", sampleRate: "16000", withVideo: false },
];

for (const c of g7xxCases) {
  test(`recorder - ${c.codec}${c.withVideo ? " + vp8" : " audio-only"} makes a decodable .mkv`, async () => {
    const frames = makeG7xxClip(c.codec, SECONDS);
    const clip = c.withVideo ? makeClip({ video: "vp8", seconds: SECONDS }) : undefined;
    const dir = tempDir(c.codec);
    const r = startRecording(dir, clip ? [video("vp8"), g7xxAudio(c.codec)] : [g7xxAudio(c.codec)]);
    r.feed(byArrival({ ...(clip ? { v: packetizeVideo("vp8", clip.video) } : {}), a: packetizeG7xx(frames) }));
    await r.recorder.close();

    const [file, ...rest] = segmentFiles(dir);
    assert.ok(file && rest.length === 0);
    assert.ok(file.endsWith(".mkv"), file);
    const p = probe(file, true);
    const a = p.streams.find((s) => s.codec_type === "audio") as { codec_name: string; sample_rate?: string } | undefined;
    assert.equal(a?.codec_name, c.ffName);
    assert.equal(a?.sample_rate, c.sampleRate);
    assert.equal(p.streams.length, clip ? 2 : 1);
    assert.equal(decodeErrors(file), "");
    assert.ok(Math.abs(durationSec(p) - SECONDS) <= 0.2, `duration ${durationSec(p)}`);
    assert.equal(frameCount(p, "audio"), frames.length);
    assert.equal(sidecarOf(file).audioCodec, c.codec);
    assert.equal(sidecarOf(file).container, "matroska");
  });
}
