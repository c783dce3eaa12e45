/**
 * The chart's dashboard and alerts against a real Prometheus (Debian `prometheus`) scraping real
 * components: a real relay process, a real werift publisher process, and the product's Signaler
 * and StreamWorker over a MemoryBus (a one-line supervisor starts the worker from the roster),
 * their registries served by the product's /metrics server (src/operator/httpServer.ts). Every
 * dashboard query and alert must evaluate; the core panels must return series; then the relay
 * goes away and the signaling alert must go pending.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { parseRosterEvent, type StreamInfo } from "../src/bus/messages.ts";
import { subjects } from "../src/bus/subjects.ts";
import { DEFAULT_PASSWORD, DEFAULT_SALT, type WorkerConfig } from "../src/config/types.ts";
import { createStreamRecorder } from "../src/media/index.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { startHttpServer } from "../src/operator/httpServer.ts";
import { Signaler } from "../src/signaler/Signaler.ts";
import { StreamWorker } from "../src/stream-worker/StreamWorker.ts";
import { WorkerMetrics } from "../src/stream-worker/WorkerMetrics.ts";
import { ALERTS_FILE, DASHBOARD_FILE, dashboardQueries, prometheusMissing, startPrometheus, type Prometheus } from "./harness/prometheus.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";

const log = createRootLogger({ level: process.env.LOG_LEVEL ?? "warn" });
const ROOM = "monitoring";
const scope = { scope: "studio", recording: "show" };
/** Generous: werift's DTLS runs in JS on a shared 2-CPU box. */
const MEDIA_TIMEOUT_MS = 60_000;
const SCRAPE_TIMEOUT_MS = 30_000;

/**
 * Panels that must return series after a few seconds of one healthy recording: the signaler's
 * and the worker's gauges and the counters that media moves. Operator panels need the operator
 * (not started here); counters of things that did not happen (reconnects, drops, NACKs on a
 * loss-free loopback) may legitimately be empty.
 */
const CORE_PANELS = [
  "Signalers joined",
  "Joined per recording",
  "Streams in the room",
  "Handshake messages",
  "Workers connected",
  "Received bitrate",
  "Written to disk",
  "Frames written",
  "Packet loss",
  "Peer connection states",
  "ICE states",
  "Segment rotations",
];

function workerConfig(outDir: string, stream: StreamInfo): WorkerConfig {
  return {
    scope,
    stream: { key: stream.key, streamId: stream.streamId },
    roomDir: ROOM,
    password: DEFAULT_PASSWORD,
    salt: DEFAULT_SALT,
    ice: { iceServers: [], relayOnly: false },
    // 2 s segments: the rotation counter moves within the test.
    output: { outDir, segmentSeconds: 2, segmentBytes: 0, maxDurationSeconds: 0 },
    screenShare: false,
    inactivityMs: 10_000,
  };
}

const address = (s: Server) => {
  const a = s.address();
  assert.ok(a && typeof a === "object");
  return `127.0.0.1:${a.port}`;
};
const closeServer = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

async function seriesOf(prom: Prometheus, expr: string): Promise<number> {
  return (await prom.query(expr)).length;
}

