/**
 * The LocalSupervisor with the real `room-recorder worker` (not the fixture child of
 * supervisor-local.test.ts) on the in-process hub: the contract between WorkerProcess and the
 * worker's exit codes, heartbeats and node flags. The media path (SIGKILL mid-recording →
 * restart → new segment) is covered by record-worker-crash.test.ts (IPC) and
 * record-nats.test.ts (NATS).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { parseFromWorker, type FromWorker, type StreamInfo } from "../src/bus/messages.ts";
import { subjects } from "../src/bus/subjects.ts";
import type { WorkerConfig } from "../src/config/types.ts";
import { LocalSupervisor } from "../src/supervisor/LocalSupervisor.ts";
import { waitFor } from "./harness/wait.ts";

const WAIT = 30_000;
const scope = { scope: "local", recording: "realroom" };

function rig(opts: { roomDir?: string; execArgv?: string[] } = {}) {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const hub = new MemoryBus({ log });
  const fromWorker: FromWorker[] = [];
  hub.subscribe(subjects.allFromWorker(scope), (m) => {
    const msg = parseFromWorker(m.data);
    if (msg) fromWorker.push(msg);
  });
  const outDir = mkdtempSync(join(tmpdir(), "rr-sup-real-"));
  const workerConfig = (s: StreamInfo): WorkerConfig => ({
    scope, stream: { key: s.key, streamId: s.streamId }, roomDir: opts.roomDir ?? "realroom", password: "s3cret", salt: "vdo.ninja",
    ice: { iceServers: [], relayOnly: false }, output: { outDir, segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 },
    screenShare: false, inactivityMs: 10_000,
  });
  const supervisor = new LocalSupervisor({
    transport: { kind: "ipc", hub }, scope, log, accept: () => true, workerConfig, stopGraceMs: 15_000,
    restart: { initialMs: 200, maxMs: 1000, healthyMs: 60_000 },
    ...(opts.execArgv ? { execArgv: opts.execArgv } : {}),
  });
  supervisor.start();
  const join_ = (key: string, uuid: string) => hub.publish(subjects.roster(scope), { type: "joined", stream: { key, streamId: key, wireId: `${key}808d64`, uuid } });
  const row = (key: string) => supervisor.status().find((s) => s.key === key);
  return {
    hub, supervisor, fromWorker, join: join_, row,
    async [Symbol.asyncDispose]() {
      await supervisor.stop();
      await hub.close();
    },
  };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test("supervisor + real worker - ready, heartbeats folded into status and metrics, node flags applied; stop → 'stopped', exit 0", async () => {
  await using r = rig({ execArgv: ["--max-old-space-size=96"] });
  r.join("cam1", "u1");
  await waitFor(() => r.fromWorker.some((m) => m.type === "ready" && m.key === "cam1"), WAIT, "the real worker says ready");
  const proc = r.supervisor.workerForTesting("cam1")!;
  assert.match(readFileSync(`/proc/${proc.pid}/cmdline`, "utf8"), /--max-old-space-size=96\0.*main\.ts\0worker/, "node flags go before the script");
  // No publisher plays: the worker waits, and says so in its heartbeats.
  await waitFor(() => r.row("cam1")?.heartbeat?.state === "waiting", WAIT, "heartbeat state 'waiting' in status");
  assert.equal(r.row("cam1")?.state, "waiting");
  const metrics = await r.supervisor.metrics.registry.metrics();
  assert.equal(sample(metrics, 'rr_supervisor_streams{state="waiting"}'), 1);

  await r.supervisor.stop();
  const exit = await proc.done();
  assert.deepEqual([exit.code, exit.signal, exit.reason, exit.wasReady], [0, null, "stopped", true]);
  assert.equal(sample(await r.supervisor.metrics.registry.metrics(), 'rr_supervisor_worker_exits_total{verdict="finished"}'), 1);
});

test("supervisor + real worker - a config the worker refuses exits 42 and is never restarted", async () => {
  // A room directory that could escape the output directory: the worker must refuse it.
  await using r = rig({ roomDir: "../escape" });
  r.join("cam1", "u1");
  await waitFor(() => r.row("cam1")?.state === "bad-config", WAIT, "state bad-config");
  await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than the restart backoff
  assert.equal(r.supervisor.workerForTesting("cam1"), undefined, "no new worker");
  assert.equal(r.row("cam1")?.restarts, 0);
  assert.equal(r.fromWorker.length, 0, "a refused config never reaches the bus");
  const metrics = await r.supervisor.metrics.registry.metrics();
  assert.equal(sample(metrics, 'rr_supervisor_worker_exits_total{verdict="bad-config"}'), 1);
  assert.equal(sample(metrics, "rr_supervisor_worker_restarts_total"), 0);
  assert.equal(sample(metrics, 'rr_supervisor_streams{state="bad-config"}'), 1);
});
