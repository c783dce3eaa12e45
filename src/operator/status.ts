/**
 * Status as a pure function of what was observed (style.md §7/§8): per-stream entries, counts,
 * phase and the five conditions. The controller writes the result once per pass, and only when
 * it differs from what is stored.
 */
import type { Heartbeat, SignalingState } from "../bus/messages.ts";
import type { RoomRecording, RoomRecordingStatus, StreamStatus } from "./types.ts";
import { ConditionType, mergeConditions, type ConditionInput } from "./conditions.ts";
import type { StartProblem } from "./podStart.ts";
import { iceProblem } from "./iceProblem.ts";
import { StreamPhase, type StreamDecision } from "./workers.ts";

/** A reason and a message, as conditions and Events carry them. */
export interface Cause {
  readonly reason: string;
  readonly message: string;
}

/** A heartbeat older than this no longer says anything about the worker (they come ~1/s). */
export const HEARTBEAT_STALE_MS = 15_000;
/** Per-stream entries kept in status: etcd objects must stay small (design.md: bounded). */
export const MAX_STREAM_STATUSES = 100;

export interface HeartbeatSeen {
  readonly heartbeat: Heartbeat;
  readonly receivedAt: number;
}

export interface StreamView {
  readonly key: string;
  readonly streamId: string;
  readonly label?: string;
  readonly decision: StreamDecision;
  readonly heartbeat?: HeartbeatSeen;
}

/** Refine the pod-derived phase with the worker's own heartbeat. */
export function streamPhase(view: StreamView, now: number): StreamPhase {
  const { decision, heartbeat } = view;
  if (decision.phase !== StreamPhase.starting || !heartbeat || now - heartbeat.receivedAt > HEARTBEAT_STALE_MS) return decision.phase;
  if (heartbeat.heartbeat.state === "recording") return StreamPhase.recording;
  if (heartbeat.heartbeat.state === "stalled") return StreamPhase.stalled;
  // Its publisher offered but no ICE pair connected: the worker asks her again with backoff.
  if (heartbeat.heartbeat.iceFailure) return StreamPhase.backoff;
  return StreamPhase.starting;
}

function streamStatus(view: StreamView, phase: StreamPhase): StreamStatus {
  const hb = view.heartbeat?.heartbeat;
  const pod = view.decision.pod?.metadata?.name;
  // The roster knows a label only from the server's listing; browsers send it to the viewer
  // over the data channel, which the worker reports in its heartbeat.
  const label = view.label ?? hb?.label;
  const problem = view.decision.problem ?? iceProblem(hb);
  return {
    stream: view.streamId,
    phase,
    ...(label !== undefined ? { label } : {}),
    ...(pod ? { pod } : {}),
    ...(hb?.file ? { file: hb.file } : {}),
    ...(hb ? { bytes: hb.bytesWritten } : {}),
    ...(hb?.lastMediaAt ? { lastMediaTime: new Date(hb.lastMediaAt).toISOString() } : {}),
    ...(hb?.videoCodec ? { videoCodec: hb.videoCodec } : {}),
    ...(hb?.audioCodec ? { audioCodec: hb.audioCodec } : {}),
    ...(view.decision.failures > 0 ? { restarts: view.decision.failures } : {}),
    ...(problem ? { reason: problem.reason, message: problem.message } : {}),
  };
}

/** Recording first, then the rest by stream id; at most MAX_STREAM_STATUSES. */
const ORDER: readonly StreamPhase[] = [StreamPhase.recording, StreamPhase.stalled, StreamPhase.starting, StreamPhase.blocked, StreamPhase.backoff, StreamPhase.failed, StreamPhase.duplicate, StreamPhase.waiting, StreamPhase.left, StreamPhase.excluded];

export interface StatusInput {
  readonly rec: RoomRecording;
  /** undefined: the signaler has not answered yet. */
  readonly signaling?: SignalingState;
  readonly signalerRunning: boolean;
  /** Why the signaler pod cannot start (podStart.ts), if it cannot. */
  readonly signalerProblem?: StartProblem;
  /** Why the operator starts nothing for this recording (StorageNotConfigured). */
  readonly refused?: Cause;
  readonly streams: readonly StreamView[];
  readonly paused: boolean;
  readonly deleting: boolean;
  readonly now: number;
}

