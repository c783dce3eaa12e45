/** The one signaler pod of a RoomRecording: `room-recorder signaler` over NATS, no API token. */
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { OperatorSettings, RoomRecording } from "../types.ts";
import { Component, baseLabels, names } from "../names.ts";
import { metricsEndpoint, containerSecurityContext, image, ownerReference, passwordEnv, podSecurityContext, tmpVolume, withSpecHash } from "./common.ts";
import { roomArgs, scopeArgs } from "./args.ts";
import { natsAccess } from "./natsAccess.ts";

export function signalerPod(rec: RoomRecording, settings: OperatorSettings): V1Pod {
  const tmp = tmpVolume();
  const metrics = metricsEndpoint();
  const nats = natsAccess(rec, settings);
  const volumes = [tmp.volume, ...nats.volumes];
  const container: V1Container = {
    name: "signaler",
    image: image(rec, settings),
    command: ["room-recorder"],
    args: ["signaler", ...scopeArgs(rec, settings), ...roomArgs(rec)],
    env: [...nats.env, ...passwordEnv(rec), metrics.env],
    ports: [metrics.port],
    securityContext: containerSecurityContext,
    resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "256Mi" } },
    volumeMounts: [tmp.mount, ...nats.mounts],
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: names.signalerPod(rec.metadata.name),
      namespace: rec.metadata.namespace,
      labels: baseLabels(rec.metadata.name, Component.signaler),
      annotations: withSpecHash({}, [container], volumes),
      ownerReferences: [ownerReference(rec)],
    },
    spec: {
      serviceAccountName: names.serviceAccount(rec.metadata.name),
      automountServiceAccountToken: false,
      // The signaler holds no media: restarting it in place is always right (design.md, Data flow).
      restartPolicy: "Always",
      enableServiceLinks: false,
      securityContext: podSecurityContext,
      containers: [container],
      volumes,
    },
  };
}
