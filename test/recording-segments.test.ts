/**
 * Segments end to end, through werift into a real worker process: `kill -9` of the worker leaves
 * every segment readable (earlier ones finalized); rotation every 10 s over 60 s joins without a
 * missing or duplicated frame and the segments add up to the published time.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { FPS, makeClip } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, packetTimes, probe } from "./fixtures/media-probe.ts";
import { startRig } from "./fixtures/media-e2e-rig.ts";
import { sidecarOf } from "./fixtures/media-record.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const TIMEOUT_MS = 60_000;
const CLIP_SECONDS = 10;

test("recording through werift - kill -9 of the worker: finished segments play, the current one is readable", async () => {
  makeClip({ video: "vp8", audio: true, seconds: CLIP_SECONDS });
  await using rig = await startRig({ sender: { video: "vp8", audio: true, seconds: CLIP_SECONDS, loop: true }, output: { segmentSeconds: 2 } });
  await waitFor(() => (rig.heartbeats.at(-1)?.segments ?? 0) >= 3 && (rig.heartbeats.at(-1)?.durationSec ?? 0) >= 5.5, TIMEOUT_MS, "two closed segments and 1.5 s of a third");
  await rig.killWorker();

  const files = rig.segmentFiles();
  assert.ok(files.length >= 3, files.join());
  for (const f of files.slice(0, -1)) {
    assert.equal(decodeErrors(f), "", f);
    assert.ok(Math.abs(durationSec(probe(f)) - 2) <= 0.2, f);
    assert.equal(sidecarOf(f).finalized, true);
  }
  const current = files.at(-1) as string;
  assert.equal(decodeErrors(current), "");
  const p = probe(current, true);
  assert.ok(frameCount(p, "video") > 0, "the current segment holds the flushed clusters");
  assert.equal(sidecarOf(current).finalized, false);
});

test("recording through werift - rotation every 10 s for 60 s: no frame lost or doubled at the joins", async (t) => {
  makeClip({ video: "vp8", audio: true, seconds: CLIP_SECONDS });
  await using rig = await startRig({ sender: { video: "vp8", audio: true, seconds: CLIP_SECONDS, loop: true }, output: { segmentSeconds: 10 } });
  await waitFor(() => (rig.heartbeats.at(-1)?.durationSec ?? 0) >= 60, 120_000, "60 s recorded");
  assert.equal(await rig.stopWorker(), 0, rig.workerStderr());

  const files = rig.segmentFiles();
  assert.ok(files.length >= 6 && files.length <= 7, `${files.length} segments`);
  let total = 0;
  const gapsMs: number[] = [];
  /** Wall clock of every video frame of every segment, in order. */
  const videoWall: number[] = [];
  let previousEnd: number | undefined;
  for (const f of files) {
    assert.equal(decodeErrors(f), "", f);
    const side = sidecarOf(f);
    assert.equal(side.finalized, true);
    total += durationSec(probe(f));
    const start = side.startEpochMs as number;
    videoWall.push(...packetTimes(f, "video").map((pts) => start + pts * 1000));
    if (previousEnd !== undefined) gapsMs.push(start - previousEnd);
    previousEnd = side.endEpochMs as number;
  }
  const first = sidecarOf(files[0] as string).startEpochMs as number;
  const publishedSec = ((previousEnd as number) - first) / 1000;
  const steps = videoWall.slice(1).map((w, i) => w - (videoWall[i] as number));
  t.diagnostic(
    `${files.length} segments, sum ${total.toFixed(3)} s, span ${publishedSec.toFixed(3)} s, joins (ms): ${gapsMs.map((g) => g.toFixed(1)).join(" ")}; ` +
    `${videoWall.length} video frames, steps ${Math.min(...steps).toFixed(1)}–${Math.max(...steps).toFixed(1)} ms`,
  );
  // A segment starts where the previous one ends (ms rounding of the last frame's duration aside).
  for (const g of gapsMs) assert.ok(Math.abs(g) <= 2, `join gap ${g} ms`);
  assert.ok(Math.abs(total - publishedSec) <= 0.2, `sum of segments ${total} s vs published ${publishedSec} s`);
  // Frame after frame, 30 fps across every join: a lost frame would be a 67 ms step, a doubled one 0.
  for (const step of steps) assert.ok(step > 25 && step < 42, `video step ${step} ms`);
});
