/**
 * A resolution change mid-stream (640x360 → 1280x720), end to end through werift into a worker
 * process: VP8 changes size in-band, and so does H.264 (the new SPS/PPS travel in the IDR's block):
 * one file each. Every file decodes without errors.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { makeClip, type ClipVideo } from "./fixtures/media-clips.ts";
import { decodeErrors } from "./fixtures/media-probe.ts";
import { startRig } from "./fixtures/media-e2e-rig.ts";
import { sidecarOf } from "./fixtures/media-record.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const TIMEOUT_MS = 60_000;
const SECONDS = 2;
const SIZES = [[640, 360], [1280, 720]] as const;

for (const codec of ["vp8", "h264"] as const satisfies readonly ClipVideo[]) {
  test(`recording through werift - ${codec} 640x360 → 1280x720 decodes without errors`, async () => {
    for (const [width, height] of SIZES) makeClip({ video: codec, seconds: SECONDS, width, height });
    await using rig = await startRig({ sender: { video: codec, seconds: SECONDS, sizes: SIZES }, preferCodec: codec });
    await waitFor(() => rig.sent().done, TIMEOUT_MS, "publisher sent both sizes");
    await waitFor(() => (rig.heartbeats.at(-1)?.width ?? 0) === 1280, TIMEOUT_MS, "worker saw 1280x720");
    assert.equal(await rig.stopWorker(), 0, rig.workerStderr());

    const files = rig.segmentFiles();
    assert.equal(files.length, 1);
    assert.equal(decodeErrors(files[0] as string), "");
    const changes = sidecarOf(files[0] as string).resolutionChanges as { width: number; height: number }[];
    assert.deepEqual(changes.map((c) => `${c.width}x${c.height}`), ["640x360", "1280x720"]);
  });
}
