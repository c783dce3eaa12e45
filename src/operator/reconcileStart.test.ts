/** reconcile with pods that never start (issue 11): conditions, stream status, Events once, the start timeout. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { reconcile, type ReconcileInput, type Roster } from "./reconcile.ts";
import { signalerPod } from "./specs/signalerPod.ts";
import { workerPod } from "./specs/workerPod.ts";
import { START_TIMEOUT_MS, recording, settings, stream, unschedulable, waiting, withPhase } from "./testing/fixtures.ts";
import type { RoomRecording, RoomRecordingStatus } from "./types.ts";

const NOW = 1_000_000;
const connected = (...ids: string[]): Roster => ({ signaling: "connected", streams: ids.map((id) => stream(id)) });
const input = (rec: RoomRecording, pods: V1Pod[], roster?: Roster, now = NOW): ReconcileInput => ({ rec, pods, ...(roster ? { roster } : {}), heartbeats: new Map(), settings, now });
const runningSignaler = (rec: RoomRecording) => withPhase(signalerPod(rec, settings), "Running");
const worker = (rec: RoomRecording, attempt = 1, prior = 0) => workerPod(rec, stream("a"), attempt, settings, prior);
const cond = (status: RoomRecordingStatus, type: string) => status.conditions?.find((c) => c.type === type);
const warnings = (events: readonly { type: string; reason: string }[]) => events.filter((e) => e.type === "Warning").map((e) => e.reason);

const CAUSES = [
  { cause: "an image that does not exist", pod: (p: V1Pod) => waiting(p, "ErrImagePull", 'rpc error: failed to pull and unpack image "registry.example/rr:nope": not found', NOW, "registry.example/rr:nope"), reason: "ImagePullFailed", names: "registry.example/rr:nope" },
  { cause: "image pull back-off", pod: (p: V1Pod) => waiting(p, "ImagePullBackOff", 'Back-off pulling image "registry.example/rr:nope"', NOW, "registry.example/rr:nope"), reason: "ImagePullFailed", names: "registry.example/rr:nope" },
  { cause: "a missing NATS Secret", pod: (p: V1Pod) => waiting(p, "CreateContainerConfigError", 'secret "nats-auth" not found', NOW), reason: "ContainerConfigError", names: 'secret "nats-auth" not found' },
  { cause: "a runtime refusal", pod: (p: V1Pod) => waiting(p, "CreateContainerError", "failed to create containerd task", NOW), reason: "ContainerCreateFailed", names: "failed to create containerd task" },
  { cause: "a PVC that does not exist", pod: (p: V1Pod) => unschedulable(p, '0/1 nodes are available: persistentvolumeclaim "recordings" not found. preemption: 0/1 nodes are available', NOW), reason: "Unschedulable", names: 'persistentvolumeclaim "recordings" not found' },
];

test("reconcile - a worker pod that cannot start: stream Blocked, Degraded and Ready say why, one Warning Event naming the cause", () => {
  const rec = recording();
  for (const c of CAUSES) {
    const pods = [runningSignaler(rec), c.pod(worker(rec))];
    const plan = reconcile(input(rec, pods, connected("a"), NOW + 1_000));
    const s = plan.status.streamStatuses?.[0];
    assert.equal(s?.phase, "Blocked", c.cause);
    assert.equal(s?.reason, c.reason, c.cause);
    assert.ok(s?.message?.includes(c.names), `${c.cause}: ${s?.message}`);
    assert.equal(cond(plan.status, "Degraded")?.status, "True", c.cause);
    assert.equal(cond(plan.status, "Degraded")?.reason, c.reason, c.cause);
    assert.ok(cond(plan.status, "Degraded")?.message.includes(c.names), c.cause);
    assert.equal(cond(plan.status, "Ready")?.reason, c.reason, c.cause);
    assert.equal(plan.status.phase, "Degraded", c.cause);
    assert.equal(plan.status.recordingSummary, "0/1", c.cause);
    assert.deepEqual(warnings(plan.events), [c.reason], c.cause);
    assert.ok(plan.events.find((e) => e.reason === c.reason)!.message.includes(c.names), c.cause);
    assert.deepEqual(plan.apply, [], `${c.cause}: nothing new before the timeout`);
    assert.deepEqual(plan.deletePods, [], c.cause);
    assert.equal(plan.requeueAfterMs, START_TIMEOUT_MS - 1_000, `${c.cause}: back at the start timeout`);

    // The next pass sees the same cause: no second Event.
    const again = reconcile(input({ ...rec, status: plan.status }, pods, connected("a"), NOW + 2_000));
    assert.deepEqual(warnings(again.events), [], `${c.cause}: once per transition`);
  }
});

test("reconcile - image pull errors alternate with back-off without new Events", () => {
  const rec = recording();
  const first = reconcile(input(rec, [runningSignaler(rec), CAUSES[0]!.pod(worker(rec))], connected("a")));
  const backOff = reconcile(input({ ...rec, status: first.status }, [runningSignaler(rec), CAUSES[1]!.pod(worker(rec))], connected("a")));
  assert.equal(backOff.status.streamStatuses?.[0]?.reason, "ImagePullFailed");
  assert.deepEqual(warnings(backOff.events), []);
});

test("reconcile - a worker not started within the start timeout gets a new pod after the backoff, and the stuck one is deleted with it", () => {
  const rec = recording();
  const stuck = waiting(worker(rec), "ContainerCreating", "", NOW);
  const timedOut = reconcile(input(rec, [runningSignaler(rec), stuck], connected("a"), NOW + START_TIMEOUT_MS));
  const s = timedOut.status.streamStatuses?.[0];
  assert.equal(s?.phase, "Backoff");
  assert.equal(s?.reason, "StartTimeout");
  assert.match(s?.message ?? "", /not started 60 s after creation \(ContainerCreating\)/);
  assert.deepEqual(warnings(timedOut.events), ["StartTimeout"]);
  assert.deepEqual(timedOut.apply, []);
  assert.deepEqual(timedOut.deletePods, [], "kept until its replacement exists: the backoff is measured from it");
  assert.equal(timedOut.requeueAfterMs, 5_000);

  const replaced = reconcile(input({ ...rec, status: timedOut.status }, [runningSignaler(rec), stuck], connected("a"), NOW + START_TIMEOUT_MS + 5_000));
  assert.deepEqual(replaced.apply.map((p) => p.metadata?.name), [worker(rec, 2).metadata!.name]);
  assert.equal(replaced.apply[0]!.metadata!.annotations!["room-recorder.dev/prior-failures"], "1");
  assert.deepEqual(replaced.deletePods, [stuck.metadata!.name]);
  assert.ok(replaced.events.some((e) => e.reason === "WorkerRestarted"));

  // The replacement stuck as well: the backoff doubles, although the first pod is gone.
  const stuckAgain = waiting(worker(rec, 2, 1), "ErrImagePull", "not found", NOW + START_TIMEOUT_MS + 5_000);
  const second = reconcile(input(rec, [runningSignaler(rec), stuckAgain], connected("a"), NOW + 2 * START_TIMEOUT_MS + 5_000));
  assert.equal(second.status.streamStatuses?.[0]?.reason, "StartTimeout");
  assert.match(second.status.streamStatuses?.[0]?.message ?? "", /cannot be pulled.*; not started 60 s/);
  assert.equal(second.requeueAfterMs, 10_000);
});

test("reconcile - a stuck pod that starts during its backoff is simply a worker again", () => {
  const rec = recording();
  const started = { ...withPhase(worker(rec), "Running"), metadata: { ...worker(rec).metadata, creationTimestamp: new Date(NOW) } };
  const plan = reconcile(input(rec, [runningSignaler(rec), started], connected("a"), NOW + START_TIMEOUT_MS + 1_000));
  assert.equal(plan.status.streamStatuses?.[0]?.phase, "Starting");
  assert.equal(plan.status.streamStatuses?.[0]?.reason, undefined);
  assert.deepEqual(plan.deletePods, []);
});

test("reconcile - a worker that never started, for a stream no longer listed, is deleted", () => {
  const rec = recording();
  const stuck = CAUSES[0]!.pod(worker(rec));
  const plan = reconcile(input(rec, [runningSignaler(rec), stuck], connected()));
  assert.deepEqual(plan.deletePods, [stuck.metadata!.name]);
});

test("reconcile - a signaler pod that cannot start: SignalingConnected, Ready and Degraded name the cause, one Warning Event", () => {
  const rec = recording();
  for (const c of CAUSES) {
    const signaler = c.pod(signalerPod(rec, settings));
    const plan = reconcile(input(rec, [signaler]));
    for (const type of ["SignalingConnected", "Ready", "Degraded"]) {
      assert.equal(cond(plan.status, type)?.reason, c.reason, `${c.cause}: ${type}`);
      assert.ok(cond(plan.status, type)?.message.startsWith("signaler pod studio-signaler"), `${c.cause}: ${type}`);
    }
    assert.equal(cond(plan.status, "SignalingConnected")?.status, "False");
    assert.equal(plan.status.phase, "Degraded");
    assert.deepEqual(warnings(plan.events), [c.reason], c.cause);
    assert.ok(plan.events[0]!.message.includes(c.names), c.cause);
    assert.deepEqual(plan.deletePods, [], `${c.cause}: the kubelet retries the signaler in place`);
    const again = reconcile(input({ ...rec, status: plan.status }, [signaler], undefined, NOW + 5_000));
    assert.deepEqual(warnings(again.events), [], `${c.cause}: once`);
  }
  // A cause the status does not show surfaces at the start timeout.
  const creating = waiting(signalerPod(rec, settings), "ContainerCreating", "", NOW);
  assert.equal(cond(reconcile(input(rec, [creating])).status, "SignalingConnected")?.status, "Unknown");
  assert.equal(reconcile(input(rec, [creating])).requeueAfterMs, START_TIMEOUT_MS);
  const late = reconcile(input(rec, [creating], undefined, NOW + START_TIMEOUT_MS));
  assert.equal(cond(late.status, "SignalingConnected")?.reason, "StartTimeout");
  assert.deepEqual(warnings(late.events), ["StartTimeout"]);
  assert.deepEqual(late.deletePods, []);
});
