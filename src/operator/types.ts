/**
 * The RoomRecording custom resource as TypeScript sees it (deploy/crds/roomrecordings.room-recorder.dev.yaml
 * is the schema of record; the API server applies its defaults before we read an object).
 */
import type { V1ObjectMeta, V1Volume } from "@kubernetes/client-node";

export const GROUP = "room-recorder.dev";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = "RoomRecording";
export const PLURAL = "roomrecordings";

export interface SecretKeyRef {
  readonly name: string;
  readonly key?: string;
}

/** How the Secret of spec.nats.credentialsSecretRef is read (keys per type: docs/operator.md). */
export const NatsCredentialsType = { userPassword: "UserPassword", token: "Token", creds: "Creds" } as const;
export type NatsCredentialsType = (typeof NatsCredentialsType)[keyof typeof NatsCredentialsType];

export interface NatsCredentialsRef {
  readonly name: string;
  /** Defaulted to UserPassword by the API server. */
  readonly type?: NatsCredentialsType;
}

/** Where a recording's files go: exactly one of the two (the CRD checks it). */
export interface StorageSpec {
  readonly persistentVolumeClaim?: { readonly claimName: string };
  readonly volume?: Omit<V1Volume, "name">;
}

/** Container requests and limits; a number is a plain quantity, as the CRD allows. */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string | number>>;
  readonly limits?: Readonly<Record<string, string | number>>;
}

export interface RoomRecordingSpec {
  readonly room: string;
  readonly passwordSecretRef?: SecretKeyRef;
  readonly noPassword?: boolean;
  readonly salt?: string;
  readonly server?: string;
  readonly filters?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
  readonly ice?: {
    readonly relayOnly?: boolean;
    readonly servers?: readonly { readonly urls: readonly string[]; readonly credentialsSecretRef?: { readonly name: string } }[];
  };
  readonly nats?: { readonly credentialsSecretRef?: NatsCredentialsRef };
  readonly output?: { readonly segmentSeconds?: number; readonly maxDurationSeconds?: number; readonly pathTemplate?: string };
  readonly storage?: StorageSpec;
  readonly workerResources?: ResourceRequirements;
  readonly paused?: boolean;
  readonly image?: string;
}

export interface Condition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly observedGeneration?: number;
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
}

export interface StreamStatus {
  readonly stream: string;
  readonly label?: string;
  readonly phase: string;
  readonly pod?: string;
  readonly file?: string;
  readonly bytes?: number;
  readonly lastMediaTime?: string;
  readonly videoCodec?: string;
  readonly audioCodec?: string;
  readonly restarts?: number;
  /** Why the worker pod cannot start (podStart.ts StartProblemReason), with the kubelet's or scheduler's words. */
  readonly reason?: string;
  readonly message?: string;
}

export interface RoomRecordingStatus {
  readonly observedGeneration?: number;
  readonly phase?: string;
  readonly streams?: number;
  readonly wanted?: number;
  readonly recording?: number;
  readonly recordingSummary?: string;
  readonly conditions?: readonly Condition[];
  readonly streamStatuses?: readonly StreamStatus[];
}

export interface RoomRecording {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: V1ObjectMeta & { readonly name: string; readonly namespace: string; readonly uid: string };
  readonly spec: RoomRecordingSpec;
  readonly status?: RoomRecordingStatus;
}
