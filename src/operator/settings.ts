/**
 * Operator-wide settings: the flags of `room-recorder operator` and its pod defaults document,
 * passed to reconcile and the pod builders. Apart from types.ts (the custom resource), so the
 * resource's types import nothing of the operator's own.
 */
import type { PodDefaults } from "./podDefaults.ts";

/** Operator-wide settings (flags of `room-recorder operator` and its pod defaults document), passed to reconcile and the pod builders. */
export interface OperatorSettings {
  /** Image of the signaler and worker pods unless a RoomRecording overrides it. */
  readonly image: string;
  /** NATS URL the pods use for the bus. */
  readonly natsUrl: string;
  /** Secret holding NATS credentials for the pods (key `token`), if NATS needs auth. */
  readonly natsSecret?: string;
  /** A pod not started this long after its creation is reported, and a worker's is replaced (docs/operator.md). */
  readonly startTimeoutMs: number;
  /** Pull secrets, resources, scheduling, NATS CA, default storage (podDefaults.ts). */
  readonly pods: PodDefaults;
}
