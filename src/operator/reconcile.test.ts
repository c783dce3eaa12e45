import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { reconcile, FINALIZE_TIMEOUT_MS, type ReconcileInput, type Roster } from "./reconcile.ts";
import { signalerPod } from "./specs/signalerPod.ts";
import { workerPod } from "./specs/workerPod.ts";
import { heartbeat, recording, settings, stream, withPhase } from "./testing/fixtures.ts";
import type { HeartbeatSeen } from "./status.ts";
import type { RoomRecording } from "./types.ts";

const NOW = 1_000_000;
const connected = (...ids: string[]): Roster => ({ signaling: "connected", streams: ids.map((id) => stream(id)) });

function input(rec: RoomRecording, pods: V1Pod[], roster?: Roster, heartbeats: Record<string, HeartbeatSeen> = {}, now = NOW): ReconcileInput {
  return { rec, pods, ...(roster ? { roster } : {}), heartbeats: new Map(Object.entries(heartbeats)), settings, now };
}
const runningSignaler = (rec: RoomRecording) => withPhase(signalerPod(rec, settings), "Running");
const worker = (rec: RoomRecording, id: string, attempt = 1, uuid?: string) => workerPod(rec, stream(id, uuid), attempt, settings);
const names = (objs: readonly { metadata?: { name?: string } }[]) => objs.map((o) => o.metadata?.name);
const cond = (status: { conditions?: readonly { type: string; status: string; reason: string }[] }, type: string) => status.conditions?.find((c) => c.type === type);
const reasons = (events: readonly { reason: string }[]) => events.map((e) => e.reason).sort();

test("reconcile - a new recording gets its service account and signaler, no workers before a roster", () => {
  const rec = recording();
  const plan = reconcile(input(rec, []));
  assert.deepEqual(plan.apply.map((o) => o.kind), ["ServiceAccount", "Pod"]);
  assert.deepEqual(names(plan.apply), ["studio-recorder", "studio-signaler"]);
  assert.equal(cond(plan.status, "SignalingConnected")?.status, "Unknown");
  assert.equal(cond(plan.status, "Ready")?.status, "False");
  assert.equal(plan.addFinalizer, false);
});

test("reconcile - asks for the finalizer first on a recording without it", () => {
  const plan = reconcile(input(recording({}, { finalizers: [] }), []));
  assert.equal(plan.addFinalizer, true);
});

test("reconcile - one worker pod per wanted stream, excluded streams get none", () => {
  const rec = recording({ filters: { exclude: ["skip"] } });
  const plan = reconcile(input(rec, [runningSignaler(rec)], connected("a", "b", "c", "skip")));
  assert.equal(plan.apply.length, 3);
  assert.ok(plan.apply.every((o) => o.kind === "Pod"));
  assert.deepEqual(reasons(plan.events).filter((r) => r === "WorkerStarted").length, 3);
  assert.equal(plan.status.streamStatuses?.find((s) => s.stream === "skip")?.phase, "Excluded");
  assert.equal(plan.status.recordingSummary, "0/3");
});

test("reconcile - three recording workers make Ready true and 3/3, with nothing to apply", () => {
  const rec = recording();
  const pods = [runningSignaler(rec), ...["a", "b", "c"].map((id) => withPhase(worker(rec, id), "Running"))];
  const hbs = Object.fromEntries(["a", "b", "c"].map((id) => [id, { heartbeat: heartbeat(id, "recording"), receivedAt: NOW - 500 }]));
  const plan = reconcile(input(rec, pods, connected("a", "b", "c"), hbs));
  assert.deepEqual(plan.apply, []);
  assert.deepEqual(plan.deletePods, []);
  assert.equal(plan.status.recordingSummary, "3/3");
  assert.equal(cond(plan.status, "Ready")?.status, "True");
  assert.equal(cond(plan.status, "Recording")?.status, "True");
  assert.equal(cond(plan.status, "Degraded")?.status, "False");
  const a = plan.status.streamStatuses?.find((s) => s.stream === "a");
  assert.equal(a?.bytes, 12345);
  assert.match(a?.pod ?? "", /^studio-w-a-[0-9a-f]{8}-1$/);
  assert.ok(reasons(plan.events).includes("RecordingStarted"));
  assert.ok(reasons(plan.events).includes("SignalingConnected"));
});

test("reconcile - a stale heartbeat does not count as recording", () => {
  const rec = recording();
  const pods = [runningSignaler(rec), withPhase(worker(rec, "a"), "Running")];
  const plan = reconcile(input(rec, pods, connected("a"), { a: { heartbeat: heartbeat("a", "recording"), receivedAt: NOW - 60_000 } }));
  assert.equal(plan.status.streamStatuses?.[0]?.phase, "Starting");
  assert.equal(cond(plan.status, "Ready")?.status, "False");
});

