/**
 * Parts every pod the operator builds shares: owner reference, hardened security context
 * (design.md "Cluster objects": non-root, read-only root, no capabilities, seccomp RuntimeDefault),
 * the operator's pod defaults (pull secrets and policy, scheduling), the metrics endpoint, the
 * room password, and the spec hash that tells a pod built from other inputs.
 */
import { createHash } from "node:crypto";
import type { V1Container, V1ContainerPort, V1EnvVar, V1OwnerReference, V1PodSecurityContext, V1PodSpec, V1SecurityContext, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { ResourceRequirements, RoomRecording } from "../types.ts";
import type { OperatorSettings } from "../settings.ts";
import { API_VERSION, KIND } from "../types.ts";
import { ANNOTATION_SPEC_HASH } from "../names.ts";
import { stableJson } from "../stableJson.ts";

/** Mount point of the recording volume inside the pods. */
export const RECORDINGS_MOUNT = "/recordings";
/** The one writable scratch directory (read-only root file system). */
export const TMP_MOUNT = "/tmp";
/** Non-root uid/gid of the image (the node image's `node` user). */
export const RUN_AS_UID = 1000;

export function ownerReference(rec: RoomRecording): V1OwnerReference {
  return { apiVersion: API_VERSION, kind: KIND, name: rec.metadata.name, uid: rec.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export const podSecurityContext: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_UID,
  runAsGroup: RUN_AS_UID,
  fsGroup: RUN_AS_UID,
  // A recording volume grows to many files; the kubelet's default (Always) re-chowns every one
  // of them at each pod start. OnRootMismatch walks the tree only when its root is not ours yet.
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

export const containerSecurityContext: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/**
 * Port of /metrics, /healthz and /readyz in signaler and worker containers (OpenTelemetry's
 * Prometheus exporter default). The chart's PodMonitor scrapes the container port named
 * `metrics` (deploy/helm/room-recorder/templates/podmonitor.yaml).
 */
export const METRICS_PORT = 9464;
export const METRICS_PORT_NAME = "metrics";

/**
 * The metrics endpoint: declared as a named container port and handed to the process as
 * RR_METRICS_PORT (both CLIs read it), so the port lives in one place of the pod spec.
 */
export function metricsEndpoint(): { port: V1ContainerPort; env: V1EnvVar } {
  return {
    port: { name: METRICS_PORT_NAME, containerPort: METRICS_PORT, protocol: "TCP" },
    env: { name: "RR_METRICS_PORT", value: String(METRICS_PORT) },
  };
}

/** ROOM_PASSWORD from the referenced Secret (spec: never inline); absent = VDO.Ninja's default. */
export function passwordEnv(rec: RoomRecording): V1EnvVar[] {
  const ref = rec.spec.passwordSecretRef;
  if (!ref) return [];
  return [{ name: "ROOM_PASSWORD", valueFrom: { secretKeyRef: { name: ref.name, key: ref.key ?? "password" } } }];
}

export function tmpVolume(): { volume: V1Volume; mount: V1VolumeMount } {
  return { volume: { name: "tmp", emptyDir: { sizeLimit: "64Mi" } }, mount: { name: "tmp", mountPath: TMP_MOUNT } };
}

/** The image and, if the operator was given one, its pull policy. */
export function imageOf(rec: RoomRecording, settings: OperatorSettings): Pick<V1Container, "image" | "imagePullPolicy"> {
  const policy = settings.pods.imagePullPolicy;
  return { image: rec.spec.image ?? settings.image, ...(policy ? { imagePullPolicy: policy } : {}) };
}

/** Pull secrets and scheduling from the operator's pod defaults (podDefaults.ts), set only when given. */
export function placement(settings: OperatorSettings): Pick<V1PodSpec, "imagePullSecrets" | "nodeSelector" | "tolerations" | "affinity"> {
  const p = settings.pods;
  return {
    ...(p.imagePullSecrets.length ? { imagePullSecrets: p.imagePullSecrets.map((s) => ({ name: s.name })) } : {}),
    ...(p.nodeSelector ? { nodeSelector: { ...p.nodeSelector } } : {}),
    ...(p.tolerations ? { tolerations: structuredClone(p.tolerations) as V1PodSpec["tolerations"] } : {}),
    ...(p.affinity ? { affinity: structuredClone(p.affinity) } : {}),
  };
}

/** Requests and limits as the quantity strings a container takes. */
export function containerResources(r: ResourceRequirements): V1Container["resources"] {
  const str = (m?: Readonly<Record<string, string | number>>) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])) : undefined);
  const requests = str(r.requests);
  const limits = str(r.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

/** Stable hash of what a pod was built from; stored as an annotation, compared by apply. */
export function specHash(obj: unknown): string {
  return createHash("sha256").update(stableJson(obj)).digest("hex").slice(0, 16);
}

/**
 * Stamp the hash of the whole pod spec on the pod's annotations. A pod spec is immutable, so any
 * change (a volume behind the same mount, pull secrets, node selector) must replace the pod, and
 * the hash is how the operator tells.
 */
export function withSpecHash(annotations: Record<string, string>, spec: V1PodSpec): Record<string, string> {
  return { ...annotations, [ANNOTATION_SPEC_HASH]: specHash(spec) };
}
