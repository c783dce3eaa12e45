/**
 * One worker pod per wanted stream and attempt. restartPolicy Never: the operator itself decides
 * whether a finished worker comes back (a stream that left stays gone; a crash gets a new pod and
 * so a new segment, with backoff), which a kubelet restart could not tell apart.
 */
import type { V1Container, V1EnvVar, V1Pod, V1Volume } from "@kubernetes/client-node";
import type { StreamInfo } from "../../bus/messages.ts";
import type { OperatorSettings, RoomRecording } from "../types.ts";
import { ANNOTATION_PUBLISHER, ANNOTATION_STREAM_ID, ANNOTATION_STREAM_KEY, Component, LABEL_ATTEMPT, LABEL_STREAM, baseLabels, names, streamLabel } from "../names.ts";
import { RECORDINGS_MOUNT, metricsEndpoint, containerSecurityContext, image, ownerReference, passwordEnv, podSecurityContext, tmpVolume, withSpecHash } from "./common.ts";
import { iceArgs, outputArgs, roomArgs, scopeArgs } from "./args.ts";
import { natsAccess } from "./natsAccess.ts";

/** Time a worker gets after SIGTERM to write duration and cues (design.md, Recording). */
export const WORKER_GRACE_SECONDS = 30;

export function workerPod(rec: RoomRecording, stream: StreamInfo, attempt: number, settings: OperatorSettings): V1Pod {
  const tmp = tmpVolume();
  const metrics = metricsEndpoint();
  const nats = natsAccess(rec, settings);
  const volumes = [tmp.volume, recordingsVolume(rec), ...nats.volumes];
  const args = ["worker", ...scopeArgs(rec, settings), ...roomArgs(rec), "--stream-key", stream.key, "--stream-id", stream.streamId];
  if (stream.label !== undefined) args.push("--label", stream.label);
  args.push(...outputArgs(rec), ...iceArgs(rec));
  const container: V1Container = {
    name: "worker",
    image: image(rec, settings),
    command: ["room-recorder"],
    args,
    env: [...nats.env, ...passwordEnv(rec), ...iceCredentialEnv(rec), metrics.env],
    ports: [metrics.port],
    securityContext: containerSecurityContext,
    ...(rec.spec.workerResources ? { resources: resources(rec.spec.workerResources) } : {}),
    volumeMounts: [tmp.mount, { name: "recordings", mountPath: RECORDINGS_MOUNT }, ...nats.mounts],
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: names.workerPod(rec.metadata.name, stream.key, attempt),
      namespace: rec.metadata.namespace,
      labels: { ...baseLabels(rec.metadata.name, Component.worker), [LABEL_STREAM]: streamLabel(stream.key), [LABEL_ATTEMPT]: String(attempt) },
      annotations: withSpecHash(
        { [ANNOTATION_STREAM_KEY]: stream.key, [ANNOTATION_STREAM_ID]: stream.streamId, [ANNOTATION_PUBLISHER]: stream.uuid },
        [container],
        volumes,
      ),
      ownerReferences: [ownerReference(rec)],
    },
    spec: {
      serviceAccountName: names.serviceAccount(rec.metadata.name),
      // Workers never talk to the Kubernetes API (design.md, least privilege).
      automountServiceAccountToken: false,
      restartPolicy: "Never",
      enableServiceLinks: false,
      terminationGracePeriodSeconds: WORKER_GRACE_SECONDS,
      securityContext: podSecurityContext,
      containers: [container],
      volumes,
    },
  };
}

function recordingsVolume(rec: RoomRecording): V1Volume {
  const storage = rec.spec.storage;
  if (storage?.persistentVolumeClaim) return { name: "recordings", persistentVolumeClaim: { claimName: storage.persistentVolumeClaim.claimName } };
  if (storage?.volume) return { ...storage.volume, name: "recordings" };
  // No storage given: files live as long as the pod. Useful for trying it out, said in docs/operator.md.
  return { name: "recordings", emptyDir: {} };
}

function iceCredentialEnv(rec: RoomRecording): V1EnvVar[] {
  const env: V1EnvVar[] = [];
  (rec.spec.ice?.servers ?? []).forEach((server, i) => {
    const ref = server.credentialsSecretRef;
    if (!ref) return;
    env.push(
      { name: `ICE_${i}_USERNAME`, valueFrom: { secretKeyRef: { name: ref.name, key: "username" } } },
      { name: `ICE_${i}_CREDENTIAL`, valueFrom: { secretKeyRef: { name: ref.name, key: "credential" } } },
    );
  });
  return env;
}

function resources(r: NonNullable<RoomRecording["spec"]["workerResources"]>): V1Container["resources"] {
  const str = (m?: Record<string, string | number>) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])) : undefined);
  const requests = str(r.requests);
  const limits = str(r.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}
