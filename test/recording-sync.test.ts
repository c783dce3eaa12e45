/**
 * A/V sync end to end: a clip with a white frame and a beep at every whole second, sent by a
 * werift publisher whose sender reports are correct, recorded by a real worker process. In the
 * file, each flash and the onset of its beep must be within 40 ms on average; and the sidecar's
 * wall-clock start must put each flash within 100 ms of when the publisher "captured" it, which is
 * what lets files of different streams be lined up.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, test } from "node:test";
import { makeFlashBeepClip } from "./fixtures/media-clips.ts";
import { decodeErrors, packetTimes } from "./fixtures/media-probe.ts";
import { startRig } from "./fixtures/media-e2e-rig.ts";
import { sidecarOf } from "./fixtures/media-record.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const TIMEOUT_MS = 60_000;
const SECONDS = 8;
const SAMPLE_RATE = 48000;

/** Presentation times (s) of the white frames. */
function flashTimes(file: string): number[] {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-map", "0:v:0", "-vf", "scale=8:8,format=gray", "-fps_mode", "passthrough", "-f", "rawvideo", "-"], { maxBuffer: 64 << 20 });
  const pts = packetTimes(file, "video");
  const out: number[] = [];
  for (let k = 0; k * 64 < raw.length; k++) {
    const mean = raw.subarray(k * 64, k * 64 + 64).reduce((s, v) => s + v, 0) / 64;
    if (mean > 128 && pts[k] !== undefined) out.push(pts[k] as number);
  }
  return out;
}

/** Presentation times (s) where a beep starts after at least 0.5 s of silence. */
function beepOnsets(file: string): number[] {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-map", "0:a:0", "-ac", "1", "-ar", String(SAMPLE_RATE), "-f", "s16le", "-"], { maxBuffer: 64 << 20 });
  const start = packetTimes(file, "audio")[0] ?? 0;
  const out: number[] = [];
  let lastLoud = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (Math.abs(raw.readInt16LE(i)) < 3000) continue;
    const t = start + i / 2 / SAMPLE_RATE;
    if (t - lastLoud > 0.5) out.push(t);
    lastLoud = t;
  }
  return out;
}

test("recording through werift - flash and beep line up within 40 ms; the sidecar start within 100 ms of capture", async (t) => {
  makeFlashBeepClip(SECONDS);
  await using rig = await startRig({ sender: { flashBeep: true, seconds: SECONDS } });
  await waitFor(() => rig.sent().done, TIMEOUT_MS, "publisher sent the whole clip");
  await waitFor(() => (rig.heartbeats.at(-1)?.durationSec ?? 0) >= SECONDS - 1.5, TIMEOUT_MS, "worker wrote the clip");
  assert.equal(await rig.stopWorker(), 0, rig.workerStderr());

  const [file, ...rest] = rig.segmentFiles();
  assert.ok(file && rest.length === 0);
  assert.equal(decodeErrors(file), "");
  const flashes = flashTimes(file);
  const beeps = beepOnsets(file);
  const pairs = flashes.flatMap((f) => {
    const b = beeps.find((x) => Math.abs(x - f) < 0.5);
    return b === undefined ? [] : [(b - f) * 1000];
  });
  assert.ok(pairs.length >= SECONDS - 2, `${pairs.length} flash/beep pairs (flashes ${flashes.length}, beeps ${beeps.length})`);
  const meanAbs = pairs.reduce((s, d) => s + Math.abs(d), 0) / pairs.length;

  // Each flash is at a whole second of the publisher's media clock, which started at mediaStartedAt.
  const startMs = sidecarOf(file).startEpochMs as number;
  const zero = rig.mediaStartedAt()!;
  const wallErrors = flashes.map((f) => {
    const wall = startMs + f * 1000;
    return wall - (zero + Math.round((wall - zero) / 1000) * 1000);
  });
  const worstWall = Math.max(...wallErrors.map(Math.abs));
  t.diagnostic(`beep − flash per second (ms): ${pairs.map((d) => d.toFixed(1)).join(" ")}; mean |Δ| ${meanAbs.toFixed(1)} ms`);
  t.diagnostic(`sidecar wall clock − capture (ms): ${wallErrors.map((d) => d.toFixed(0)).join(" ")}`);
  assert.ok(meanAbs <= 40, `mean |beep − flash| ${meanAbs.toFixed(1)} ms`);
  assert.ok(worstWall <= 100, `sidecar wall clock off by up to ${worstWall.toFixed(0)} ms`);
});
