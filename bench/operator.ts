/**
 * `npm run bench:operator`: N RoomRecordings × M streams against the real test control plane and
 * NATS. A stand-in signaler per recording answers `roster.get` with M streams, so the operator
 * does its full work (signaler pod, M worker pods, status, events) without media. Reports the
 * operator's RSS, per-pass reconcile duration (p50/p99 from its own histogram) and the
 * end-to-end latency from `create` to "all M worker pods exist and status observed", and the
 * operator's V8 heap (used, and live after a full GC when a snapshot is taken).
 * Usage: node bench/operator.ts [recordings=200] [streams=10] [--settle SECONDS] [--heap-snapshot DIR] [--node-option FLAG]…
 *   --node-option FLAG    a Node/V8 flag for the operator process (repeatable), e.g. --max-semi-space-size=2
 *   --settle SECONDS      then keep the recordings for that long (level-triggered resyncs every
 *                         30 s keep passes coming) and report RSS and heap again: steady state
 *   --heap-snapshot DIR   write the operator's heap snapshot there at the end (SIGUSR2), for
 *                         Chrome DevTools' Memory tab or `node bench/heapSummary.ts FILE`
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { connectBus } from "../src/bus/connect.ts";
import { subjects } from "../src/bus/subjects.ts";
import type { StreamInfo } from "../src/bus/messages.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { startControlPlane } from "../test/harness/k8s.ts";
import { startOperator } from "../test/harness/k8s-operator.ts";
import { startNats } from "../test/harness/nats.ts";
import { waitFor } from "../test/harness/wait.ts";

const { values: flags, positionals } = parseArgs({
  options: { "heap-snapshot": { type: "string" }, settle: { type: "string" }, "node-option": { type: "string", multiple: true } },
  allowPositionals: true,
});
const SETTLE_MS = Number(flags.settle ?? 0) * 1000;
const RECORDINGS = Number(positionals[0] ?? 200);
const STREAMS = Number(positionals[1] ?? 10);
const snapshotDir = flags["heap-snapshot"] === undefined ? undefined : resolve(flags["heap-snapshot"]);
if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
const NS = "default";
const CRD = new URL("../deploy/crds/roomrecordings.room-recorder.dev.yaml", import.meta.url).pathname;

const log = createRootLogger({ level: "warn" });
await using cp = await startControlPlane();
await cp.kubectl(["apply", "--server-side", "-f", CRD]);
await waitFor(async () => (await cp.kubectl(["get", "crd", "roomrecordings.room-recorder.dev", "-o", "jsonpath={.status.conditions[?(@.type=='Established')].status}"])) === "True", 60_000, "CRD");
await using nats = await startNats();
const bus = await connectBus({ log, nats: { servers: [nats.url] } });

// Stand-in signalers: one responder for every recording's roster.get.
const rosters = new Map<string, StreamInfo[]>();
bus.subscribe("rr.*.*.roster.get", (msg) => {
  const recording = msg.subject.split(".")[2]!;
  bus.respond(msg, { type: "snapshot", signaling: "connected", streams: rosters.get(recording) ?? [] });
});

await using operator = await startOperator({
  kubeconfigPath: cp.kubeconfigPath,
  natsUrl: nats.url,
  identity: "bench",
  nodeOptions: [...(flags["node-option"] ?? []), ...(snapshotDir ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshotDir}`] : [])],
});
const core = cp.kubeConfig.makeApiClient(CoreV1Api);
const custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);

const created = new Map<string, number>();
const t0 = Date.now();
for (let r = 0; r < RECORDINGS; r++) {
  const name = `bench-${r}`;
  rosters.set(name, Array.from({ length: STREAMS }, (_, s) => ({ key: `s${s}`, streamId: `s${s}`, wireId: `s${s}`, uuid: `${name}-peer-${s}`, label: `Stream ${s}` })));
  created.set(name, Date.now());
  await custom.createNamespacedCustomObject({
    group: "room-recorder.dev", version: "v1alpha1", namespace: NS, plural: "roomrecordings",
    body: { apiVersion: "room-recorder.dev/v1alpha1", kind: "RoomRecording", metadata: { name }, spec: { room: `room-${r}`, storage: { persistentVolumeClaim: { claimName: "recordings" } } } },
  });
}

const done = new Map<string, number>();
await waitFor(async () => {
  const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: "app.kubernetes.io/component=worker" })).items;
  const perRec = new Map<string, number>();
  for (const p of pods) {
    const rec = p.metadata?.labels?.["room-recorder.dev/recording"] ?? "";
    perRec.set(rec, (perRec.get(rec) ?? 0) + 1);
  }
  const now = Date.now();
  for (const [rec, n] of perRec) if (n >= STREAMS && !done.has(rec)) done.set(rec, now);
  return done.size >= RECORDINGS;
}, 30 * 60_000, "every recording has its workers");
const total = Date.now() - t0;

const latencies = [...done].map(([rec, at]) => at - created.get(rec)!).sort((a, b) => a - b);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const rssMiB = () => mib(1024 * Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${operator.pid}/status`, "utf8"))?.[1]));
const rssAtEnd = rssMiB();
const metrics = await (await fetch(operator.metricsUrl)).text();
const passes = histogramQuantiles(metrics, "rr_operator_reconcile_duration_seconds", [0.5, 0.99]);
let settled: Record<string, number> | undefined;
if (SETTLE_MS > 0) {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const later = await (await fetch(operator.metricsUrl)).text();
  settled = { afterSeconds: SETTLE_MS / 1000, operatorRssMiB: rssMiB(), operatorHeapUsedMiB: mib(gauge(later, "rr_operator_nodejs_heap_size_used_bytes")), operatorHeapTotalMiB: mib(gauge(later, "rr_operator_nodejs_heap_size_total_bytes")) };
}
const snapshot = snapshotDir ? await takeHeapSnapshot(snapshotDir) : undefined;

console.log(JSON.stringify({
  nodeOptions: flags["node-option"] ?? [],
  recordings: RECORDINGS, streamsEach: STREAMS, workerPods: RECORDINGS * STREAMS,
  totalSeconds: total / 1000,
  createToWorkersMs: { p50: pct(latencies, 50), p99: pct(latencies, 99) },
  reconcilePassSeconds: passes,
  operatorRssMiB: rssAtEnd,
  operatorHeapUsedMiB: mib(gauge(metrics, "rr_operator_nodejs_heap_size_used_bytes")),
  operatorHeapTotalMiB: mib(gauge(metrics, "rr_operator_nodejs_heap_size_total_bytes")),
  operatorExternalMiB: mib(gauge(metrics, "rr_operator_nodejs_external_memory_bytes")),
  ...(settled ? { settled } : {}),
  ...(snapshot ? { heapSnapshot: snapshot.file, operatorHeapLiveMiB: snapshot.liveMiB } : {}),
}, null, 2));
await bus.close();

/**
 * SIGUSR2 makes the operator write a snapshot (after a full GC) on its main thread; its /metrics
 * answers again only when the file is complete, and then reports the live heap.
 */
async function takeHeapSnapshot(dir: string): Promise<{ file: string; liveMiB: number }> {
  const before = new Set(readdirSync(dir));
  process.kill(operator.pid, "SIGUSR2");
  const file = await waitFor(() => readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !before.has(f)), 120_000, "heap snapshot file");
  const after = await (await fetch(operator.metricsUrl)).text();
  if (!existsSync(`${dir}/${file}`)) throw new Error("heap snapshot vanished");
  return { file: `${dir}/${file}`, liveMiB: mib(gauge(after, "rr_operator_nodejs_heap_size_used_bytes")) };
}

function gauge(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN);
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

/** Upper bucket bound at each quantile of a Prometheus histogram (the usual estimate's ceiling). */
function histogramQuantiles(text: string, name: string, qs: number[]): Record<string, number | string> {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))].map((m) => ({ le: m[1]!, n: Number(m[2]) }));
  const count = buckets.at(-1)?.n ?? 0;
  const entries: [string, number | string][] = qs.map((q) => [`p${q * 100}`, buckets.find((b) => b.n >= q * count)?.le ?? "n/a"]);
  return Object.fromEntries([...entries, ["passes", count]]);
}
