/**
 * Kubernetes Events as edges between two statuses (design.md: CamelCase reasons on every
 * lifecycle edge). Derived from the stored status and the new one, so a pass that changes nothing
 * emits nothing, and a pass whose status write failed is simply recomputed next time.
 */
import type { Condition, RoomRecordingStatus, StreamStatus } from "./types.ts";
import { ConditionReason, ConditionType, conditionStatus } from "./conditions.ts";
import { StartProblemReason } from "./podStart.ts";
import { ICE_PROBLEM_REASONS, IceProblemReason } from "./iceProblem.ts";
import { StreamPhase } from "./workers.ts";

export const EventReason = {
  /** A pod that cannot start, or did not in time: the reason names the cause (podStart.ts). */
  ...StartProblemReason,
  /** No ICE path to a stream's publisher: TURN unreachable, TURN credentials refused, or checks timed out (iceProblem.ts). */
  ...IceProblemReason,
  storageNotConfigured: ConditionReason.storageNotConfigured,
  streamDiscovered: "StreamDiscovered",
  workerStarted: "WorkerStarted",
  workerRestarted: "WorkerRestarted",
  recordingStarted: "RecordingStarted",
  streamLeft: "StreamLeft",
  fileFinalized: "FileFinalized",
  workerFailed: "WorkerFailed",
  workerConfigRejected: "WorkerConfigRejected",
  streamStalled: "StreamStalled",
  signalingConnected: "SignalingConnected",
  signalingLost: "SignalingLost",
  reconciliationPaused: "ReconciliationPaused",
  reconciliationResumed: "ReconciliationResumed",
  finalizing: "Finalizing",
  finalized: "Finalized",
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

export interface PlannedEvent {
  readonly type: "Normal" | "Warning";
  readonly reason: EventReason;
  readonly message: string;
}

const WORKING: ReadonlySet<string> = new Set([StreamPhase.recording, StreamPhase.stalled, StreamPhase.starting]);

export const fileFinalized = (stream: string, s: Pick<StreamStatus, "file" | "bytes">): PlannedEvent =>
  normal(EventReason.fileFinalized, `stream ${JSON.stringify(stream)}: ${s.file ?? "its last file"} finalized (${s.bytes ?? 0} bytes)`);

const normal = (reason: EventReason, message: string): PlannedEvent => ({ type: "Normal", reason, message });
const warning = (reason: EventReason, message: string): PlannedEvent => ({ type: "Warning", reason, message });

export function statusEdges(before: RoomRecordingStatus | undefined, after: RoomRecordingStatus): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const old = new Map((before?.streamStatuses ?? []).map((s) => [s.stream, s] as const));
  const now = new Set<string>();
  for (const s of after.streamStatuses ?? []) {
    now.add(s.stream);
    events.push(...streamEdges(old.get(s.stream), s));
  }
  // Gone from the roster while a worker held it: the publisher left and the worker finished.
  for (const [stream, s] of old) {
    if (now.has(stream) || !WORKING.has(s.phase)) continue;
    // FileFinalized follows when its worker pod is seen to have ended cleanly (reconcile.ts).
    events.push(normal(EventReason.streamLeft, `stream ${JSON.stringify(stream)} left the room`));
  }

  const edge = (type: ConditionType) => [conditionStatus(before?.conditions, type), conditionStatus(after.conditions, type)] as const;
  const [sigBefore, sigAfter] = edge(ConditionType.signalingConnected);
  if (sigAfter === "True" && sigBefore !== "True") events.push(normal(EventReason.signalingConnected, "signaler joined the room"));
  if (sigAfter === "False" && sigBefore === "True") events.push(warning(EventReason.signalingLost, "signaler lost the handshake server"));
  // Causes the recording as a whole has, once each time one appears (not on every pass).
  const cause = (type: ConditionType, reasons: ReadonlySet<string>) => {
    const [b, a] = [conditionOf(before, type), conditionOf(after, type)];
    if (a && a.status !== "True" && reasons.has(a.reason) && a.reason !== b?.reason) events.push(warning(a.reason as EventReason, a.message));
  };
  cause(ConditionType.signalingConnected, START_PROBLEMS);
  cause(ConditionType.ready, REFUSALS);
  const [pausedBefore, pausedAfter] = edge(ConditionType.reconciliationPaused);
  if (pausedAfter === "True" && pausedBefore !== "True") events.push(normal(EventReason.reconciliationPaused, "spec.paused is true: stopping workers"));
  if (pausedAfter === "False" && pausedBefore === "True") events.push(normal(EventReason.reconciliationResumed, "spec.paused is false again"));
  return events;
}

const START_PROBLEMS: ReadonlySet<string> = new Set(Object.values(StartProblemReason));
const REFUSALS: ReadonlySet<string> = new Set([ConditionReason.storageNotConfigured]);
const conditionOf = (status: RoomRecordingStatus | undefined, type: ConditionType): Condition | undefined => status?.conditions?.find((c) => c.type === type);

function streamEdges(before: StreamStatus | undefined, after: StreamStatus): PlannedEvent[] {
  const id = JSON.stringify(after.stream);
  if (before?.phase === after.phase && before.reason === after.reason) return [];
  const out: PlannedEvent[] = [];
  if (!before && after.phase !== StreamPhase.left) out.push(normal(EventReason.streamDiscovered, `stream ${id} is published in the room`));
  switch (after.phase) {
    case StreamPhase.recording:
      out.push(normal(EventReason.recordingStarted, `stream ${id} records to ${after.file ?? "its directory"}`));
      break;
    case StreamPhase.stalled:
      out.push(warning(EventReason.streamStalled, `no media from stream ${id}`));
      break;
    case StreamPhase.left:
      if (before) {
        out.push(normal(EventReason.streamLeft, `stream ${id} left the room; its worker stays stopped`));
        out.push(fileFinalized(after.stream, after));
      }
      break;
    case StreamPhase.blocked:
      out.push(warning(after.reason as EventReason, `worker for stream ${id}: ${after.message ?? ""}`));
      break;
    case StreamPhase.backoff:
      if (after.reason === StartProblemReason.startTimeout) {
        out.push(warning(EventReason.startTimeout, `worker for stream ${id}: ${after.message ?? ""}; a new pod follows after the backoff`));
        break;
      }
      if (after.reason !== undefined && ICE_PROBLEM_REASONS.has(after.reason)) {
        out.push(warning(after.reason as EventReason, `stream ${id}: ${after.message ?? ""}; retrying with backoff while the publisher is in the room`));
        break;
      }
      out.push(warning(EventReason.workerFailed, `worker ${after.pod ?? ""} for stream ${id} failed (${after.restarts ?? 1} time(s)); restarting with backoff`));
      break;
    case StreamPhase.failed:
      out.push(warning(EventReason.workerConfigRejected, `worker ${after.pod ?? ""} for stream ${id} rejected its configuration; not restarted`));
      break;
  }
  return out;
}
