/**
 * Resolution changes mid-stream, end to end through werift into a worker process (issue 13): a
 * publisher goes through five sizes, one second each. VP8, VP9 and H.264 give one file (H.264's new
 * SPS/PPS travel in-band); AV1 gives one file per sequence header, as its Matroska mapping
 * requires, listed in order in the sidecars. Every file plays to its end in ffmpeg (no decode
 * message), GStreamer `playbin` (EOS, no error) and Chromium's `<video>` (`ended`, no `error`),
 * and the players see the sizes the sidecar lists.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { after, test } from "node:test";
import { makeClip, type ClipVideo } from "./fixtures/media-clips.ts";
import { startRig } from "./fixtures/media-e2e-rig.ts";
import { sidecarOf } from "./fixtures/media-record.ts";
import { assertPlaysEverywhere } from "./harness/playback.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const TIMEOUT_MS = 60_000;
const SECONDS = 1;
/** The last size differs from all others, so the worker's heartbeat shows when it arrived. */
const SIZES = [[640, 360], [320, 180], [1280, 720], [480, 270], [960, 540]] as const;
const sizeNames = SIZES.map(([w, h]) => `${w}x${h}`);

interface Piece {
  readonly index: number;
  readonly startedBy: string;
  readonly files: readonly string[];
}

for (const codec of ["vp8", "vp9", "h264", "av1"] as const satisfies readonly ClipVideo[]) {
  test(`recording through werift - ${codec} through ${SIZES.length} sizes plays to the end in ffmpeg, GStreamer and Chromium`, async () => {
    for (const [width, height] of SIZES) makeClip({ video: codec, seconds: SECONDS, width, height });
    await using rig = await startRig({ sender: { video: codec, seconds: SECONDS, sizes: SIZES }, preferCodec: codec });
    await waitFor(() => rig.sent().done, TIMEOUT_MS, "publisher sent every size");
    await waitFor(() => (rig.heartbeats.at(-1)?.width ?? 0) === 960, TIMEOUT_MS, "worker saw the last size");
    assert.equal(await rig.stopWorker(), 0, rig.workerStderr());

    const files = rig.segmentFiles();
    const last = sidecarOf(files.at(-1) as string).piece as Piece;
    assert.deepEqual(last.files, files.map((f) => basename(f)), "the last sidecar lists every file in order");
    if (codec === "av1") assert.equal(files.length, SIZES.length, "one file per sequence header");
    else assert.equal(files.length, 1, "one file for the connection");

    const recorded: string[] = [];
    for (const f of files) {
      const listed = (sidecarOf(f).resolutionChanges as { width: number; height: number }[]).map((c) => `${c.width}x${c.height}`);
      recorded.push(...listed);
      await assertPlaysEverywhere(f, listed);
    }
    assert.deepEqual(recorded, sizeNames, "the sidecars list every size in order");
  });
}
