/**
 * Per-stream decisions (style.md §7 "classify, then act"): from the roster entry, the verdict of
 * the shared desired state (supervisor/desired.ts: excluded, finished for this publisher, or
 * wanted) and the pods of one stream, what the stream's phase is and what to do next. Pure.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { StreamInfo } from "../bus/messages.ts";
import { PodOutcome, finishedAtMs, isTerminal, podAttempt, podOutcome, podPublisher, priorFailures, ranForMs } from "./podState.ts";
import { createdAtMs, notStarted, startProblem, startTimedOut, timeoutProblem, type StartProblem } from "./podStart.ts";

export const StreamPhase = {
  /** Published but filtered out by spec.filters. */
  excluded: "Excluded",
  /** Wanted, no worker yet. */
  waiting: "Waiting",
  /** Worker pod exists, no media yet. */
  starting: "Starting",
  /** Worker pod cannot start (image pull, missing Secret, unschedulable): reason and message say why. */
  blocked: "Blocked",
  recording: "Recording",
  /** Worker runs but media stopped arriving. */
  stalled: "Stalled",
  /** The stream left; its worker finished its file and stays gone. */
  left: "Left",
  /** Worker failed or did not start in time; a new one starts after the backoff. */
  backoff: "Backoff",
  /** Worker refused its configuration; not restarted. */
  failed: "Failed",
  /** Another worker already records this stream; this one stays stopped. */
  duplicate: "Duplicate",
} as const;
export type StreamPhase = (typeof StreamPhase)[keyof typeof StreamPhase];

export type WorkerAction =
  | { readonly kind: "none" }
  /** `priorFailures` goes on the new pod; `replaces` names a pod that never started, deleted with it. */
  | { readonly kind: "start"; readonly attempt: number; readonly restart: boolean; readonly priorFailures: number; readonly replaces?: string }
  | { readonly kind: "wait"; readonly untilMs: number };

export interface StreamDecision {
  readonly phase: StreamPhase;
  readonly action: WorkerAction;
  /** The pod that speaks for the stream now (newest attempt). */
  readonly pod?: V1Pod;
  /** Consecutive failed attempts for the current publisher. */
  readonly failures: number;
  /** Why the pod cannot start (Blocked), or did not in time (Backoff after the start timeout). */
  readonly problem?: StartProblem;
}

/** First restart after 5 s, doubling up to 5 minutes (the kubelet's CrashLoopBackOff shape). */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 300_000;
/** A worker that ran this long before failing starts the count again (the kubelet's 10 minutes). */
export const BACKOFF_RESET_MS = 600_000;

/**
 * Retries after an ICE failure stop growing at 1 minute: the publisher is waiting in the room,
 * and a TURN server that comes back should be used soon, not after 5 minutes.
 */
export const ICE_BACKOFF_MAX_MS = 60_000;

export function backoffMs(failures: number, maxMs = BACKOFF_MAX_MS): number {
  return Math.min(maxMs, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
}

const newestFirst = (pods: readonly V1Pod[]) => [...pods].sort((a, b) => podAttempt(b) - podAttempt(a));

export type Verdict = "excluded" | "finished" | "wanted";

/**
 * `pods` are this stream's worker pods (any attempt, any state); `stream` its roster entry;
 * `startTimeoutMs` how long a pod may stay unstarted before it counts as a failed attempt.
 */
export function decideStream(stream: StreamInfo, verdict: Verdict, pods: readonly V1Pod[], now: number, startTimeoutMs: number): StreamDecision {
  const latest = newestFirst(pods)[0];
  const withPod = latest ? { pod: latest } : {};
  // Failures before the latest attempt, for the publisher now listed.
  const prior = latest && podPublisher(latest) === stream.uuid ? priorFailures(latest) : 0;
  const none = { kind: "none" } as const;
  if (verdict === "excluded") return { phase: StreamPhase.excluded, action: none, failures: prior, ...withPod };
  if (verdict === "finished") return { phase: StreamPhase.left, action: none, failures: prior, ...withPod };
  const nextAttempt = (latest ? podAttempt(latest) : 0) + 1;
  if (!latest) return { phase: StreamPhase.waiting, action: { kind: "start", attempt: 1, restart: false, priorFailures: 0 }, failures: 0 };
  const outcome = podOutcome(latest);
  // Whatever the last pod of an earlier publisher did, the one now in the roster gets a worker.
  if (isTerminal(outcome) && podPublisher(latest) !== stream.uuid) {
    return { phase: StreamPhase.waiting, pod: latest, failures: 0, action: { kind: "start", attempt: nextAttempt, restart: false, priorFailures: 0 } };
  }
  // A failed attempt: a new pod after the backoff, counted on from the failed one's prior count.
  const retry = (failedAt: number, problem?: StartProblem, maxMs = BACKOFF_MAX_MS): StreamDecision => {
    const ranLong = (ranForMs(latest) ?? 0) >= BACKOFF_RESET_MS;
    const failures = ranLong ? 1 : prior + 1;
    const until = failedAt + backoffMs(failures, maxMs);
    const replaces = isTerminal(outcome) ? {} : { replaces: latest.metadata!.name! };
    const action: WorkerAction = now >= until ? { kind: "start", attempt: nextAttempt, restart: true, priorFailures: failures, ...replaces } : { kind: "wait", untilMs: until };
    return { phase: StreamPhase.backoff, pod: latest, failures, action, ...(problem ? { problem } : {}) };
  };
  switch (outcome) {
    case PodOutcome.active: {
      if (startTimedOut(latest, now, startTimeoutMs)) return retry(createdAtMs(latest)! + startTimeoutMs, timeoutProblem(latest, startTimeoutMs));
      const problem = startProblem(latest);
      const created = createdAtMs(latest);
      // Come back when the start timeout runs out, in case nothing else changes by then.
      const action: WorkerAction = notStarted(latest) && created !== undefined ? { kind: "wait", untilMs: created + startTimeoutMs } : none;
      return { phase: problem ? StreamPhase.blocked : StreamPhase.starting, pod: latest, failures: prior, action, ...(problem ? { problem } : {}) };
    }
    case PodOutcome.terminating:
    // Succeeded for this publisher is "finished" (desired.ts); seeing it here means the cache
    // raced the verdict: wait for the next pass.
    case PodOutcome.succeeded:
      return { phase: StreamPhase.starting, pod: latest, failures: prior, action: none };
    case PodOutcome.configError:
      return { phase: StreamPhase.failed, pod: latest, failures: prior, action: none };
    case PodOutcome.duplicate:
      return { phase: StreamPhase.duplicate, pod: latest, failures: prior, action: none };
    case PodOutcome.failed:
      return retry(finishedAtMs(latest) ?? now);
    case PodOutcome.iceFailed:
      return retry(finishedAtMs(latest) ?? now, undefined, ICE_BACKOFF_MAX_MS);
  }
}
