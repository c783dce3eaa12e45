/**
 * Segment file names: `<UTC start>-<seq>[-screen].<ext>`, e.g. `20261122T164501.123Z-0001.webm`.
 * The fixed-width stamp and sequence make a plain lexical sort chronological. Nothing in the name
 * comes from a stranger, so it cannot escape the stream directory.
 */
import type { DocType } from "./mkv/matroska.ts";
import type { TrackRole } from "./types.ts";

export function utcStamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, "");
}

export function segmentBaseName(startMs: number, seq: number, role: TrackRole): string {
  return `${utcStamp(startMs)}-${String(seq).padStart(4, "0")}${role === "screen" ? "-screen" : ""}`;
}

export function extensionFor(docType: DocType): "webm" | "mkv" {
  return docType === "webm" ? "webm" : "mkv";
}
