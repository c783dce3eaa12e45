/**
 * `GET /status` of `record --status-port` (issue 14), pure: the supervisor's view of each stream
 * (its last heartbeat) and what is on disk in, one JSON document out. Its shape is
 * docs/status.schema.v1.json; change both together and raise `schema` for a breaking change.
 */
import { basename } from "node:path";
import type { StreamStatus } from "../supervisor/LocalSupervisor.ts";
import type { FileInfo, StreamDirectory } from "./streamFiles.ts";

export const STATUS_SCHEMA = "room-recorder/status/v1";
/** State of a stream that is no longer in the room and has no worker: only its files remain. */
export const LEFT = "left";

export interface StreamReport {
  readonly key: string;
  readonly streamId: string;
  readonly label: string | null;
  readonly state: string;
  readonly restarts: number;
  readonly codecs: { readonly video: string | null; readonly audio: string | null };
  readonly resolution: { readonly width: number; readonly height: number } | null;
  readonly bitrateKbps: number;
  readonly packetsLost: number;
  readonly currentFile: FileInfo | null;
  /** ISO time its running worker started; null without one. */
  readonly since: string | null;
  /** Finished files plus the current one, as on disk. */
  readonly bytes: number;
  readonly durationSec: number;
  readonly filesFinished: readonly FileInfo[];
}

export interface StatusReport {
  readonly schema: typeof STATUS_SCHEMA;
  readonly generatedAt: string;
  readonly room: string;
  readonly signaling: string;
  readonly streams: readonly StreamReport[];
  readonly totals: { readonly streams: number; readonly recording: number; readonly bytes: number; readonly durationSec: number; readonly filesFinished: number };
}

export interface StatusInput {
  readonly room: string;
  readonly signaling: string;
  readonly streams: readonly StreamStatus[];
  readonly directories: readonly StreamDirectory[];
  /** Size on disk of the file being written, by path. */
  readonly fileSize: (path: string) => number | undefined;
  readonly now: number;
}

export function buildStatusReport(i: StatusInput): StatusReport {
  const dirs = new Map(i.directories.map((d) => [d.key, d]));
  const live = i.streams.map((s) => liveStream(s, dirs.get(s.key)?.finished ?? [], i.fileSize));
  const known = new Set(i.streams.map((s) => s.key));
  const left = i.directories.filter((d) => !known.has(d.key) && d.finished.length > 0).map(leftStream);
  const streams = [...live, ...left].sort((a, b) => a.key.localeCompare(b.key));
  const sum = (f: (s: StreamReport) => number) => streams.reduce((n, s) => n + f(s), 0);
  return {
    schema: STATUS_SCHEMA,
    generatedAt: new Date(i.now).toISOString(),
    room: i.room,
    signaling: i.signaling,
    streams,
    totals: {
      streams: streams.length,
      recording: streams.filter((s) => s.state === "recording").length,
      bytes: sum((s) => s.bytes),
      durationSec: round(sum((s) => s.durationSec)),
      filesFinished: sum((s) => s.filesFinished.length),
    },
  };
}

function liveStream(s: StreamStatus, finished: readonly FileInfo[], fileSize: StatusInput["fileSize"]): StreamReport {
  const hb = s.heartbeat;
  // A file that is already finished (its sidecar says so) is not current any more.
  const path = hb?.file !== undefined && !finished.some((f) => f.name === basename(hb.file!)) ? hb.file : undefined;
  const currentFile = path === undefined ? null : { name: basename(path), bytes: fileSize(path) ?? 0, durationSec: round(hb?.durationSec ?? 0) };
  return {
    key: s.key,
    streamId: s.streamId,
    label: s.label ?? null,
    state: s.state,
    restarts: s.restarts,
    codecs: { video: hb?.videoCodec ?? null, audio: hb?.audioCodec ?? null },
    resolution: hb?.width && hb.height ? { width: hb.width, height: hb.height } : null,
    bitrateKbps: hb?.bitrateKbps ?? 0,
    packetsLost: hb?.packetsLost ?? 0,
    currentFile,
    since: s.since === undefined ? null : new Date(s.since).toISOString(),
    ...sizes(finished, currentFile),
    filesFinished: finished,
  };
}

function leftStream(d: StreamDirectory): StreamReport {
  return {
    key: d.key, streamId: d.streamId ?? d.key, label: d.label ?? null, state: LEFT, restarts: 0, codecs: { video: null, audio: null }, resolution: null,
    bitrateKbps: 0, packetsLost: 0, currentFile: null, since: null, ...sizes(d.finished, null), filesFinished: d.finished,
  };
}

function sizes(finished: readonly FileInfo[], current: FileInfo | null): { bytes: number; durationSec: number } {
  const all = current ? [...finished, current] : finished;
  return { bytes: all.reduce((n, f) => n + f.bytes, 0), durationSec: round(all.reduce((n, f) => n + f.durationSec, 0)) };
}

function round(sec: number): number {
  return Math.round(sec * 1000) / 1000;
}
