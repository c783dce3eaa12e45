import { test } from "node:test";
import assert from "node:assert/strict";
import { trimCachedObject, trimCachedPod } from "./cacheTrim.ts";
import { workerPod } from "./specs/workerPod.ts";
import { recording, settings, stream, withPhase } from "./testing/fixtures.ts";
import { podAttempt, podComponent, podOutcome, podPublisher, podStreamKey, finishedAtMs } from "./podState.ts";
import { ANNOTATION_SPEC_HASH } from "./names.ts";

const managedFields = [{ manager: "room-recorder-operator", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:containers": {} } } }];

test("trimCachedPod - drops managedFields and the spec; everything reconcile reads stays the same", () => {
  const pod = withPhase(workerPod(recording(), stream("a"), 2, settings), "Failed", 1, new Date(5_000));
  pod.metadata!.managedFields = structuredClone(managedFields);
  const read = (p: typeof pod) => [podOutcome(p), podComponent(p), podStreamKey(p), podPublisher(p), podAttempt(p), finishedAtMs(p), p.metadata?.annotations?.[ANNOTATION_SPEC_HASH], p.metadata?.ownerReferences, p.status?.phase];
  const before = read(pod);
  trimCachedPod(pod);
  assert.equal(pod.metadata!.managedFields, undefined);
  assert.equal(pod.spec, undefined);
  assert.deepEqual(read(pod), before);
  assert.ok(!JSON.stringify(pod).includes("f:containers"));
});

test("trimCachedObject - a RoomRecording keeps spec and status, loses managedFields", () => {
  const rec = structuredClone({ ...recording(), status: { phase: "Recording" } });
  rec.metadata.managedFields = structuredClone(managedFields);
  trimCachedObject(rec);
  assert.equal(rec.metadata.managedFields, undefined);
  assert.equal(rec.spec.room, "MyRoom");
  assert.equal(rec.status.phase, "Recording");
});
