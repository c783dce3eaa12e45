import type { Heartbeat, IceFailure, SelectedPair, WorkerState } from "../bus/messages.ts";
import type { RecorderStats } from "../media/types.ts";
import type { RecorderTotals } from "./WorkerMetrics.ts";

/** No media for this long on a connected peer shows as `stalled` (inactivity ends it later). */
export const STALL_AFTER_MS = 3000;
export const HEARTBEAT_INTERVAL_MS = 1000;

/** Recorder totals of a whole worker: finished recorders (earlier sessions) plus the current one. */
export function addTotals(a: RecorderTotals, s: RecorderStats | undefined): RecorderTotals {
  if (!s) return a;
  return {
    framesWritten: a.framesWritten + s.framesWritten,
    bytesWritten: a.bytesWritten + s.bytesWritten,
    keyframes: a.keyframes + s.keyframes,
    rotations: a.rotations + Math.max(0, s.segments - 1),
    segments: a.segments + s.segments,
    packetsLost: a.packetsLost + s.packetsLost,
  };
}

export const ZERO_TOTALS: RecorderTotals = { framesWritten: 0, bytesWritten: 0, keyframes: 0, rotations: 0, segments: 0, packetsLost: 0 };

/** The state to report, from the lifecycle phase and the media clock. */
export function reportedState(phase: WorkerState, stats: RecorderStats | undefined, now: number): WorkerState {
  if (phase !== WorkerStateRecording) return phase;
  if (stats?.diskError) return "disk-error";
  if (stats?.lastMediaAt !== undefined && now - stats.lastMediaAt > STALL_AFTER_MS) return "stalled";
  return phase;
}
const WorkerStateRecording: WorkerState = "recording";

export interface HeartbeatInput {
  readonly key: string;
  readonly instance: string;
  readonly phase: WorkerState;
  readonly uuid?: string;
  readonly label?: string;
  readonly stats?: RecorderStats;
  readonly totals: RecorderTotals;
  /** Bytes written since the previous heartbeat, and over how long. */
  readonly bytesDelta: number;
  readonly intervalMs: number;
  readonly nacks: number;
  readonly plis: number;
  readonly icePair?: SelectedPair;
  readonly iceFailure?: IceFailure;
  readonly now: number;
}

export function buildHeartbeat(i: HeartbeatInput): Heartbeat {
  const s = i.stats;
  const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));
  return {
    type: "heartbeat",
    key: i.key,
    instance: i.instance,
    state: reportedState(i.phase, s, i.now),
    ...opt("uuid", i.uuid),
    ...opt("label", i.label),
    ...opt("videoCodec", s?.videoCodec),
    ...opt("audioCodec", s?.audioCodec),
    ...opt("width", s?.width),
    ...opt("height", s?.height),
    bitrateKbps: i.intervalMs > 0 ? Math.round((i.bytesDelta * 8) / i.intervalMs) : 0,
    bytesWritten: i.totals.bytesWritten,
    framesWritten: i.totals.framesWritten,
    segments: i.totals.segments,
    ...opt("file", s?.currentFile),
    durationSec: s?.durationSec ?? 0,
    ...opt("lastMediaAt", s?.lastMediaAt),
    packetsLost: i.totals.packetsLost,
    nacks: i.nacks,
    plis: i.plis,
    ...opt("error", s?.diskError),
    ...opt("icePair", i.icePair),
    ...opt("iceFailure", i.iceFailure),
  };
}
