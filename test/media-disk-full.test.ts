/**
 * Disk full for real: the stream directory is a small tmpfs (mounting needs root; skipped
 * otherwise) with a filler file. The recorder reports `disk-error` (ENOSPC) without throwing,
 * keeps what it wrote, and starts a new segment once space comes back; the earlier, finished
 * segment is never touched.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { byArrival, makeClip, packetizeAudio, packetizeVideo } from "./fixtures/media-clips.ts";
import { decodeErrors, durationSec, frameCount, probe } from "./fixtures/media-probe.ts";
import { audio, segmentFiles, sidecarOf, startRecording, tempDir, video } from "./fixtures/media-record.ts";

const SECONDS = 10;
const canMount = process.getuid?.() === 0;

test("recorder - ENOSPC on a full tmpfs: disk-error, earlier segment intact, recovers when space returns", { skip: !canMount && "needs root to mount a tmpfs" }, async (t) => {
  const clip = makeClip({ video: "vp8", audio: true, seconds: SECONDS });
  const dir = tempDir("diskfull");
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", dir]);
  try {
    const filler = join(dir, "filler.bin");
    writeFileSync(filler, Buffer.alloc(250 * 1024)); // leaves ~150 KB: one 2 s segment (~90 KB) and part of the next
    const r = startRecording(dir, [video("vp8"), audio()], { segmentSeconds: 2 });
    const items = byArrival({ v: packetizeVideo("vp8", clip.video), a: packetizeAudio(clip.audio) });
    const half = items.findIndex((i) => i.pkt.arrivalMs - (items[0]?.pkt.arrivalMs ?? 0) >= 5000);
    assert.doesNotThrow(() => r.feed(items.slice(0, half)));
    const error = r.events.find((e) => e.type === "disk-error");
    assert.ok(error && error.type === "disk-error" && /ENOSPC/.test(error.error), JSON.stringify(r.events));
    assert.match(r.recorder.stats().diskError ?? "", /ENOSPC/);

    rmSync(filler);
    r.feed(items.slice(half));
    await r.recorder.close();
    assert.ok(r.events.some((e) => e.type === "disk-recovered"));
    assert.equal(r.recorder.stats().diskError, undefined);

    const files = segmentFiles(dir);
    t.diagnostic(`segments: ${files.map((f) => `${f.slice(-9)} ${durationSec(probe(f)).toFixed(2)} s`).join(", ")}; events: ${r.events.map((e) => e.type).join(" ")}`);
    assert.ok(files.length >= 3, files.join());
    const [first, abandoned] = files as [string, string];
    const last = files.at(-1) as string;
    // The finished segment before the error: finalized and whole.
    assert.equal(decodeErrors(first), "");
    assert.ok(Math.abs(durationSec(probe(first)) - 2) <= 0.2);
    assert.equal(sidecarOf(first).finalized, true);
    // The segment the disk filled up under: readable up to its last whole cluster.
    assert.ok(frameCount(probe(abandoned, true), "video") > 0, "abandoned segment keeps its flushed clusters");
    assert.equal(decodeErrors(abandoned), "");
    // After recovery: a new, finalized segment that decodes cleanly.
    assert.equal(decodeErrors(last), "");
    assert.equal(sidecarOf(last).finalized, true);
    assert.ok(frameCount(probe(last, true), "video") > 0);
  } finally {
    execFileSync("umount", [dir]);
  }
});
