/**
 * What the interop tests assert about a recorded stream, in one place: each file of a stream
 * has audio (Opus) and video (the codec the publisher sent), decodes without errors, its
 * container duration and both tracks' media spans agree within 0.5 s, and its sidecar says it
 * was finalized. Checked with the real ffprobe/ffmpeg (test/harness/ffprobe.ts).
 */
import assert from "node:assert/strict";
import { streamKey } from "../../src/bus/subjects.ts";
import { countFrames, decodeErrors, mediaSpan, probe } from "../harness/ffprobe.ts";
import { listSegments, type RecordedSegment } from "../harness/recorder.ts";

/** Issue 3: "every file has both tracks, decodes without errors, duration within 0.5 s". */
export const DURATION_TOLERANCE_SEC = 0.5;

/** Segments of one stream (by base stream id), oldest first. */
export function streamSegments(outDir: string, stream: string): RecordedSegment[] {
  const key = streamKey(stream);
  return listSegments(outDir).filter((s) => s.streamDir === key);
}

/** Segments of the stream whose sidecar says finalized. */
export function finalizedSegments(outDir: string, stream: string): RecordedSegment[] {
  return streamSegments(outDir, stream).filter((s) => s.sidecar?.finalized === true);
}

/**
 * Asserts every file of the stream is a good recording of `videoCodec` + Opus and returns the
 * summed duration, which must reach `minTotalSec`: a stream that was not really recorded must
 * not pass.
 */
export async function assertStreamRecorded(outDir: string, stream: string, videoCodec: string, minTotalSec = 2): Promise<number> {
  const segments = streamSegments(outDir, stream);
  assert.ok(segments.length > 0, `no recording of ${stream} under ${outDir}: ${listSegments(outDir).map((s) => s.relative).join(", ")}`);
  let total = 0;
  for (const seg of segments) {
    const what = seg.relative;
    const p = await probe(seg.file);
    assert.deepEqual(p.streams.map((s) => s.type).sort(), ["audio", "video"], `${what}: tracks ${JSON.stringify(p.streams)}`);
    assert.equal(p.streams.find((s) => s.type === "video")?.codec, videoCodec, `${what}: video codec`);
    assert.equal(p.streams.find((s) => s.type === "audio")?.codec, "opus", `${what}: audio codec`);
    assert.equal(await decodeErrors(seg.file), "", `${what}: decode errors`);
    assert.ok((await countFrames(seg.file, "video")) > 0, `${what}: no decodable video frame`);
    const video = await mediaSpan(seg.file, "video");
    const audio = await mediaSpan(seg.file, "audio");
    assert.ok(Math.abs(video - audio) <= DURATION_TOLERANCE_SEC, `${what}: video ${video}s vs audio ${audio}s`);
    assert.ok(Math.abs(p.durationSec - Math.max(video, audio)) <= DURATION_TOLERANCE_SEC, `${what}: duration ${p.durationSec}s vs media ${video}s/${audio}s`);
    assert.equal(seg.sidecar?.finalized, true, `${what}: sidecar missing or not finalized`);
    total += p.durationSec;
  }
  assert.ok(total >= minTotalSec, `${stream}: only ${total.toFixed(2)}s recorded`);
  return total;
}

/** Seconds of one kind of media across all of a stream's files (sum of ffprobe packet spans). */
export async function recordedSpanSec(outDir: string, stream: string, kind: "audio" | "video"): Promise<number> {
  let total = 0;
  for (const seg of streamSegments(outDir, stream)) total += await mediaSpan(seg.file, kind);
  return total;
}

/**
 * End reasons of the stream's worker processes, read from the recorder's log (the supervisor
 * relays each worker line under `worker`): `bye` means the publisher's goodbye arrived, as
 * opposed to `peer-lost` after the inactivity timeout.
 */
export function workerEndReasons(recorderStderr: string, stream: string): string[] {
  const reasons: string[] = [];
  for (const line of recorderStderr.split("\n")) {
    if (!line.includes("worker exiting")) continue;
    try {
      const l = JSON.parse(line) as { stream?: string; worker?: { msg?: string; reason?: string } };
      if (l.stream === streamKey(stream) && l.worker?.msg === "worker exiting" && l.worker.reason) reasons.push(l.worker.reason);
    } catch {
      continue;
    }
  }
  return reasons;
}
