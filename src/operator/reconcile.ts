/**
 * One reconcile pass as a pure function (style.md §5–§10): from the RoomRecording, the pods it
 * owns, the roster and the workers' heartbeats to the objects that should exist, the pods to
 * delete, the status to write and the events to record. `Controller` performs the plan; nothing
 * here talks to the API or the bus.
 *
 * Checklist, each step returning early: deleting → finalize; paused → stop; no storage → refuse;
 * then identity and signaler; then one worker per wanted stream.
 */
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import type { SignalingState, StreamInfo } from "../bus/messages.ts";
import type { RoomRecording, RoomRecordingStatus } from "./types.ts";
import type { OperatorSettings } from "./settings.ts";
import { ANNOTATION_SPEC_HASH, ANNOTATION_STREAM_ID, Component, FINALIZER } from "./names.ts";
import { PodOutcome, isRunning, isTerminal, podComponent, podOutcome, podPublisher, podStreamKey } from "./podState.ts";
import { serviceAccount } from "./specs/serviceAccount.ts";
import { signalerPod } from "./specs/signalerPod.ts";
import { workerPod } from "./specs/workerPod.ts";
import { STORAGE_NOT_CONFIGURED_MESSAGE, recordingsVolume } from "./specs/storage.ts";
import { computeStatus, type Cause, type HeartbeatSeen, type StreamView } from "./status.ts";
import { ConditionReason } from "./conditions.ts";
import { createdAtMs, notStarted, startProblem, startTimedOut, timeoutProblem } from "./podStart.ts";
import { EventReason, fileFinalized, statusEdges, type PlannedEvent } from "./events.ts";
import { decideStream, type Verdict } from "./workers.ts";
import { finishedId, wantedWorkers } from "../supervisor/desired.ts";
import { compileStreamFilters } from "../config/streamFilters.ts";

/** How long a deleted RoomRecording waits for its workers to finalize files before letting go. */
export const FINALIZE_TIMEOUT_MS = 60_000;

export interface Roster {
  readonly signaling: SignalingState;
  readonly streams: readonly StreamInfo[];
}

export interface ReconcileInput {
  readonly rec: RoomRecording;
  /** Pods owned by `rec` (from the informer cache). */
  readonly pods: readonly V1Pod[];
  /** undefined until the signaler has answered a roster request. */
  readonly roster?: Roster;
  readonly heartbeats: ReadonlyMap<string, HeartbeatSeen>;
  readonly settings: OperatorSettings;
  readonly now: number;
}

export interface ReconcilePlan {
  /** Ensure the finalizer is present before creating anything. */
  readonly addFinalizer: boolean;
  /** All children gone (or timed out): remove the finalizer so the object can go. */
  readonly removeFinalizer: boolean;
  /** Objects to server-side apply, in order (ServiceAccount before the pods that use it). */
  readonly apply: readonly KubernetesObject[];
  /** Pod names to delete (gracefully: workers finalize their files on SIGTERM). */
  readonly deletePods: readonly string[];
  readonly status: RoomRecordingStatus;
  readonly events: readonly PlannedEvent[];
  readonly requeueAfterMs?: number;
}

