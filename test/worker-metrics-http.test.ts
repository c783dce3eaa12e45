/**
 * `room-recorder worker` with RR_METRICS_PORT serves its prom-client registry on /metrics and
 * answers /healthz and /readyz, while it records a real werift publisher over the IPC hub.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { subjects } from "../src/bus/subjects.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { freePort } from "./harness/freePort.ts";
import { waitFor } from "./harness/wait.ts";
import { localWorkerConfig, startWorkerChild } from "./harness/workerChild.ts";
import { startWorkerRelay } from "./harness/workerRelay.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const log = createRootLogger({ level: process.env.LOG_LEVEL ?? "warn" });
const scope = { scope: "local", recording: "room1" };
const TIMEOUT_MS = 30_000;

/** The value of one sample line, e.g. `rr_worker_rtp_packets_total{kind="video"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test("worker metrics - /metrics counts the recorded stream, /healthz and /readyz answer 200, other paths 404", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-worker-metrics-"));
  const hub = new MemoryBus({ log });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  try {
    await using relay = startWorkerRelay({ bus: hub, scope, key: "cam1", password: false, offer: "media", codec: "vp8", log });
    await using worker = startWorkerChild({ hub, scope, config: localWorkerConfig(scope, "cam1", outDir), password: false, log, env: { RR_METRICS_PORT: String(port) } });
    await waitFor(() => relay.fromWorker.some((m) => m.type === "connected"), TIMEOUT_MS, "worker connected");
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return (sample(text, 'rr_worker_rtp_packets_total{kind="video"}') ?? 0) > 0 && (sample(text, "rr_worker_frames_written_total") ?? 0) > 0 && text;
    }, TIMEOUT_MS, "video packets and written frames in /metrics");
    assert.ok((sample(metrics, 'rr_worker_rtp_packets_total{kind="audio"}') ?? 0) > 0, metrics);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    hub.publish(subjects.toWorker(scope, "cam1"), { type: "stop", reason: "stopped" });
    assert.equal(await worker.exited, 0, worker.stderr());
    await assert.rejects(fetch(`${base}/healthz`), "the server is gone with the worker");
  } finally {
    await hub.close();
    await rm(outDir, { recursive: true, force: true });
  }
});
