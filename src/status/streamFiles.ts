/**
 * What a stream's directory holds, read from the sidecars the recorder writes beside every file
 * (docs/recording.md): the status report's finished files are what is on disk, so its numbers
 * are the files' own, and streams that left (no worker, no roster entry) are still listed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface FileInfo {
  readonly name: string;
  readonly bytes: number;
  readonly durationSec: number;
  /** Wall clock of the first frame, ISO. */
  readonly start?: string;
}

export interface StreamDirectory {
  readonly key: string;
  /** From the newest sidecar; a stream that never wrote one has none. */
  readonly streamId?: string;
  readonly label?: string;
  /** Finalized files, oldest first. */
  readonly finished: readonly FileInfo[];
}

interface Sidecar {
  readonly file?: unknown;
  readonly streamId?: unknown;
  readonly label?: unknown;
  readonly start?: unknown;
  readonly durationSec?: unknown;
  readonly finalized?: unknown;
}

/** Every stream directory under the room's directory; none when it does not exist yet. */
export function readRoomDirectory(roomDir: string): StreamDirectory[] {
  return entries(roomDir)
    .filter((name) => statSync(join(roomDir, name), { throwIfNoEntry: false })?.isDirectory() === true)
    .map((key) => readStreamDirectory(join(roomDir, key), key));
}

function readStreamDirectory(dir: string, key: string): StreamDirectory {
  const finished: FileInfo[] = [];
  let newest: Sidecar | undefined;
  for (const name of entries(dir).filter((n) => n.endsWith(".json"))) {
    const sidecar = readJson(join(dir, name));
    if (!sidecar || typeof sidecar.file !== "string") continue;
    newest = sidecar;
    // The file's size, not the sidecar's count: that is what a reader of the file gets.
    const st = statSync(join(dir, sidecar.file), { throwIfNoEntry: false });
    if (sidecar.finalized !== true || !st) continue;
    finished.push({
      name: sidecar.file,
      bytes: st.size,
      durationSec: typeof sidecar.durationSec === "number" ? sidecar.durationSec : 0,
      ...(typeof sidecar.start === "string" ? { start: sidecar.start } : {}),
    });
  }
  return {
    key,
    ...(typeof newest?.streamId === "string" ? { streamId: newest.streamId } : {}),
    ...(typeof newest?.label === "string" ? { label: newest.label } : {}),
    finished,
  };
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function readJson(path: string): Sidecar | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof v === "object" && v !== null ? (v as Sidecar) : undefined;
  } catch {
    // Being renamed into place, or not ours.
    return undefined;
  }
}
