/** What the operator reads from a pod it owns: pure accessors over V1Pod. */
import type { V1Pod } from "@kubernetes/client-node";
import { ExitVerdict, classifyExit } from "../supervisor/exitPolicy.ts";
import { ANNOTATION_PRIOR_FAILURES, ANNOTATION_PUBLISHER, ANNOTATION_STREAM_KEY, LABEL_ATTEMPT, LABEL_COMPONENT } from "./names.ts";

export const PodOutcome = {
  /** Not yet terminal. */
  active: "active",
  /** Deletion requested; the process is finishing its file. */
  terminating: "terminating",
  /** Exit 0: the worker's stream left (bye, peer lost) or it was stopped cleanly. */
  succeeded: "succeeded",
  /** Exit 42: bad configuration; restarting cannot help (config/errors.ts EXIT_CONFIG). */
  configError: "config-error",
  /** Exit 3: another worker already records this stream (supervisor/exitPolicy.ts). */
  duplicate: "duplicate",
  /** Exit 4: no ICE pair connected while the publisher kept offering; restart with backoff (the heartbeat says why). */
  iceFailed: "ice-failed",
  /** Any other failure: restart with backoff. */
  failed: "failed",
} as const;
export type PodOutcome = (typeof PodOutcome)[keyof typeof PodOutcome];

export function podOutcome(pod: V1Pod): PodOutcome {
  if (pod.metadata?.deletionTimestamp) return PodOutcome.terminating;
  const phase = pod.status?.phase;
  if (phase !== "Succeeded" && phase !== "Failed") return PodOutcome.active;
  // The same verdicts as the local supervisor's, so both deployments treat an exit alike.
  switch (classifyExit({ code: exitCode(pod) ?? (phase === "Succeeded" ? 0 : 1), signal: null })) {
    case ExitVerdict.finished:
      return PodOutcome.succeeded;
    case ExitVerdict.badConfig:
      return PodOutcome.configError;
    case ExitVerdict.duplicate:
      return PodOutcome.duplicate;
    case ExitVerdict.iceFailed:
      return PodOutcome.iceFailed;
    case ExitVerdict.crashed:
      return PodOutcome.failed;
  }
}

export const isTerminal = (o: PodOutcome) => o !== PodOutcome.active && o !== PodOutcome.terminating;

export function exitCode(pod: V1Pod): number | undefined {
  return pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
}

/** When the pod's process ended (ms), or undefined while it runs. */
export function finishedAtMs(pod: V1Pod): number | undefined {
  const t = pod.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt;
  return t ? new Date(t).getTime() : undefined;
}

/** How long the pod's process ran before it ended, or undefined while it runs or if unknown. */
export function ranForMs(pod: V1Pod): number | undefined {
  const t = pod.status?.containerStatuses?.[0]?.state?.terminated;
  const ms = t?.startedAt && t.finishedAt ? new Date(t.finishedAt).getTime() - new Date(t.startedAt).getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

export const isRunning = (pod: V1Pod) => pod.status?.phase === "Running" && !pod.metadata?.deletionTimestamp;
export const podComponent = (pod: V1Pod) => pod.metadata?.labels?.[LABEL_COMPONENT];
export const podStreamKey = (pod: V1Pod) => pod.metadata?.annotations?.[ANNOTATION_STREAM_KEY];
export const podPublisher = (pod: V1Pod) => pod.metadata?.annotations?.[ANNOTATION_PUBLISHER];
export function podAttempt(pod: V1Pod): number {
  const n = Number(pod.metadata?.labels?.[LABEL_ATTEMPT]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
/** Failed attempts before this pod, as stamped on it by workerPod (0 when absent). */
export function priorFailures(pod: V1Pod): number {
  const n = Number(pod.metadata?.annotations?.[ANNOTATION_PRIOR_FAILURES]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
