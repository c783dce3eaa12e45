/**
 * Finding and measuring what the recorder wrote (docs/recording.md, "File layout"):
 * `<out>/<roomDir>/<streamKey>/<stamp>-<seq>.<webm|mkv>`.
 */
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { streamKey } from "../../src/bus/subjects.ts";
import type { ViewerMedia } from "./publisher.ts";

const run = promisify(execFile);

/** Media files of one stream, any room directory, in recording order. */
export async function recordedFiles(out: string, streamId: string): Promise<string[]> {
  const key = streamKey(streamId);
  const files: string[] = [];
  for (const room of await readdir(out, { withFileTypes: true })) {
    if (!room.isDirectory()) continue;
    const dir = join(out, room.name, key);
    const names = await readdir(dir).catch(() => [] as string[]);
    files.push(...names.filter((n) => /\.(webm|mkv)$/.test(n)).sort().map((n) => join(dir, n)));
  }
  return files;
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
