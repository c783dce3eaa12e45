/**
 * The recordings volume of a worker pod (issue 11: without spec.storage the files lived in an
 * emptyDir and died with the pod the operator deletes once its stream left). The recording's own
 * spec.storage wins; else the operator's default storage (the chart's pods.defaultStorage);
 * else none, and the recording starts nothing (reconcile.ts, StorageNotConfigured). An explicit
 * `spec.storage.volume: {emptyDir: {}}` still records into the pod, for trying it out.
 */
import type { V1Volume } from "@kubernetes/client-node";
import type { RoomRecording, StorageSpec } from "../types.ts";
import type { OperatorSettings } from "../settings.ts";

export const RECORDINGS_VOLUME = "recordings";

export function recordingsVolume(rec: RoomRecording, settings: OperatorSettings): V1Volume | undefined {
  const storage: StorageSpec | undefined = rec.spec.storage ?? settings.pods.defaultStorage;
  if (storage?.persistentVolumeClaim) return { name: RECORDINGS_VOLUME, persistentVolumeClaim: { claimName: storage.persistentVolumeClaim.claimName } };
  if (storage?.volume) return { ...structuredClone(storage.volume), name: RECORDINGS_VOLUME };
  return undefined;
}

/** What the Warning Event and the conditions say when there is no storage: what to set. */
export const STORAGE_NOT_CONFIGURED_MESSAGE =
  "no storage for recordings: set spec.storage.persistentVolumeClaim.claimName (or spec.storage.volume), or give the operator a default " +
  "(chart value pods.defaultStorage); spec.storage.volume: {emptyDir: {}} records into the pod and loses the files with it";