test("monitoring - dashboard queries and alerts evaluate against a real Prometheus scraping a real recording", { skip: prometheusMissing() }, async () => {
  const dashboard = JSON.parse(await readFile(DASHBOARD_FILE, "utf8"));
  const queries = dashboardQueries(dashboard);
  assert.ok(queries.length >= 20, `dashboard has ${queries.length} queries`);
  for (const title of CORE_PANELS) assert.ok(queries.some((q) => q.panel === title), `core panel '${title}' is on the dashboard`);

  const outDir = await mkdtemp(join(tmpdir(), "rr-monitoring-"));
  const relay = await startRelayProcess();
  const bus = new MemoryBus({ log });
  const workerMetrics = new WorkerMetrics();
  const workers = new Map<string, StreamWorker>();
  const signaler = new Signaler(bus, { room: ROOM, password: DEFAULT_PASSWORD, salt: DEFAULT_SALT, server: relay.url, dialect: "official" }, scope, undefined, log);
  // The smallest supervisor: one worker per stream the roster reports.
  const startWorker = (stream: StreamInfo) => {
    if (workers.has(stream.key)) return;
    workers.set(stream.key, new StreamWorker(bus, workerConfig(outDir, stream), log, { createRecorder: (o) => createStreamRecorder(o, log), metrics: workerMetrics }));
  };
  bus.subscribe(subjects.roster(scope), (m) => {
    const ev = parseRosterEvent(m.data);
    if (ev?.type === "joined") startWorker(ev.stream);
    if (ev?.type === "snapshot") ev.streams.forEach(startWorker);
  });
  const healthy = { healthy: () => true, ready: () => true };
  const signalerHttp = await startHttpServer(0, "127.0.0.1", signaler.metrics.registry, healthy);
  const workerHttp = await startHttpServer(0, "127.0.0.1", workerMetrics.registry, healthy);
  // What the chart's PodMonitor relabelings give in a cluster: component, namespace, recording, pod.
  const labels = (component: string, pod: string) => ({ component, namespace: scope.scope, recording: scope.recording, pod });
  const prom = await startPrometheus({
    jobs: [
      { job: "room-recorder-signaler", targets: [address(signalerHttp)], labels: labels("signaler", "show-signaler") },
      { job: "room-recorder-worker", targets: [address(workerHttp)], labels: labels("worker", "show-w-cam1-1") },
    ],
    ruleFiles: [ALERTS_FILE],
  });
  signaler.start();
  const publisher = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "cam1", codec: "vp8" });
  try {
    await publisher.mediaStarted(MEDIA_TIMEOUT_MS);
    // Two scrapes apart with frames and a rotation in between, so rate() and increase() have data.
    await waitFor(async () => (await seriesOf(prom, "rr_worker_segment_rotations_total > 0")) > 0, MEDIA_TIMEOUT_MS, "a segment rotation scraped");
    await waitFor(async () => (await seriesOf(prom, "rate(rr_worker_frames_written_total[30s]) > 0")) > 0, SCRAPE_TIMEOUT_MS, "frames written per second");

    const targets = await prom.targets();
    assert.deepEqual(targets.map((t) => [t.job, t.health]).sort(), [["room-recorder-signaler", "up"], ["room-recorder-worker", "up"]], JSON.stringify(targets));

    // Every dashboard query is valid PromQL; the core ones return series (once their series have
    // two samples in the rate window).
    for (const q of queries) await prom.query(q.expr).catch((err: Error) => assert.fail(`panel '${q.panel}' (${q.legend}): ${err.message}\n${q.expr}`));
    for (const q of queries.filter((x) => CORE_PANELS.includes(x.panel))) {
      await waitFor(async () => (await seriesOf(prom, q.expr)) > 0, SCRAPE_TIMEOUT_MS, `core panel '${q.panel}' (${q.legend}) to return series:\n${q.expr}`);
    }
    const joined = await prom.query('max by (namespace, recording) (rr_signaler_socket_connected{namespace=~".*", recording=~".*"})');
    assert.deepEqual(joined.map((s) => [s.metric, s.value[1]]), [[{ namespace: "studio", recording: "show" }, "1"]]);
    const bitrate = await prom.query('sum by (kind) (rate(rr_worker_rtp_bytes_total[30s])) * 8');
    assert.deepEqual(bitrate.map((s) => s.metric.kind).sort(), ["audio", "video"]);
    for (const s of bitrate) assert.ok(Number(s.value[1]) > 0, `${s.metric.kind} bitrate ${s.value[1]}`);

    // Every alert rule was loaded and evaluates without error; none stays active on a healthy
    // recording (a worker connected a moment before its first RTP is briefly pending).
    const rules = await prom.rules();
    assert.equal(rules.length, 10);
    await waitFor(async () => (await prom.rules()).every((r) => r.health === "ok" && r.state === "inactive"), SCRAPE_TIMEOUT_MS, "every rule evaluated, healthy and inactive").catch(async (err: Error) => {
      const now = await prom.rules();
      assert.fail(`${err.message}: ${JSON.stringify(now.filter((r) => r.health !== "ok" || r.state !== "inactive"))}`);
    });

    // The handshake server goes away: the signaling alert must see it (pending: `for: 2m`).
    await relay.stop();
    await waitFor(
      async () => (await prom.rules()).find((r) => r.name === "RoomRecorderSignalingDisconnected")?.state === "pending",
      SCRAPE_TIMEOUT_MS,
      "RoomRecorderSignalingDisconnected pending",
    );
  } finally {
    await publisher.stop();
    for (const w of workers.values()) await w.close();
    await signaler.close();
    await relay.stop();
    await bus.close();
    await Promise.all([closeServer(signalerHttp), closeServer(workerHttp)]);
    await prom.stop();
    await rm(outDir, { recursive: true, force: true });
  }
});
