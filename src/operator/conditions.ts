/**
 * Standard `metav1.Condition` handling: a condition keeps its lastTransitionTime unless its status
 * changes, so `kubectl wait --for=condition=Ready` and dashboards see real edges only.
 */
import type { Condition } from "./types.ts";

export const ConditionType = {
  ready: "Ready",
  signalingConnected: "SignalingConnected",
  recording: "Recording",
  degraded: "Degraded",
  reconciliationPaused: "ReconciliationPaused",
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Condition reasons that are not a pod's (those are podStart.ts StartProblemReason). */
export const ConditionReason = {
  /** Neither spec.storage nor an operator default: nothing starts (specs/storage.ts). */
  storageNotConfigured: "StorageNotConfigured",
} as const;

export interface ConditionInput {
  readonly type: ConditionType;
  readonly status: Condition["status"];
  readonly reason: string;
  readonly message: string;
}

/** The new condition list: `next` merged over `previous`, transition times carried forward. */
export function mergeConditions(previous: readonly Condition[] | undefined, next: readonly ConditionInput[], generation: number, now: Date): Condition[] {
  return next.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : now.toISOString();
    return { ...c, observedGeneration: generation, lastTransitionTime };
  });
}

export function conditionStatus(conditions: readonly Condition[] | undefined, type: ConditionType): Condition["status"] | undefined {
  return conditions?.find((c) => c.type === type)?.status;
}