test("reconcile - a worker whose stream left stays gone, and the edge is recorded", () => {
  const rec = recording();
  const before = reconcile(input(rec, [runningSignaler(rec), withPhase(worker(rec, "a"), "Running"), withPhase(worker(rec, "b"), "Running")], connected("a", "b"), {
    a: { heartbeat: heartbeat("a", "recording"), receivedAt: NOW },
    b: { heartbeat: heartbeat("b", "recording"), receivedAt: NOW },
  }));
  const rec2 = { ...rec, status: before.status };
  const pods = [runningSignaler(rec), withPhase(worker(rec, "a"), "Succeeded", 0), withPhase(worker(rec, "b"), "Running")];
  const plan = reconcile(input(rec2, pods, connected("a", "b"), { b: { heartbeat: heartbeat("b", "recording"), receivedAt: NOW } }));
  assert.deepEqual(plan.apply, []);
  assert.equal(plan.status.streamStatuses?.find((s) => s.stream === "a")?.phase, "Left");
  assert.deepEqual(reasons(plan.events), ["FileFinalized", "StreamLeft"]);
  assert.equal(plan.status.recordingSummary, "1/1");
  assert.equal(cond(plan.status, "Ready")?.status, "True");
});

test("reconcile - a stream that rejoins under a new peer gets a new attempt", () => {
  const rec = recording();
  const pods = [runningSignaler(rec), withPhase(worker(rec, "a", 1, "old-peer"), "Succeeded", 0)];
  const plan = reconcile(input(rec, pods, { signaling: "connected", streams: [stream("a", "new-peer")] }));
  assert.equal(plan.apply.length, 1);
  assert.match(plan.apply[0]!.metadata!.name!, /-2$/);
});

test("reconcile - a crashed worker is restarted after a growing backoff, as a new pod", () => {
  const rec = recording();
  const crashed = withPhase(worker(rec, "a", 1), "Failed", 137, new Date(NOW - 1_000));
  const waiting = reconcile(input(rec, [runningSignaler(rec), crashed], connected("a")));
  assert.deepEqual(waiting.apply, []);
  assert.equal(waiting.status.streamStatuses?.[0]?.phase, "Backoff");
  assert.equal(waiting.requeueAfterMs, 4_000);
  assert.equal(cond(waiting.status, "Degraded")?.status, "True");
  assert.ok(reasons(waiting.events).includes("WorkerFailed"));

  const later = reconcile(input(rec, [runningSignaler(rec), crashed], connected("a"), {}, NOW + 5_000));
  assert.equal(later.apply.length, 1);
  assert.match(later.apply[0]!.metadata!.name!, /-2$/);
  assert.ok(reasons(later.events).includes("WorkerRestarted"));

  assert.equal(later.apply[0]!.metadata!.annotations!["room-recorder.dev/prior-failures"], "1", "the new pod carries the count");

  // The count lives on the newest pod: older attempts may already be deleted.
  const second = withPhase(workerPod(rec, stream("a"), 2, settings, 1), "Failed", 1, new Date(NOW));
  const plan = reconcile(input(rec, [runningSignaler(rec), crashed, second], connected("a")));
  assert.equal(plan.requeueAfterMs, 10_000, "second failure doubles the backoff");
  assert.deepEqual(plan.deletePods, [crashed.metadata!.name], "older attempts are cleaned up");
  const alone = reconcile(input(rec, [runningSignaler(rec), second], connected("a")));
  assert.equal(alone.requeueAfterMs, 10_000, "and it still doubles once they are gone");
  assert.equal(alone.status.streamStatuses?.[0]?.restarts, 2);
});

test("reconcile - a worker that ran 10 minutes before it failed starts the backoff again", () => {
  const rec = recording();
  const long = withPhase(workerPod(rec, stream("a"), 4, settings, 3), "Failed", 1, new Date(NOW));
  long.status!.containerStatuses![0]!.state!.terminated!.startedAt = new Date(NOW - 600_000);
  const plan = reconcile(input(rec, [runningSignaler(rec), long], connected("a")));
  assert.equal(plan.requeueAfterMs, 5_000);
  assert.equal(plan.status.streamStatuses?.[0]?.restarts, 1);
});

test("reconcile - a worker that rejects its config (exit 42) is not restarted", () => {
  const rec = recording();
  const plan = reconcile(input(rec, [runningSignaler(rec), withPhase(worker(rec, "a"), "Failed", 42)], connected("a"), {}, NOW + 3_600_000));
  assert.deepEqual(plan.apply, []);
  assert.equal(plan.status.streamStatuses?.[0]?.phase, "Failed");
  assert.equal(plan.requeueAfterMs, undefined);
});

test("reconcile - a stream excluded later has its running worker stopped", () => {
  const rec = recording({ filters: { include: ["b"] } });
  const a = withPhase(worker(rec, "a"), "Running");
  const plan = reconcile(input(rec, [runningSignaler(rec), a], connected("a")));
  assert.deepEqual(plan.deletePods, [a.metadata!.name]);
});