export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { rec, pods, now } = input;
  const deleting = Boolean(rec.metadata.deletionTimestamp);
  const paused = Boolean(rec.spec.paused);
  const hasFinalizer = rec.metadata.finalizers?.includes(FINALIZER) ?? false;
  const signalers = pods.filter((p) => podComponent(p) === Component.signaler);
  const workers = pods.filter((p) => podComponent(p) === Component.worker);
  const streams = streamViews(input, workers, !deleting && !paused);
  const liveSignaler = signalers.find((p) => !p.metadata?.deletionTimestamp);
  const timeoutMs = input.settings.startTimeoutMs;
  // Surfaced only: the kubelet keeps retrying the signaler in place (restartPolicy Always), and
  // a new pod would meet the same image, Secret or node.
  const signalerProblem = liveSignaler && (startTimedOut(liveSignaler, now, timeoutMs) ? timeoutProblem(liveSignaler, timeoutMs) : startProblem(liveSignaler));
  // Files in the pod would die with it (the operator deletes finished workers): start nothing.
  const refused: Cause | undefined = recordingsVolume(rec, input.settings) ? undefined : { reason: ConditionReason.storageNotConfigured, message: STORAGE_NOT_CONFIGURED_MESSAGE };
  const status = computeStatus({
    rec,
    ...(input.roster ? { signaling: input.roster.signaling } : {}),
    signalerRunning: signalers.some(isRunning),
    ...(signalerProblem ? { signalerProblem } : {}),
    ...(refused ? { refused } : {}),
    streams,
    paused,
    deleting,
    now,
  });
  const events = [...statusEdges(rec.status, status)];

  // 1. Deleting: stop every pod (SIGTERM → the workers finalize their files), then let go.
  if (deleting) {
    const alive = pods.filter((p) => !isTerminal(podOutcome(p)));
    const deadline = new Date(rec.metadata.deletionTimestamp!).getTime() + FINALIZE_TIMEOUT_MS;
    const done = alive.length === 0 || now >= deadline;
    if (rec.status?.phase !== "Finalizing") events.push({ type: "Normal", reason: EventReason.finalizing, message: `stopping ${alive.length} pod(s) and finalizing files` });
    if (done && hasFinalizer) events.push({ type: alive.length ? "Warning" : "Normal", reason: EventReason.finalized, message: alive.length ? `gave up waiting for ${alive.length} pod(s)` : "all files finalized" });
    return {
      addFinalizer: false,
      removeFinalizer: done && hasFinalizer,
      apply: [],
      deletePods: toDelete(alive),
      status,
      events,
      ...(done ? {} : { requeueAfterMs: 2_000 }),
    };
  }
  // 2. Paused: stop what runs, start nothing, say so (ReconciliationPaused condition).
  if (paused) {
    return { addFinalizer: !hasFinalizer, removeFinalizer: false, apply: [], deletePods: toDelete(pods.filter((p) => podOutcome(p) === PodOutcome.active)), status, events };
  }

  // 3. No storage: nothing new starts; pods that run keep their volume (docs/operator.md).
  if (refused) return { addFinalizer: !hasFinalizer, removeFinalizer: false, apply: [], deletePods: [], status, events };

  const apply: KubernetesObject[] = [];
  const deletePods: string[] = [];
  let requeueAfterMs: number | undefined;
  const requeue = (ms: number) => (requeueAfterMs = Math.min(requeueAfterMs ?? ms, ms));

  // 4. Identity and signaler. The pod spec is immutable: a changed spec means a new pod.
  const wantSignaler = signalerPod(rec, input.settings);
  if (!liveSignaler) {
    apply.push(serviceAccount(rec));
    if (signalers.length === 0) apply.push(wantSignaler);
    else requeue(1_000); // the old one is still terminating; its name is taken until it is gone
  } else if (hashOf(liveSignaler) !== hashOf(wantSignaler) || isTerminal(podOutcome(liveSignaler))) {
    deletePods.push(liveSignaler.metadata!.name!);
  } else if (notStarted(liveSignaler)) {
    // Come back when its start timeout runs out, to say so if it has not started by then.
    const created = createdAtMs(liveSignaler);
    if (created !== undefined && now < created + timeoutMs) requeue(created + timeoutMs - now);
  }

  // 5. Workers: start, restart after backoff, stop when filtered out, clean up after they left.
  for (const view of streams) {
    const { action, phase } = view.decision;
    if (action.kind === "start") {
      apply.push(workerPod(rec, streamOf(input, view.key)!, action.attempt, input.settings, action.priorFailures));
      // A pod that never started is deleted with its replacement, not at the timeout: until
      // then it is what the backoff is measured from.
      if (action.replaces) deletePods.push(action.replaces);
      events.push({ type: "Normal", reason: action.restart ? EventReason.workerRestarted : EventReason.workerStarted, message: `worker attempt ${action.attempt} for stream ${JSON.stringify(view.streamId)}` });
    } else if (action.kind === "wait") {
      requeue(Math.max(1_000, action.untilMs - now));
    }
    if (phase === "Excluded") deletePods.push(...toDelete(workersOf(workers, view.key).filter((p) => podOutcome(p) === PodOutcome.active)));
  }
  // Old attempts and workers of streams no longer in the roster: their files are final.
  const current = new Set(streams.map((s) => s.decision.pod?.metadata?.name));
  const finishedGone = workers.filter((p) => isTerminal(podOutcome(p)) && !current.has(p.metadata?.name) && !p.metadata?.deletionTimestamp);
  deletePods.push(...toDelete(finishedGone));
  // A worker that never started, for a stream no longer listed, has no file to finish.
  const listed = new Set(streams.map((s) => s.key));
  deletePods.push(...toDelete(workers.filter((p) => notStarted(p) && !listed.has(podStreamKey(p) ?? ""))));
  // A clean exit of a stream that left the roster is the moment its file became final; streams
  // that were already reported Left (still listed) had their event then.
  for (const pod of finishedGone) {
    const id = pod.metadata?.annotations?.[ANNOTATION_STREAM_ID] ?? "";
    const last = rec.status?.streamStatuses?.find((s) => s.stream === id);
    if (podOutcome(pod) === PodOutcome.succeeded && last?.phase !== "Left" && !streams.some((s) => s.streamId === id)) {
      const hb = input.heartbeats.get(podStreamKey(pod) ?? "")?.heartbeat;
      const file = hb?.file ?? last?.file;
      const bytes = hb?.bytesWritten ?? last?.bytes;
      events.push(fileFinalized(id, { ...(file ? { file } : {}), ...(bytes !== undefined ? { bytes } : {}) }));
    }
  }

  return { addFinalizer: !hasFinalizer, removeFinalizer: false, apply, deletePods, status, events, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
}

