/** The one signaler pod of a RoomRecording: `room-recorder signaler` over NATS, no API token. */
import type { V1Container, V1Pod, V1PodSpec } from "@kubernetes/client-node";
import type { RoomRecording } from "../types.ts";
import type { OperatorSettings } from "../settings.ts";
import { Component, baseLabels, names } from "../names.ts";
import { containerResources, containerSecurityContext, imageOf, metricsEndpoint, ownerReference, passwordEnv, placement, podSecurityContext, tmpVolume, withSpecHash } from "./common.ts";
import { roomArgs, scopeArgs } from "./args.ts";
import { natsAccess } from "./natsAccess.ts";

/**
 * NODE_OPTIONS of the signaler container. The pod runs the worker image, whose NODE_OPTIONS caps
 * the old space at 128 MiB and shrinks the young generation for one stream's packet garbage
 * (stream-worker/nodeFlags.ts); the signaler's memory grows with the room instead (roster,
 * listings), so it gets V8's own sizing and only the image's warning filter.
 */
export const SIGNALER_NODE_OPTIONS = "--disable-warning=ExperimentalWarning";

export function signalerPod(rec: RoomRecording, settings: OperatorSettings): V1Pod {
  const tmp = tmpVolume();
  const metrics = metricsEndpoint();
  const nats = natsAccess(rec, settings);
  const container: V1Container = {
    name: "signaler",
    ...imageOf(rec, settings),
    command: ["room-recorder"],
    args: ["signaler", ...scopeArgs(rec, settings), ...roomArgs(rec)],
    env: [...nats.env, ...passwordEnv(rec), metrics.env, { name: "NODE_OPTIONS", value: SIGNALER_NODE_OPTIONS }],
    ports: [metrics.port],
    securityContext: containerSecurityContext,
    resources: containerResources(settings.pods.signalerResources),
    volumeMounts: [tmp.mount, ...nats.mounts],
  };
  const spec: V1PodSpec = {
    serviceAccountName: names.serviceAccount(rec.metadata.name),
    automountServiceAccountToken: false,
    // The signaler holds no media: restarting it in place is always right (design.md, Data flow).
    restartPolicy: "Always",
    enableServiceLinks: false,
    securityContext: podSecurityContext,
    ...placement(settings),
    containers: [container],
    volumes: [tmp.volume, ...nats.volumes],
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: names.signalerPod(rec.metadata.name),
      namespace: rec.metadata.namespace,
      labels: baseLabels(rec.metadata.name, Component.signaler),
      annotations: withSpecHash({}, spec),
      ownerReferences: [ownerReference(rec)],
    },
    spec,
  };
}
