/** reconcile with a worker that finds no ICE path to its publisher (issue 12): cause in status, condition and Event; retried, never Left. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import type { IceFailure } from "../bus/messages.ts";
import { reconcile, type ReconcileInput, type Roster } from "./reconcile.ts";
import type { HeartbeatSeen } from "./status.ts";
import { signalerPod } from "./specs/signalerPod.ts";
import { workerPod } from "./specs/workerPod.ts";
import { heartbeat, recording, settings, stream, withPhase } from "./testing/fixtures.ts";
import type { RoomRecording, RoomRecordingStatus } from "./types.ts";
import { ICE_BACKOFF_MAX_MS } from "./workers.ts";

const NOW = 1_000_000;
const roster: Roster = { signaling: "connected", streams: [stream("a")] };
const AUTH: IceFailure = { cause: "turn-auth", detail: "TURN server refused the credentials (401 Unauthorized); gathered no candidate; 2 remote candidate(s)" };
const seen = (failure?: IceFailure): Map<string, HeartbeatSeen> =>
  new Map([["a", { heartbeat: heartbeat("a", "reconnecting", { bytesWritten: 0, ...(failure ? { iceFailure: failure } : {}) }), receivedAt: NOW - 500 }]]);
const input = (rec: RoomRecording, pods: V1Pod[], heartbeats: Map<string, HeartbeatSeen>, now = NOW): ReconcileInput => ({ rec, pods, roster, heartbeats, settings, now });
const signaler = (rec: RoomRecording) => withPhase(signalerPod(rec, settings), "Running");
const cond = (status: RoomRecordingStatus, type: string) => status.conditions?.find((c) => c.type === type);
const warnings = (events: readonly { type: string; reason: string }[]) => events.filter((e) => e.type === "Warning").map((e) => e.reason);

test("reconcile ICE - a running worker reports turn-auth: stream Backoff with TurnAuthFailed, Degraded and Ready name it, one Warning Event", () => {
  const rec = recording();
  const pods = [signaler(rec), withPhase(workerPod(rec, stream("a"), 1, settings, 0), "Running")];
  const plan = reconcile(input(rec, pods, seen(AUTH)));
  const s = plan.status.streamStatuses?.[0];
  assert.equal(s?.phase, "Backoff");
  assert.equal(s?.reason, "TurnAuthFailed");
  assert.match(s?.message ?? "", /refused the credentials \(401/);
  assert.equal(cond(plan.status, "Degraded")?.reason, "TurnAuthFailed");
  assert.equal(cond(plan.status, "Ready")?.reason, "TurnAuthFailed");
  assert.deepEqual(warnings(plan.events), ["TurnAuthFailed"]);
  assert.deepEqual(plan.apply, [], "the worker still runs: it asks the publisher again itself");
  const again = reconcile(input({ ...rec, status: plan.status }, pods, seen(AUTH), NOW + 1_000));
  assert.deepEqual(warnings(again.events), [], "once per transition");
});

test("reconcile ICE - a worker that exited 4 is replaced after a backoff capped at one minute, the stream is not Left", () => {
  const rec = recording();
  const failedAt = new Date(NOW - 1_000);
  // The tenth consecutive ICE failure: the crash backoff would be minutes by now.
  const pods = [signaler(rec), withPhase(workerPod(rec, stream("a"), 10, settings, 9), "Failed", 4, failedAt)];
  const waiting = reconcile(input(rec, pods, seen(AUTH)));
  assert.equal(waiting.status.streamStatuses?.[0]?.phase, "Backoff");
  assert.equal(waiting.status.streamStatuses?.[0]?.reason, "TurnAuthFailed");
  assert.equal(waiting.requeueAfterMs, ICE_BACKOFF_MAX_MS - 1_000);
  const later = reconcile(input({ ...rec, status: waiting.status }, pods, seen(AUTH), failedAt.getTime() + ICE_BACKOFF_MAX_MS));
  const started = later.apply.filter((o) => o.kind === "Pod").map((o) => o.metadata?.name);
  assert.equal(started.length, 1, `a new worker pod: ${JSON.stringify(started)}`);
  assert.ok(later.events.some((e) => e.reason === "WorkerRestarted"));
});

test("reconcile ICE - once the worker records, the ICE reason is gone", () => {
  const rec = recording();
  const pods = [signaler(rec), withPhase(workerPod(rec, stream("a"), 2, settings, 1), "Running")];
  const before = reconcile(input(rec, pods, seen(AUTH))).status;
  const ok = new Map([["a", { heartbeat: heartbeat("a", "recording", { lastMediaAt: NOW - 100 }), receivedAt: NOW }]]);
  const plan = reconcile(input({ ...rec, status: before }, pods, ok, NOW + 1_000));
  assert.equal(plan.status.streamStatuses?.[0]?.phase, "Recording");
  assert.equal(plan.status.streamStatuses?.[0]?.reason, undefined);
  assert.equal(cond(plan.status, "Degraded")?.status, "False");
});