function streamViews(input: ReconcileInput, workers: readonly V1Pod[], active: boolean): StreamView[] {
  const filters = input.rec.spec.filters ?? {};
  const accept = compileStreamFilters({ include: filters.include ?? [], exclude: filters.exclude ?? [] });
  // A worker that ended cleanly (exit 0) finished its publisher's connection: that publisher
  // stays recorded-and-done until it leaves; a new publisher under the same id is wanted again.
  const finished = new Set(
    workers.filter((p) => podOutcome(p) === PodOutcome.succeeded).map((p) => finishedId(podStreamKey(p) ?? "", podPublisher(p) ?? "")),
  );
  const streams = input.roster?.streams ?? [];
  const wanted = wantedWorkers(streams, accept, finished);
  return streams.map((stream) => {
    const verdict: Verdict = !active || !accept(stream.streamId) ? "excluded" : wanted.has(stream.key) ? "wanted" : "finished";
    const decision = decideStream(stream, verdict, workersOf(workers, stream.key), input.now, input.settings.startTimeoutMs);
    const heartbeat = input.heartbeats.get(stream.key);
    return {
      key: stream.key,
      streamId: stream.streamId,
      ...(stream.label !== undefined ? { label: stream.label } : {}),
      decision,
      ...(heartbeat ? { heartbeat } : {}),
    };
  });
}

const workersOf = (workers: readonly V1Pod[], key: string) => workers.filter((p) => podStreamKey(p) === key);
const streamOf = (input: ReconcileInput, key: string) => input.roster?.streams.find((s) => s.key === key);
const hashOf = (pod: V1Pod) => pod.metadata?.annotations?.[ANNOTATION_SPEC_HASH];
const toDelete = (pods: readonly V1Pod[]) => pods.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!);