export function computeStatus(input: StatusInput): RoomRecordingStatus {
  const { rec, now } = input;
  const entries = input.streams.map((v) => streamStatus(v, streamPhase(v, now)));
  entries.sort((a, b) => ORDER.indexOf(a.phase as StreamPhase) - ORDER.indexOf(b.phase as StreamPhase) || (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  const count = (...phases: StreamPhase[]) => entries.filter((e) => phases.includes(e.phase as StreamPhase)).length;
  const recording = count(StreamPhase.recording);
  // Streams we should be recording now: wanted and not gone.
  const active = count(StreamPhase.recording, StreamPhase.stalled, StreamPhase.starting, StreamPhase.blocked, StreamPhase.backoff, StreamPhase.failed, StreamPhase.waiting);
  const troubled = count(StreamPhase.stalled, StreamPhase.blocked, StreamPhase.backoff, StreamPhase.failed);
  // The first stream (in status order) that cannot start names the cause for the whole recording.
  const blocked = entries.find((e) => e.reason !== undefined && TROUBLED.has(e.phase));
  const streamCause = blocked ? { reason: blocked.reason!, message: `stream ${JSON.stringify(blocked.stream)}: ${blocked.message ?? ""}` } : undefined;
  const generation = rec.metadata.generation ?? 0;
  const conditions = mergeConditions(rec.status?.conditions, conditionsFor({ ...input, recording, active, troubled, ...(streamCause ? { streamCause } : {}) }), generation, new Date(now));
  return {
    observedGeneration: generation,
    phase: phaseFor(input, recording, troubled),
    streams: input.streams.filter((s) => s.decision.phase !== StreamPhase.left).length,
    wanted: active,
    recording,
    recordingSummary: `${recording}/${active}`,
    conditions,
    streamStatuses: entries.slice(0, MAX_STREAM_STATUSES),
  };
}

const TROUBLED: ReadonlySet<string> = new Set([StreamPhase.blocked, StreamPhase.backoff]);

function phaseFor(input: StatusInput, recording: number, troubled: number): string {
  if (input.deleting) return "Finalizing";
  if (input.paused) return "Paused";
  // Nothing can start until the spec or the operator's configuration changes.
  if (input.refused) return "Blocked";
  if (troubled > 0 || input.signalerProblem || (input.signaling !== undefined && !input.signalerRunning)) return "Degraded";
  if (recording > 0) return "Recording";
  return input.signaling === "connected" ? "Idle" : "Pending";
}

interface Counts {
  readonly recording: number;
  readonly active: number;
  readonly troubled: number;
  /** The first stream whose pod cannot start (or did not in time). */
  readonly streamCause?: Cause;
}

function conditionsFor(i: StatusInput & Counts): ConditionInput[] {
  const c = (type: ConditionType, ok: boolean | undefined, reason: string, message: string): ConditionInput => ({
    type,
    status: ok === undefined ? "Unknown" : ok ? "True" : "False",
    reason,
    message,
  });
  const stopped = i.paused || i.deleting;
  // A cause why the signaler is not there: its pod cannot start, or the recording is refused.
  const signalerCause = stopped ? undefined : i.signalerProblem ? { reason: i.signalerProblem.reason, message: `signaler ${i.signalerProblem.message}` } : i.signaling === undefined ? i.refused : undefined;
  const signaling = stopped
    ? c(ConditionType.signalingConnected, false, i.paused ? "Paused" : "Finalizing", "the signaler is stopped")
    : signalerCause
      ? c(ConditionType.signalingConnected, false, signalerCause.reason, signalerCause.message)
      : i.signaling === undefined
        ? c(ConditionType.signalingConnected, undefined, "WaitingForSignaler", "no roster from the signaler yet")
        : i.signaling === "connected"
          ? c(ConditionType.signalingConnected, true, "Connected", "the signaler is in the room")
          : c(ConditionType.signalingConnected, false, "Disconnected", "the signaler lost the handshake server; it reconnects");
  const recording = i.recording > 0
    ? c(ConditionType.recording, true, "StreamsRecording", `${i.recording} stream(s) recording`)
    : c(ConditionType.recording, false, "NoStreamRecording", "no stream is being recorded");
  // The most actionable cause first: a refusal, the signaler's pod, a stream's pod.
  const cause = stopped ? undefined : (i.refused ?? signalerCause ?? i.streamCause);
  const degraded = cause
    ? c(ConditionType.degraded, true, cause.reason, cause.message)
    : i.troubled > 0
      ? c(ConditionType.degraded, true, "WorkersFailing", `${i.troubled} stream(s) stalled, failed or in restart backoff`)
      : i.signaling !== undefined && !i.signalerRunning && !stopped
        ? c(ConditionType.degraded, true, "SignalerNotRunning", "the signaler pod is not running")
        : c(ConditionType.degraded, false, "AsExpected", "no known problem");
  const paused = i.paused
    ? c(ConditionType.reconciliationPaused, true, "PausedBySpec", "spec.paused is true: workers stopped, nothing new starts")
    : c(ConditionType.reconciliationPaused, false, "Reconciling", "the operator reconciles this recording");
  const connected = i.signaling === "connected" && !stopped && !i.signalerProblem;
  const ready = i.refused && !stopped
    ? c(ConditionType.ready, false, i.refused.reason, i.refused.message)
    : !connected
      ? signalerCause
        ? c(ConditionType.ready, false, signalerCause.reason, signalerCause.message)
        : c(ConditionType.ready, false, i.paused ? "Paused" : i.deleting ? "Finalizing" : "SignalingNotConnected", "the signaler is not connected to the room")
      : i.recording === i.active
        ? c(ConditionType.ready, true, i.active === 0 ? "Idle" : "AllStreamsRecording", `${i.recording}/${i.active} wanted streams recording`)
        : c(ConditionType.ready, false, i.streamCause?.reason ?? "StreamsNotRecording", `${i.recording}/${i.active} wanted streams recording${i.streamCause ? `; ${i.streamCause.message}` : ""}`);
  return [ready, signaling, recording, degraded, paused];
}
