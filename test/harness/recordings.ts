/**
 * Finding and measuring what the recorder wrote (docs/recording.md, "File layout"):
 * `<out>/<roomDir>/<streamKey>/<stamp>-<seq>.<webm|mkv>`.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { promisify } from "node:util";
import type { ViewerMedia } from "./publisher.ts";

const run = promisify(execFile);

/**
 * Media files of one stream, in recording order, found by their sidecar's `streamId` (so a test
 * does not depend on how a hostile id became a directory name). Each must sit exactly two
 * levels below `out`: a stranger's id never escapes or adds a directory.
 */
export async function recordedFiles(out: string, streamId: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(out, { recursive: true })) {
    if (!entry.endsWith(".json")) continue;
    const sidecar = JSON.parse(await readFile(join(out, entry), "utf8")) as { streamId?: string; file?: string };
    if (sidecar.streamId !== streamId || sidecar.file === undefined) continue;
    const parts = entry.split(sep);
    if (parts.length !== 3) throw new Error(`${entry}: not at <out>/<room>/<stream>/`);
    files.push(join(out, dirname(entry), sidecar.file));
  }
  return files.sort();
}

/** Seconds of media the publisher sent to its one viewer (the recorder). */
export function viewerSpanSec(viewers: readonly ViewerMedia[]): number {
  const withMedia = viewers.filter((v) => v.mediaStartedAt !== undefined);
  if (withMedia.length !== 1) throw new Error(`expected media to exactly one viewer, got ${JSON.stringify(viewers)}`);
  const v = withMedia[0]!;
  if (v.mediaEndedAt === undefined) throw new Error(`viewer ${v.viewer} has no media end`);
  return (v.mediaEndedAt - v.mediaStartedAt!) / 1000;
}

/** Video packet times (s) in file order, for counting frames and finding gaps. */
export async function videoPacketTimes(file: string): Promise<number[]> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(Number)
    .filter(Number.isFinite);
}

/** Largest step between consecutive video packet times: a hole in the recording shows here. */
export function largestGapSec(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < sorted.length; i++) gap = Math.max(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}
