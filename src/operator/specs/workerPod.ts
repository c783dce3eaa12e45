/**
 * One worker pod per wanted stream and attempt. restartPolicy Never: the operator itself decides
 * whether a finished worker comes back (a stream that left stays gone; a crash gets a new pod and
 * so a new segment, with backoff), which a kubelet restart could not tell apart.
 */
import type { V1Container, V1Pod, V1PodSpec } from "@kubernetes/client-node";
import type { StreamInfo } from "../../bus/messages.ts";
import type { RoomRecording } from "../types.ts";
import type { OperatorSettings } from "../settings.ts";
import { ANNOTATION_PRIOR_FAILURES, ANNOTATION_PUBLISHER, ANNOTATION_STREAM_ID, ANNOTATION_STREAM_KEY, Component, LABEL_ATTEMPT, LABEL_STREAM, baseLabels, names, streamLabel } from "../names.ts";
import { RECORDINGS_MOUNT, containerResources, containerSecurityContext, imageOf, metricsEndpoint, ownerReference, passwordEnv, placement, podSecurityContext, tmpVolume, withSpecHash } from "./common.ts";
import { outputArgs, roomArgs, scopeArgs } from "./args.ts";
import { workerIce } from "./ice.ts";
import { natsAccess } from "./natsAccess.ts";
import { RECORDINGS_VOLUME, recordingsVolume } from "./storage.ts";

/** Time a worker gets after SIGTERM to write duration and cues (design.md, Recording). */
export const WORKER_GRACE_SECONDS = 30;

/**
 * `priorFailures`: consecutive failed attempts before this one for the same publisher, carried on
 * the pod (workers.ts counts restarts from it once older attempts are deleted).
 */
export function workerPod(rec: RoomRecording, stream: StreamInfo, attempt: number, settings: OperatorSettings, priorFailures = 0): V1Pod {
  const recordings = recordingsVolume(rec, settings);
  if (!recordings) throw new TypeError(`workerPod: ${rec.metadata.namespace}/${rec.metadata.name} has no storage (reconcile refuses it first)`);
  const tmp = tmpVolume();
  const metrics = metricsEndpoint();
  const nats = natsAccess(rec, settings);
  const args = ["worker", ...scopeArgs(rec, settings), ...roomArgs(rec), "--stream-key", stream.key, "--stream-id", stream.streamId];
  if (stream.label !== undefined) args.push("--label", stream.label);
  const ice = workerIce(rec, settings.pods.ice);
  args.push(...outputArgs(rec), ...ice.args);
  const container: V1Container = {
    name: "worker",
    ...imageOf(rec, settings),
    command: ["room-recorder"],
    args,
    env: [...nats.env, ...passwordEnv(rec), ...ice.env, metrics.env],
    ports: [metrics.port],
    securityContext: containerSecurityContext,
    resources: containerResources(rec.spec.workerResources ?? settings.pods.workerResources),
    volumeMounts: [tmp.mount, { name: RECORDINGS_VOLUME, mountPath: RECORDINGS_MOUNT }, ...nats.mounts],
  };
  const spec: V1PodSpec = {
    serviceAccountName: names.serviceAccount(rec.metadata.name),
    // Workers never talk to the Kubernetes API (design.md, least privilege).
    automountServiceAccountToken: false,
    restartPolicy: "Never",
    enableServiceLinks: false,
    terminationGracePeriodSeconds: WORKER_GRACE_SECONDS,
    securityContext: podSecurityContext,
    ...placement(settings),
    containers: [container],
    volumes: [tmp.volume, recordings, ...nats.volumes],
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: names.workerPod(rec.metadata.name, stream.key, attempt),
      namespace: rec.metadata.namespace,
      labels: { ...baseLabels(rec.metadata.name, Component.worker), [LABEL_STREAM]: streamLabel(stream.key), [LABEL_ATTEMPT]: String(attempt) },
      annotations: withSpecHash(
        {
          [ANNOTATION_STREAM_KEY]: stream.key,
          [ANNOTATION_STREAM_ID]: stream.streamId,
          [ANNOTATION_PUBLISHER]: stream.uuid,
          [ANNOTATION_PRIOR_FAILURES]: String(priorFailures),
        },
        spec,
      ),
      ownerReferences: [ownerReference(rec)],
    },
    spec,
  };
}
