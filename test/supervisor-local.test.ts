import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { parseFromWorker, type FromWorker, type StreamInfo } from "../src/bus/messages.ts";
import { subjects } from "../src/bus/subjects.ts";
import type { WorkerConfig } from "../src/config/types.ts";
import { LocalSupervisor } from "../src/supervisor/LocalSupervisor.ts";
import { waitFor } from "./harness/wait.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/fake-worker-child.ts", import.meta.url));
const WAIT = 20_000;
const scope = { scope: "local", recording: "myroom" };

function rig(mode: string[] = [], stopGraceMs = 10_000) {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const hub = new MemoryBus({ log });
  const fromWorker: Array<FromWorker & { pid?: number }> = [];
  hub.subscribe(subjects.allFromWorker(scope), (m) => {
    const msg = parseFromWorker(m.data);
    if (msg) fromWorker.push(msg);
  });
  const workerConfig = (s: StreamInfo): WorkerConfig => ({
    scope, stream: { key: s.key, streamId: s.streamId }, roomDir: "myroom", password: "s3cret", salt: "vdo.ninja",
    ice: { iceServers: [], relayOnly: false }, output: { outDir: "/nonexistent", segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 },
    screenShare: false, inactivityMs: 10_000,
  });
  const supervisor = new LocalSupervisor({
    transport: { kind: "ipc", hub }, scope, log, accept: (id) => id !== "excluded", workerConfig, stopGraceMs,
    command: { execPath: process.execPath, args: [FIXTURE, ...mode] },
    restart: { initialMs: 200, maxMs: 1000, healthyMs: 60_000 },
  });
  supervisor.start();
  const join = (key: string, uuid: string) => hub.publish(subjects.roster(scope), { type: "joined", stream: { key, streamId: key, wireId: `${key}808d64`, uuid } });
  const readies = (key: string) => fromWorker.filter((m) => m.type === "ready" && m.key === key).map((m) => (m as { instance: string }).instance);
  return {
    hub, supervisor, fromWorker, join, readies,
    async [Symbol.asyncDispose]() {
      await supervisor.stop();
      await hub.close();
    },
  };
}

test("supervisor - starts one worker per wanted stream and restarts a SIGKILLed one", async () => {
  await using r = rig();
  r.join("cam1", "u1");
  r.join("excluded", "u2");
  await waitFor(() => r.readies("cam1").length === 1, WAIT, "cam1 ready");
  const first = r.supervisor.workerForTesting("cam1")!;
  assert.equal(r.supervisor.workerForTesting("excluded"), undefined, "filtered streams get no worker");
  await waitFor(() => r.supervisor.status().find((s) => s.key === "cam1")?.heartbeat, WAIT, "heartbeat folded into status");
  assert.equal(r.supervisor.status().find((s) => s.key === "cam1")?.label, `pid ${first.pid} pw ok`, "password reached the worker via env");

  process.kill(first.pid!, "SIGKILL");
  await waitFor(() => r.readies("cam1").length === 2, WAIT, "restarted worker ready");
  const second = r.supervisor.workerForTesting("cam1")!;
  assert.notEqual(second.pid, first.pid);
  assert.equal(r.supervisor.status().find((s) => s.key === "cam1")?.restarts, 1);
  const exit = await first.done();
  assert.equal(exit.signal, "SIGKILL");
});

test("supervisor - a clean exit is not restarted until the stream returns under a new uuid", async () => {
  await using r = rig(["--exit-clean"]);
  r.join("cam1", "u1");
  await waitFor(() => r.supervisor.status().find((s) => s.key === "cam1")?.state === "finished", WAIT, "worker finished");
  r.join("cam1", "u1"); // the same publisher connection again: still finished
  await r.hub.flush();
  assert.equal(r.supervisor.workerForTesting("cam1"), undefined);
  assert.equal(r.readies("cam1").length, 1);
  r.join("cam1", "u2"); // it reappeared: a new worker
  await waitFor(() => r.readies("cam1").length === 2, WAIT, "worker for the returning stream");
});

test("supervisor - a stream re-seeded under a new uuid while its worker runs gets a worker once the old one ends", async () => {
  await using r = rig();
  r.join("cam1", "u1");
  await waitFor(() => r.readies("cam1").length === 1, WAIT, "worker for u1");
  const first = r.supervisor.workerForTesting("cam1")!;
  r.join("cam1", "u2"); // the guest reloaded: same stream id, new publisher connection
  await r.hub.flush();
  // The signaler ends the obsolete worker (spec: supersede); it exits cleanly.
  r.hub.publish(subjects.toWorker(scope, "cam1"), { type: "stop", reason: "superseded" });
  assert.equal((await first.done()).reason, "superseded");
  await waitFor(() => r.readies("cam1").length === 2, WAIT, "worker for u2");
  assert.notEqual(r.supervisor.workerForTesting("cam1")!.pid, first.pid);
});

test("supervisor - stop() sends stop to every worker and waits for them to finish", async () => {
  const r = rig();
  r.join("a", "ua");
  r.join("b", "ub");
  await waitFor(() => r.readies("a").length === 1 && r.readies("b").length === 1, WAIT, "both ready");
  const procs = [r.supervisor.workerForTesting("a")!, r.supervisor.workerForTesting("b")!];
  await r.supervisor.stop();
  const exits = await Promise.all(procs.map((p) => p.done()));
  assert.deepEqual(exits.map((e) => [e.code, e.reason]), [[0, "stopped"], [0, "stopped"]]);
  await r.hub.close();
});

test("supervisor - a worker that ignores stop is SIGKILLed after the grace period", async () => {
  const r = rig(["--ignore-stop"], 1000);
  r.join("a", "ua");
  await waitFor(() => r.readies("a").length === 1, WAIT, "ready");
  const proc = r.supervisor.workerForTesting("a")!;
  await r.supervisor.stop();
  assert.equal((await proc.done()).signal, "SIGKILL");
  await r.hub.close();
});
