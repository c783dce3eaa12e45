/**
 * The chart's dashboard and alerts against a real Prometheus (Debian `prometheus`) scraping the
 * real `/metrics` endpoints of the cluster topology on one machine: a real nats-server, our relay
 * process, `room-recorder signaler` and `room-recorder worker` as processes (each with
 * `--metrics-port`, as in their pods) and a real werift publisher process. Every dashboard query
 * and alert must evaluate; the core panels must return series; no alert may stay active on the
 * healthy recording; then the relay goes away and the signaling alert must go pending.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./harness/freePort.ts";
import { startNats } from "./harness/nats.ts";
import { DASHBOARD_FILE, ALERTS_FILE, dashboardQueries, prometheusMissing, startPrometheus, type Prometheus } from "./harness/prometheus.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { startRole } from "./harness/roleProcess.ts";
import { waitFor } from "./harness/wait.ts";

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

async function seriesOf(prom: Prometheus, expr: string): Promise<number> {
  return (await prom.query(expr)).length;
}

test("monitoring - dashboard queries and alerts evaluate against a real Prometheus scraping a real recording", { skip: prometheusMissing() }, async () => {
  const dashboard = JSON.parse(await readFile(DASHBOARD_FILE, "utf8"));
  const queries = dashboardQueries(dashboard);
  assert.ok(queries.length >= 20, `dashboard has ${queries.length} queries`);
  for (const title of CORE_PANELS) assert.ok(queries.some((q) => q.panel === title), `core panel '${title}' is on the dashboard`);

  const outDir = await mkdtemp(join(tmpdir(), "rr-monitoring-"));
  // Disposed last, after every process below has stopped writing.
  await using _outDir = { [Symbol.asyncDispose]: () => rm(outDir, { recursive: true, force: true }) };
  await using nats = await startNats();
  await using relay = await startRelayProcess();
  const [signalerPort, workerPort] = [await freePort(), await freePort()];
  const bus = ["--nats", nats.url, "--scope", scope.scope, "--recording", scope.recording, "--room", ROOM, "--log-level", "info"];
  await using signaler = startRole("signaler", [...bus, "--server", relay.url, "--metrics-port", String(signalerPort)]);
  // The worker for the stream the publisher will announce (what the operator would start).
  await using worker = startRole("worker", [...bus, "--stream-id", "cam1", "--out", outDir, "--segment", "2", "--metrics-port", String(workerPort)]);
  // What the chart's PodMonitor relabelings give in a cluster: component, namespace, recording, pod.
  const labels = (component: string, pod: string) => ({ component, namespace: scope.scope, recording: scope.recording, pod });
  await using prom = await startPrometheus({
    jobs: [
      { job: "room-recorder-signaler", targets: [`127.0.0.1:${signalerPort}`], labels: labels("signaler", "show-signaler") },
      { job: "room-recorder-worker", targets: [`127.0.0.1:${workerPort}`], labels: labels("worker", "show-w-cam1-1") },
    ],
    ruleFiles: [ALERTS_FILE],
  });
  await using publisher = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "cam1", codec: "vp8" });
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
  } catch (err) {
    assert.fail(`${(err as Error).message}\n--- signaler ---\n${signaler.stderr().slice(-3000)}\n--- worker ---\n${worker.stderr().slice(-3000)}`);
  }
});
