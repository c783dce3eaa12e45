import assert from "node:assert/strict";
import { test } from "node:test";
import { countByState, SupervisorMetrics } from "./SupervisorMetrics.ts";

test("supervisor metrics - states from a stranger's heartbeat become 'other'; every known state is present", () => {
  const counts = countByState([{ state: "recording" }, { state: "recording" }, { state: "restarting" }, { state: "x\"} 1\nevil" }, { state: "idle" }]);
  assert.equal(counts.get("recording"), 2);
  assert.equal(counts.get("restarting"), 1);
  assert.equal(counts.get("idle"), 1);
  assert.equal(counts.get("other"), 1);
  assert.equal(counts.get("bad-config"), 0);
  assert.equal(counts.has("x\"} 1\nevil"), false);
});

test("supervisor metrics - the streams gauge is read at scrape time; restarts and exits count", async () => {
  let rows = [{ state: "recording" }];
  const m = new SupervisorMetrics(() => rows);
  m.restarted();
  m.exited("crashed");
  m.exited("finished");
  m.exited("finished");
  let text = await m.registry.metrics();
  assert.match(text, /^rr_supervisor_streams\{state="recording"\} 1$/m);
  assert.match(text, /^rr_supervisor_worker_restarts_total 1$/m);
  assert.match(text, /^rr_supervisor_worker_exits_total\{verdict="finished"\} 2$/m);
  assert.match(text, /^rr_supervisor_worker_exits_total\{verdict="bad-config"\} 0$/m);
  rows = [{ state: "finished" }, { state: "finished" }];
  text = await m.registry.metrics();
  assert.match(text, /^rr_supervisor_streams\{state="recording"\} 0$/m);
  assert.match(text, /^rr_supervisor_streams\{state="finished"\} 2$/m);
});
