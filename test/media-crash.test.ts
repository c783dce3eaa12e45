/**
 * Crash tolerance: a recorder process SIGKILLed mid-recording leaves every finished segment fully
 * playable and the current one readable up to its last flushed cluster.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { waitFor } from "./harness/wait.ts";
import { decodeErrors, durationSec, frameCount, probe } from "./fixtures/media-probe.ts";
import { byArrival, makeClip, packetizeAudio, packetizeVideo } from "./fixtures/media-clips.ts";
import { audio, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";

test("recorder - SIGKILL mid-recording leaves finished segments playable and the current one readable", async () => {
  makeClip({ video: "vp8", audio: true, seconds: 8 }); // encode here, so the child starts feeding at once
  const dir = tempDir("sigkill");
  const child = spawn(process.execPath, ["test/fixtures/media-sigkill-recorder.ts", dir], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  let closed = 0;
  let mediaMs = 0;
  createInterface({ input: child.stdout }).on("line", (line) => {
    const e = JSON.parse(line) as { type: string; mediaMs?: number };
    if (e.type === "segment-closed") closed++;
    if (e.type === "progress") mediaMs = e.mediaMs ?? 0;
  });
  try {
    // Two whole segments done, and the third has had ~1.5 s of media: at least one cluster on disk.
    await waitFor(() => closed >= 2 && mediaMs >= 5500, 60_000, "two closed segments and 5.5 s of media");
  } finally {
    child.kill("SIGKILL");
  }
  assert.equal(await exited, "SIGKILL");

  const files = segmentFiles(dir);
  assert.equal(files.length, 3);
  for (const f of files.slice(0, 2)) {
    assert.equal(decodeErrors(f), "", f);
    assert.ok(Math.abs(durationSec(probe(f)) - 2) <= 0.2, f);
    assert.equal(sidecarOf(f).finalized, true);
  }
  const current = files[2] as string;
  assert.equal(decodeErrors(current), "");
  const p = probe(current, true);
  assert.ok(frameCount(p, "video") > 0);
  assert.ok(durationSec(p) > 0, "duration patched at the last flush");
  assert.equal(sidecarOf(current).finalized, false);
});

test("recorder - a segment cut off in its first second (not closed) is already readable", async () => {
  const clip = makeClip({ video: "vp8", audio: true, seconds: 8 });
  const dir = tempDir("early");
  const r = startRecording(dir, [video("vp8"), audio()]);
  // 0.3 s of media and no close(): what a SIGKILL right after a segment opens leaves on disk
  // (writes are synchronous, so the file is in that state now).
  r.feed(byArrival({ v: packetizeVideo("vp8", clip.video.slice(0, 10)), a: packetizeAudio(clip.audio.slice(0, 15)) }));
  const [file] = segmentFiles(dir);
  assert.ok(file);
  assert.equal(decodeErrors(file), "");
  assert.ok(frameCount(probe(file, true), "video") >= 1, "the opening keyframe is on disk");
});
