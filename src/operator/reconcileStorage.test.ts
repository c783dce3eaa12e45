/** reconcile and recording storage (issue 11: files in an emptyDir died with the pods the operator deletes). */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { reconcile, type ReconcileInput } from "./reconcile.ts";
import { signalerPod } from "./specs/signalerPod.ts";
import { workerPod } from "./specs/workerPod.ts";
import { recording, settings, settingsWith, stream, withPhase } from "./testing/fixtures.ts";
import type { RoomRecording, RoomRecordingStatus } from "./types.ts";
import type { OperatorSettings } from "./settings.ts";

const NOW = 1_000_000;
const noDefault: OperatorSettings = settingsWith({ defaultStorage: undefined });
const input = (rec: RoomRecording, pods: V1Pod[], s: OperatorSettings, streams: string[] = []): ReconcileInput => ({
  rec,
  pods,
  roster: { signaling: "connected", streams: streams.map((id) => stream(id)) },
  heartbeats: new Map(),
  settings: s,
  now: NOW,
});
const cond = (status: RoomRecordingStatus, type: string) => status.conditions?.find((c) => c.type === type);
const volumeOf = (pod: V1Pod) => pod.spec!.volumes!.find((v) => v.name === "recordings");

test("reconcile - without spec.storage and without an operator default, nothing starts and the recording says what to set", () => {
  const rec = recording({}, { finalizers: [] });
  const first = reconcile({ ...input(rec, [], noDefault), roster: undefined });
  assert.equal(first.addFinalizer, true, "the finalizer still comes first");
  const plan = reconcile({ ...input(recording(), [], noDefault), roster: undefined });
  assert.deepEqual(plan.apply, [], "no ServiceAccount, no signaler, no worker");
  assert.equal(plan.status.phase, "Blocked");
  for (const type of ["Ready", "Degraded", "SignalingConnected"]) assert.equal(cond(plan.status, type)?.reason, "StorageNotConfigured", type);
  assert.equal(cond(plan.status, "Ready")?.status, "False");
  assert.equal(cond(plan.status, "Degraded")?.status, "True");
  const warning = plan.events.filter((e) => e.type === "Warning");
  assert.deepEqual(warning.map((e) => e.reason), ["StorageNotConfigured"]);
  assert.match(warning[0]!.message, /spec\.storage\.persistentVolumeClaim\.claimName/);
  assert.match(warning[0]!.message, /pods\.defaultStorage/);
  assert.match(warning[0]!.message, /emptyDir.*loses the files/);
  const again = reconcile({ ...input({ ...recording(), status: plan.status }, [], noDefault), roster: undefined });
  assert.deepEqual(again.events, [], "one Event, not one per pass");
});

test("reconcile - running pods keep running when storage goes away; nothing new starts", () => {
  const rec = recording();
  const pods = [withPhase(signalerPod(rec, settings), "Running"), withPhase(workerPod(rec, stream("a"), 1, settings), "Running")];
  const plan = reconcile(input(rec, pods, noDefault, ["a", "b"]));
  assert.deepEqual(plan.apply, []);
  assert.deepEqual(plan.deletePods, []);
  assert.equal(cond(plan.status, "Ready")?.reason, "StorageNotConfigured");
});

test("reconcile - the operator's default claim stands in for spec.storage; spec.storage wins; an explicit emptyDir is allowed", () => {
  const start = (rec: RoomRecording, s: OperatorSettings) => {
    const plan = reconcile(input(rec, [withPhase(signalerPod(rec, s), "Running")], s, ["a"]));
    assert.equal(plan.apply.length, 1, JSON.stringify(plan.status.conditions));
    return plan.apply[0] as V1Pod;
  };
  assert.deepEqual(volumeOf(start(recording(), settings))?.persistentVolumeClaim, { claimName: "recordings" });
  assert.deepEqual(volumeOf(start(recording({ storage: { persistentVolumeClaim: { claimName: "studio" } } }), settings))?.persistentVolumeClaim, { claimName: "studio" });
  const nfs = settingsWith({ defaultStorage: { volume: { nfs: { server: "nas", path: "/rec" } } } });
  assert.deepEqual(volumeOf(start(recording(), nfs))?.nfs, { server: "nas", path: "/rec" });
  assert.deepEqual(volumeOf(start(recording({ storage: { volume: { emptyDir: {} } } }), noDefault))?.emptyDir, {});
});
