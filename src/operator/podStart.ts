/**
 * Why a pod the operator created has not started (issue 11: a pod stuck in Pending left its
 * stream `Starting` forever). Pure accessors over the pod's status only: the informer cache keeps
 * no pod spec (cacheTrim.ts), and the kubelet and scheduler already name the image, Secret or
 * claim in their messages.
 */
import type { V1Pod } from "@kubernetes/client-node";

/**
 * How long a pod may take from creation to running before the operator gives up on it: long
 * enough for a cold image pull of the ~250 MB image on a slow link and for the kubelet's first
 * retries, short enough that a worker stuck on one node (a ReadWriteOnce claim held elsewhere, a
 * node that cannot pull) gets a new pod the scheduler may place elsewhere.
 */
export const DEFAULT_START_TIMEOUT_MS = 300_000;

/** Causes a pod cannot start on its own; each is a condition reason and an Event reason. */
export const StartProblemReason = {
  /** ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName: wrong name, tag, registry credentials or pull policy. */
  imagePull: "ImagePullFailed",
  /** CreateContainerConfigError: a Secret or key the env refers to is missing. */
  containerConfig: "ContainerConfigError",
  /** CreateContainerError, RunContainerError: the runtime refused the container. */
  containerCreate: "ContainerCreateFailed",
  /** PodScheduled=False: no node fits, e.g. a PersistentVolumeClaim that does not exist. */
  unschedulable: "Unschedulable",
  /** Not started within the operator's start timeout, for any of the above or a cause the status does not show (a Secret volume or a ReadWriteOnce claim that cannot be mounted). */
  startTimeout: "StartTimeout",
} as const;
export type StartProblemReason = (typeof StartProblemReason)[keyof typeof StartProblemReason];

export interface StartProblem {
  readonly reason: StartProblemReason;
  readonly message: string;
}

const WAITING_REASONS: Readonly<Record<string, StartProblemReason>> = {
  ErrImagePull: StartProblemReason.imagePull,
  ImagePullBackOff: StartProblemReason.imagePull,
  ErrImageNeverPull: StartProblemReason.imagePull,
  InvalidImageName: StartProblemReason.imagePull,
  CreateContainerConfigError: StartProblemReason.containerConfig,
  CreateContainerError: StartProblemReason.containerCreate,
  RunContainerError: StartProblemReason.containerCreate,
};

/** Longest kubelet or scheduler message kept (status must stay small; Events cut at 1 KiB). */
const MAX_DETAIL = 300;
/** The CRD's bound on a stream's status message. */
const MAX_MESSAGE = 1024;

/** A pod that has not started yet: not deleted, and its phase still Pending (or not reported). */
export function notStarted(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata?.deletionTimestamp && (phase === undefined || phase === "Pending");
}

/** What keeps a not-yet-started pod from starting, or undefined while it may still start normally. */
export function startProblem(pod: V1Pod): StartProblem | undefined {
  if (!notStarted(pod)) return undefined;
  const name = pod.metadata?.name ?? "";
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    const reason = waiting?.reason ? WAITING_REASONS[waiting.reason] : undefined;
    if (!reason) continue;
    const detail = detailOf(waiting?.reason, waiting?.message);
    if (reason === StartProblemReason.imagePull) return { reason, message: cap(`pod ${name}: image ${JSON.stringify(c.image)} cannot be pulled (${detail})`) };
    return { reason, message: cap(`pod ${name}: container ${c.name} cannot be created (${detail})`) };
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    return { reason: StartProblemReason.unschedulable, message: `pod ${name} cannot be scheduled (${detailOf(scheduled.reason, scheduled.message)})` };
  }
  return undefined;
}

/** When the pod was created (ms since the epoch); the start timeout counts from here. */
export function createdAtMs(pod: V1Pod): number | undefined {
  const t = pod.metadata?.creationTimestamp;
  const ms = t === undefined ? Number.NaN : new Date(t).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** A pod that has not started `timeoutMs` after its creation. */
export function startTimedOut(pod: V1Pod, now: number, timeoutMs: number): boolean {
  const created = createdAtMs(pod);
  return notStarted(pod) && created !== undefined && now - created >= timeoutMs;
}

/** The problem of a pod that timed out: its last known cause, or just the timeout. */
export function timeoutProblem(pod: V1Pod, timeoutMs: number): StartProblem {
  const cause = startProblem(pod);
  const waited = `not started ${Math.round(timeoutMs / 1000)} s after creation`;
  return {
    reason: StartProblemReason.startTimeout,
    message: cap(cause ? `${cause.message}; ${waited}` : `pod ${pod.metadata?.name ?? ""} ${waited}${waitingHint(pod)}; kubectl describe pod shows why`),
  };
}

function waitingHint(pod: V1Pod): string {
  const reason = pod.status?.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  return reason ? ` (${reason})` : "";
}

const cap = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text);

function detailOf(reason: string | undefined, message: string | undefined): string {
  const text = message ? `${reason}: ${message}` : (reason ?? "no reason given");
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}
