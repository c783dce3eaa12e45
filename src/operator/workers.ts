/**
 * Per-stream decisions (style.md §7 "classify, then act"): from the roster entry, the verdict of
 * the shared desired state (supervisor/desired.ts: excluded, finished for this publisher, or
 * wanted) and the pods of one stream, what the stream's phase is and what to do next. Pure.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { StreamInfo } from "../bus/messages.ts";
import { PodOutcome, finishedAtMs, isTerminal, podAttempt, podOutcome, podPublisher } from "./podState.ts";

export const StreamPhase = {
  /** Published but filtered out by spec.filters. */
  excluded: "Excluded",
  /** Wanted, no worker yet. */
  waiting: "Waiting",
  /** Worker pod exists, no media yet. */
  starting: "Starting",
  recording: "Recording",
  /** Worker runs but media stopped arriving. */
  stalled: "Stalled",
  /** The stream left; its worker finished its file and stays gone. */
  left: "Left",
  /** Worker failed; a new one starts after the backoff. */
  backoff: "Backoff",
  /** Worker refused its configuration; not restarted. */
  failed: "Failed",
  /** Another worker already records this stream; this one stays stopped. */
  duplicate: "Duplicate",
} as const;
export type StreamPhase = (typeof StreamPhase)[keyof typeof StreamPhase];

export type WorkerAction =
  | { readonly kind: "none" }
  | { readonly kind: "start"; readonly attempt: number; readonly restart: boolean }
  | { readonly kind: "wait"; readonly untilMs: number };

export interface StreamDecision {
  readonly phase: StreamPhase;
  readonly action: WorkerAction;
  /** The pod that speaks for the stream now (newest attempt). */
  readonly pod?: V1Pod;
  /** Failed attempts for the current publisher. */
  readonly failures: number;
}

/** First restart after 5 s, doubling up to 5 minutes (the kubelet's CrashLoopBackOff shape). */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 300_000;

export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
}

const newestFirst = (pods: readonly V1Pod[]) => [...pods].sort((a, b) => podAttempt(b) - podAttempt(a));

export type Verdict = "excluded" | "finished" | "wanted";

/** `pods` are this stream's worker pods (any attempt, any state); `stream` its roster entry. */
export function decideStream(stream: StreamInfo, verdict: Verdict, pods: readonly V1Pod[], now: number): StreamDecision {
  const sorted = newestFirst(pods);
  const latest = sorted[0];
  const withPod = latest ? { pod: latest } : {};
  const failures = countFailures(sorted, stream.uuid);
  const none = { kind: "none" } as const;
  if (verdict === "excluded") return { phase: StreamPhase.excluded, action: none, failures, ...withPod };
  if (verdict === "finished") return { phase: StreamPhase.left, action: none, failures, ...withPod };
  const nextAttempt = (latest ? podAttempt(latest) : 0) + 1;
  if (!latest) return { phase: StreamPhase.waiting, action: { kind: "start", attempt: 1, restart: false }, failures };
  const outcome = podOutcome(latest);
  // Whatever the last pod of an earlier publisher did, the one now in the roster gets a worker.
  if (isTerminal(outcome) && podPublisher(latest) !== stream.uuid) {
    return { phase: StreamPhase.waiting, pod: latest, failures: 0, action: { kind: "start", attempt: nextAttempt, restart: false } };
  }
  switch (outcome) {
    case PodOutcome.active:
    case PodOutcome.terminating:
    // Succeeded for this publisher is "finished" (desired.ts); seeing it here means the cache
    // raced the verdict: wait for the next pass.
    case PodOutcome.succeeded:
      return { phase: StreamPhase.starting, pod: latest, failures, action: none };
    case PodOutcome.configError:
      return { phase: StreamPhase.failed, pod: latest, failures, action: none };
    case PodOutcome.duplicate:
      return { phase: StreamPhase.duplicate, pod: latest, failures, action: none };
    case PodOutcome.failed: {
      const until = (finishedAtMs(latest) ?? now) + backoffMs(failures);
      const action: WorkerAction = now >= until ? { kind: "start", attempt: nextAttempt, restart: true } : { kind: "wait", untilMs: until };
      return { phase: StreamPhase.backoff, pod: latest, failures, action };
    }
  }
}

/** Consecutive failed attempts, newest first, for the publisher now in the roster. */
function countFailures(newestFirstPods: readonly V1Pod[], uuid: string): number {
  let n = 0;
  for (const pod of newestFirstPods) {
    if (podPublisher(pod) !== uuid || podOutcome(pod) !== PodOutcome.failed) break;
    n++;
  }
  return n;
}