test("reconcile - paused stops every running pod, starts nothing and says so", () => {
  const rec = recording({ paused: true });
  const pods = [runningSignaler(rec), withPhase(worker(rec, "a"), "Running")];
  const plan = reconcile(input(rec, pods, connected("a", "b")));
  assert.deepEqual(plan.apply, []);
  assert.deepEqual([...plan.deletePods].sort(), names(pods).sort());
  assert.equal(cond(plan.status, "ReconciliationPaused")?.status, "True");
  assert.equal(plan.status.phase, "Paused");
  assert.ok(reasons(plan.events).includes("ReconciliationPaused"));
});

test("reconcile - deletion stops pods, waits for them, then releases the finalizer", () => {
  const deletedAt = new Date(NOW - 1_000).toISOString();
  const rec = recording({}, { deletionTimestamp: deletedAt as unknown as Date });
  const pods = [runningSignaler(rec), withPhase(worker(rec, "a"), "Running")];
  const stopping = reconcile(input(rec, pods, connected("a")));
  assert.equal(stopping.removeFinalizer, false);
  assert.deepEqual([...stopping.deletePods].sort(), names(pods).sort());
  assert.ok(stopping.requeueAfterMs);
  const done = reconcile(input(rec, [withPhase(worker(rec, "a"), "Succeeded", 0)], connected("a")));
  assert.equal(done.removeFinalizer, true);
  const timedOut = reconcile(input(rec, pods, connected("a"), {}, NOW + FINALIZE_TIMEOUT_MS));
  assert.equal(timedOut.removeFinalizer, true);
  assert.ok(timedOut.events.some((e) => e.reason === "Finalized" && e.type === "Warning"));
});

test("reconcile - a changed room replaces the signaler pod", () => {
  const rec = recording();
  const old = runningSignaler(recording({ room: "OtherRoom" }));
  const plan = reconcile(input(rec, [old], connected()));
  assert.deepEqual(plan.deletePods, [old.metadata!.name]);
});

test("reconcile - lastTransitionTime only moves when a condition's status changes", () => {
  const rec = recording();
  const first = reconcile(input(rec, [runningSignaler(rec)], connected()));
  const again = reconcile(input({ ...rec, status: first.status }, [runningSignaler(rec)], connected(), {}, NOW + 60_000));
  assert.deepEqual(again.status.conditions, first.status.conditions);
  assert.deepEqual(again.events, []);
});

test("reconcile - a duplicate worker (exit 3) stays stopped, like the local supervisor's", () => {
  const rec = recording();
  const plan = reconcile(input(rec, [runningSignaler(rec), withPhase(worker(rec, "a"), "Failed", 3)], connected("a"), {}, NOW + 3_600_000));
  assert.deepEqual(plan.apply, []);
  assert.equal(plan.status.streamStatuses?.[0]?.phase, "Duplicate");
});

test("reconcile - filters are globs on the base stream id (config/streamFilters.ts)", () => {
  const rec = recording({ filters: { include: ["cam-*"], exclude: ["cam-2"] } });
  const plan = reconcile(input(rec, [runningSignaler(rec)], connected("cam-1", "cam-2", "screen")));
  assert.deepEqual(plan.apply.map((p) => p.metadata?.annotations?.["room-recorder.dev/stream-id"]), ["cam-1"]);
});

test("reconcile - a recording stream that vanishes from the roster is reported as left with its file", () => {
  const rec = recording();
  const before = reconcile(input(rec, [runningSignaler(rec), withPhase(worker(rec, "a"), "Running")], connected("a"), { a: { heartbeat: heartbeat("a", "recording"), receivedAt: NOW } }));
  const gone = reconcile(input({ ...rec, status: before.status }, [runningSignaler(rec), withPhase(worker(rec, "a"), "Running")], connected()));
  assert.deepEqual(reasons(gone.events), ["StreamLeft"]);
  const plan = reconcile(input({ ...rec, status: before.status }, [runningSignaler(rec), withPhase(worker(rec, "a"), "Succeeded", 0)], connected()));
  assert.deepEqual(reasons(plan.events), ["FileFinalized", "StreamLeft"]);
  assert.ok(plan.events.some((e) => e.message.includes("seg-0001.webm")));
  assert.equal(plan.deletePods.length, 1, "the finished pod of a gone stream is cleaned up");
});

test("reconcile - a label only the worker learned (data channel) still reaches status", () => {
  const rec = recording();
  const unlabeled = { signaling: "connected" as const, streams: [{ ...stream("a"), label: undefined }].map(({ label: _, ...s }) => s) };
  const plan = reconcile(input(rec, [runningSignaler(rec), withPhase(worker(rec, "a"), "Running")], unlabeled, { a: { heartbeat: heartbeat("a", "recording", { label: "From DC" }), receivedAt: NOW } }));
  assert.equal(plan.status.streamStatuses?.[0]?.label, "From DC");
});
