/**
 * Limits and disk trouble in a real worker process fed through werift: `--max-duration` ends the
 * recording with finalized files; a full disk (a small tmpfs; needs root) shows as `disk-error`
 * in the worker's heartbeat, the worker keeps recording what it can, and recovers when space
 * comes back, without touching the segments written before.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeClip } from "./fixtures/media-clips.ts";
import { decodeErrors } from "./fixtures/media-probe.ts";
import { startRig } from "./fixtures/media-e2e-rig.ts";
import { finalizedDuration, sidecarOf } from "./fixtures/media-record.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const TIMEOUT_MS = 60_000;
const CLIP_SECONDS = 10;

test("recording through werift - max duration ends the recording with finalized files", async () => {
  makeClip({ video: "vp8", audio: true, seconds: CLIP_SECONDS });
  await using rig = await startRig({ sender: { video: "vp8", audio: true, seconds: CLIP_SECONDS, loop: true }, output: { maxDurationSeconds: 4, segmentSeconds: 3 } });
  assert.equal(await rig.workerExited(), 0, rig.workerStderr());
  const ended = rig.fromWorker.find((m) => m.type === "ended");
  assert.equal(ended?.type === "ended" && ended.reason, "max-duration");
  const files = rig.segmentFiles();
  assert.equal(files.length, 2);
  const total = finalizedDuration(files);
  assert.ok(Math.abs(total - 4) <= 0.2, `recorded ${total} s`);
});

test("recording through werift - disk full: heartbeat says disk-error, earlier segments intact, recovery", { skip: process.getuid?.() !== 0 && "needs root to mount a tmpfs" }, async () => {
  makeClip({ video: "vp8", audio: true, seconds: CLIP_SECONDS });
  const outDir = mkdtempSync(join(tmpdir(), "rr-e2e-full-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", outDir]);
  try {
    const filler = join(outDir, "filler.bin");
    writeFileSync(filler, Buffer.alloc(300 * 1024)); // room for about two 2 s segments
    await using rig = await startRig({ sender: { video: "vp8", audio: true, seconds: CLIP_SECONDS, loop: true }, output: { segmentSeconds: 2 }, outDir });
    await waitFor(() => rig.heartbeats.some((h) => h.state === "disk-error"), TIMEOUT_MS, "heartbeat reports disk-error");
    const bad = rig.heartbeats.find((h) => h.state === "disk-error")!;
    assert.match(bad.error ?? "", /ENOSPC/);
    const before = rig.segmentFiles().length;

    rmSync(filler);
    await waitFor(() => rig.heartbeats.at(-1)?.state === "recording" && rig.segmentFiles().length > before, TIMEOUT_MS, "recording again after space came back");
    assert.equal(await rig.stopWorker(), 0, rig.workerStderr());

    const files = rig.segmentFiles();
    for (const f of files) assert.equal(decodeErrors(f), "", f);
    assert.equal(sidecarOf(files[0] as string).finalized, true);
    assert.equal(sidecarOf(files.at(-1) as string).finalized, true);
  } finally {
    execFileSync("umount", [outDir]);
  }
});
