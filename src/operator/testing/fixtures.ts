/** Fresh RoomRecording / pod / heartbeat fixtures for the operator's unit tests (cloned per use). */
import type { V1Pod } from "@kubernetes/client-node";
import type { Heartbeat, StreamInfo } from "../../bus/messages.ts";
import type { RoomRecording, RoomRecordingSpec } from "../types.ts";
import type { OperatorSettings } from "../settings.ts";
import { API_VERSION, KIND } from "../types.ts";
import { FINALIZER } from "../names.ts";
import { defaultPodDefaults, type PodDefaults } from "../podDefaults.ts";

/** A start timeout the tests can reason about (the operator's default is 5 minutes). */
export const START_TIMEOUT_MS = 60_000;

/** The operator's settings with a default claim, as the chart installs it. */
export const settings: OperatorSettings = {
  image: "room-recorder:test",
  natsUrl: "nats://nats:4222",
  natsSecret: "nats-auth",
  startTimeoutMs: START_TIMEOUT_MS,
  pods: { ...defaultPodDefaults(), defaultStorage: { persistentVolumeClaim: { claimName: "recordings" } } },
};

/** Settings with other pod defaults (podDefaults.ts). */
export function settingsWith(pods: Partial<PodDefaults>, rest: Partial<OperatorSettings> = {}): OperatorSettings {
  return { ...settings, ...rest, pods: { ...settings.pods, ...pods } };
}

export function recording(spec: Partial<RoomRecordingSpec> = {}, meta: Partial<RoomRecording["metadata"]> = {}): RoomRecording {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: "studio", namespace: "media", uid: "uid-1", generation: 3, finalizers: [FINALIZER], ...meta },
    spec: { room: "MyRoom", server: "wss://relay.example:443", salt: "vdo.ninja", ...spec },
  };
}

export function stream(id: string, uuid = `peer-${id}`): StreamInfo {
  return { key: id, streamId: id, wireId: id, uuid, label: `Label ${id}` };
}

/** Give a built pod an observed phase (as the kubelet or node agent would report it). */
export function withPhase(pod: V1Pod, phase: "Pending" | "Running" | "Succeeded" | "Failed", exitCode?: number, finishedAt?: Date): V1Pod {
  const terminated = exitCode !== undefined ? { state: { terminated: { exitCode, finishedAt: finishedAt ?? new Date(0) } } } : {};
  return { ...structuredClone(pod), status: { phase, containerStatuses: [{ name: "worker", image: "", imageID: "", ready: phase === "Running", restartCount: 0, ...terminated }] } };
}

export function heartbeat(key: string, state: Heartbeat["state"], extra: Partial<Heartbeat> = {}): Heartbeat {
  return { type: "heartbeat", key, instance: "i1", state, bitrateKbps: 900, bytesWritten: 12345, framesWritten: 100, segments: 1, durationSec: 5, packetsLost: 0, nacks: 0, plis: 1, file: `/recordings/media/studio/myroom/${key}/seg-0001.webm`, lastMediaAt: 1_000, videoCodec: "VP8", audioCodec: "opus", ...extra };
}

/** A pod the API server created at `createdAt` (ms), as the informer sees it. */
export function createdAt(pod: V1Pod, ms: number): V1Pod {
  const copy = structuredClone(pod);
  copy.metadata = { ...copy.metadata, creationTimestamp: new Date(ms) };
  return copy;
}

/** A Pending pod whose container waits for `reason` (as the kubelet reports it), created at `created` ms. */
export function waiting(pod: V1Pod, reason: string, message: string, created: number, image = "room-recorder:test"): V1Pod {
  return {
    ...createdAt(pod, created),
    status: { phase: "Pending", containerStatuses: [{ name: pod.spec!.containers[0]!.name, image, imageID: "", ready: false, restartCount: 0, state: { waiting: { reason, message } } }] },
  };
}

/** A Pending pod the scheduler cannot place (PodScheduled=False, Unschedulable), created at `created` ms. */
export function unschedulable(pod: V1Pod, message: string, created: number): V1Pod {
  return { ...createdAt(pod, created), status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }] } };
}
