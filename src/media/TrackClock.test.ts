import assert from "node:assert/strict";
import { test } from "node:test";
import { TrackClock, type SyncReference } from "./TrackClock.ts";

test("TrackClock - unwraps the 32-bit RTP clock", () => {
  const c = new TrackClock(90000, {});
  const t0 = c.wallMs(2 ** 32 - 9000, 1000);
  assert.ok(Math.abs(c.wallMs(9000 - 1, 0) - t0 - (18000 - 1) / 90) < 1e-6);
});

test("TrackClock - sender reports align a late-arriving track on capture time, slewed and monotonic", () => {
  const sync: SyncReference = {};
  const audio = new TrackClock(48000, sync);
  const video = new TrackClock(90000, sync);
  // Both captured at sender time 5000 ms; video's first packet arrives 200 ms after audio's.
  assert.equal(audio.wallMs(0, 10_000), 10_000);
  audio.senderReport(5000, 0);
  assert.equal(video.wallMs(0, 10_200), 10_200);
  video.senderReport(5000, 0);
  let last = 10_200;
  let t = 0;
  for (let ts = 3000; ts <= 90000 * 10; ts += 3000) {
    t = video.wallMs(ts, 0);
    assert.ok(t > last);
    last = t;
  }
  // After 10 s of media the 200 ms offset is gone: video at 10 s maps to audio's 10 s.
  assert.ok(Math.abs(t - (10_000 + 10_000)) < 1, `video at ${t}`);
});

test("TrackClock - sender reports that precede the media place a late track on capture time from its first frame", () => {
  const sync: SyncReference = {};
  const audio = new TrackClock(48000, sync);
  const video = new TrackClock(90000, sync);
  // Both SRs arrive before any media (sender clock 5000 ms = RTP 0 on both).
  audio.senderReport(5000, 0);
  video.senderReport(5000, 0);
  assert.equal(audio.wallMs(0, 10_000), 10_000);
  // Video captured at the same instant arrives 200 ms later: it still lands on 10 000.
  assert.equal(video.wallMs(0, 10_200), 10_000);
  assert.equal(video.wallMs(90000, 11_200), 11_000);
});
