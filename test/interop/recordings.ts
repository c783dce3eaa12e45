/**
 * What the interop tests assert about a recorded stream, in one place: each file of a stream
 * has audio (Opus) and video (the codec the publisher sent), decodes without errors, and its
 * container duration and both tracks' media spans agree within 0.5 s. Checked with the real
 * ffprobe/ffmpeg (test/harness/ffprobe.ts).
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { countFrames, decodeErrors, mediaSpan, probe } from "../harness/ffprobe.ts";

/** Issue 3: "every file has both tracks, decodes without errors, duration within 0.5 s". */
export const DURATION_TOLERANCE_SEC = 0.5;

/** The fields of the per-segment JSON sidecar these tests read. */
export interface Sidecar {
  readonly streamId: string;
  readonly file: string;
  readonly finalized: boolean;
  readonly durationSec: number;
  readonly videoCodec: string | null;
  readonly audioCodec: string | null;
}

export interface StreamRecording {
  readonly dir: string;
  /** Media files (.webm/.mkv), oldest first (names start with the UTC start time). */
  readonly files: readonly string[];
  readonly sidecars: readonly Sidecar[];
}

/** Files of one stream under `<outDir>/<room>/<stream>/`; empty while nothing was written. */
export async function streamRecording(outDir: string, room: string, stream: string): Promise<StreamRecording> {
  const dir = join(outDir, room, stream);
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return { dir, files: [], sidecars: [] };
  }
  const sidecars: Sidecar[] = [];
  for (const n of names.filter((f) => f.endsWith(".json"))) {
    try {
      sidecars.push(JSON.parse(await readFile(join(dir, n), "utf8")) as Sidecar);
    } catch {
      // Being written right now: the next poll reads it.
    }
  }
  return { dir, files: names.filter((f) => /\.(webm|mkv)$/.test(f)), sidecars };
}

/** Number of finalized segments of a stream (sidecar `finalized: true`). */
export async function finalizedCount(outDir: string, room: string, stream: string): Promise<number> {
  return (await streamRecording(outDir, room, stream)).sidecars.filter((s) => s.finalized).length;
}

/**
 * Asserts every file of the stream is a good recording of `videoCodec` + Opus and returns the
 * summed duration. Files shorter than `minTotalSec` in sum fail: a stream that was not really
 * recorded must not pass.
 */
export async function assertStreamRecorded(outDir: string, room: string, stream: string, videoCodec: string, minTotalSec = 2): Promise<number> {
  const rec = await streamRecording(outDir, room, stream);
  assert.ok(rec.files.length > 0, `no recording in ${rec.dir}`);
  let total = 0;
  for (const name of rec.files) {
    const file = join(rec.dir, name);
    const p = await probe(file);
    const what = `${stream}/${name}`;
    assert.deepEqual(p.streams.map((s) => s.type).sort(), ["audio", "video"], `${what}: tracks ${JSON.stringify(p.streams)}`);
    assert.equal(p.streams.find((s) => s.type === "video")?.codec, videoCodec, `${what}: video codec`);
    assert.equal(p.streams.find((s) => s.type === "audio")?.codec, "opus", `${what}: audio codec`);
    assert.equal(await decodeErrors(file), "", `${what}: decode errors`);
    assert.ok((await countFrames(file, "video")) > 0, `${what}: no decodable video frame`);
    const [video, audio] = [await mediaSpan(file, "video"), await mediaSpan(file, "audio")];
    assert.ok(Math.abs(video - audio) <= DURATION_TOLERANCE_SEC, `${what}: video ${video}s vs audio ${audio}s`);
    assert.ok(Math.abs(p.durationSec - Math.max(video, audio)) <= DURATION_TOLERANCE_SEC, `${what}: duration ${p.durationSec}s vs media ${video}s/${audio}s`);
    const sidecar = rec.sidecars.find((s) => s.file === name);
    assert.ok(sidecar?.finalized, `${what}: sidecar missing or not finalized`);
    total += p.durationSec;
  }
  assert.ok(total >= minTotalSec, `${stream}: only ${total.toFixed(2)}s recorded`);
  return total;
}
