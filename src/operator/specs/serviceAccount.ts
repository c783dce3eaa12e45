/**
 * A ServiceAccount per recording, so its pods never run as the namespace's `default` account
 * (which other workloads may have granted rights to). No Role is bound: neither the signaler nor
 * the workers use the Kubernetes API (the roster travels over the bus).
 */
import type { V1ServiceAccount } from "@kubernetes/client-node";
import type { RoomRecording } from "../types.ts";
import { Component, baseLabels, names } from "../names.ts";
import { ownerReference } from "./common.ts";

export function serviceAccount(rec: RoomRecording): V1ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: names.serviceAccount(rec.metadata.name),
      namespace: rec.metadata.namespace,
      labels: baseLabels(rec.metadata.name, Component.identity),
      ownerReferences: [ownerReference(rec)],
    },
    automountServiceAccountToken: false,
  };
}
