/**
 * A/V sync from RTCP sender reports: video that arrives 200 ms after the audio captured with it
 * (a slower path, a jitter buffer) must still be written at its capture time, so the audio and
 * video of one instant share a timestamp in the file. Without sender reports the file shows the
 * arrival skew: that control proves the measurement sees misalignment.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FPS, makeClip, packetizeAudio, packetizeVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, packetTimes } from "./fixtures/media-probe.ts";
import { audio, segmentFiles, startRecording, tempDir, video } from "./fixtures/media-record.ts";

const SECONDS = 6;
const LOCAL_START_MS = 1_800_000_000_000;
/** The sender's NTP clock is unrelated to ours. */
const SENDER_EPOCH_MS = 1_700_000_000_000;
const VIDEO_LATE_MS = 200;
const VIDEO_TS0 = 12345;
const AUDIO_TS0 = 777;

/** Mean (file pts − capture time) of audio minus that of video, in ms: 0 when in sync. */
async function recordSkew(withSenderReports: boolean): Promise<number> {
  const clip = makeClip({ video: "vp8", audio: true, seconds: SECONDS });
  const dir = tempDir("sync");
  const r = startRecording(dir, [video("vp8"), audio()]);
  const events: { at: number; run: () => void }[] = [];
  for (const pkt of packetizeVideo("vp8", clip.video, { startMs: LOCAL_START_MS + VIDEO_LATE_MS, firstTs: VIDEO_TS0 })) {
    events.push({ at: pkt.arrivalMs, run: () => r.sinks.get("v")?.pushRtp(pkt) });
  }
  for (const pkt of packetizeAudio(clip.audio, { startMs: LOCAL_START_MS, firstTs: AUDIO_TS0 })) {
    events.push({ at: pkt.arrivalMs, run: () => r.sinks.get("a")?.pushRtp(pkt) });
  }
  if (withSenderReports) {
    for (let k = 0; k < SECONDS; k++) {
      const ntpMs = SENDER_EPOCH_MS + k * 1000;
      // Each SR travels the same path as its track's media (so video's is 200 ms late too).
      events.push({ at: LOCAL_START_MS + VIDEO_LATE_MS + k * 1000 - 1, run: () => r.sinks.get("v")?.pushSenderReport({ ntpMs, rtpTimestamp: VIDEO_TS0 + k * 90000 }) });
      events.push({ at: LOCAL_START_MS + k * 1000 - 1, run: () => r.sinks.get("a")?.pushSenderReport({ ntpMs, rtpTimestamp: AUDIO_TS0 + k * 48000 }) });
    }
  }
  for (const e of events.sort((x, y) => x.at - y.at)) e.run();
  await r.recorder.close();

  const [file] = segmentFiles(dir);
  assert.ok(file);
  assert.equal(decodeErrors(file), "");
  const v = packetTimes(file, "video");
  const a = packetTimes(file, "audio");
  assert.equal(v.length, clip.video.length, "every video frame is in the file");
  // Audio before the first keyframe is dropped; the tail is complete, so count from the end.
  const firstAudio = clip.audio.length - a.length;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const videoOffset = mean(v.map((t, k) => t - k / FPS));
  const audioOffset = mean(a.map((t, j) => t - (firstAudio + j) * 0.02));
  return (audioOffset - videoOffset) * 1000;
}

test("recorder - sender reports put late-arriving video on its capture time (A/V within 10 ms)", async (t) => {
  const skewMs = await recordSkew(true);
  t.diagnostic(`audio − video ${skewMs.toFixed(1)} ms`);
  assert.ok(Math.abs(skewMs) <= 10, `audio − video ${skewMs.toFixed(1)} ms`);
});

test("recorder - without sender reports the arrival skew shows (control for the measurement)", async (t) => {
  const skewMs = await recordSkew(false);
  t.diagnostic(`audio − video ${skewMs.toFixed(1)} ms`);
  assert.ok(Math.abs(skewMs + VIDEO_LATE_MS) <= 10, `audio − video ${skewMs.toFixed(1)} ms`);
});
