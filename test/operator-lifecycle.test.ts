/**
 * The operator end to end on a real control plane (etcd + kube-apiserver + controller-manager),
 * real NATS, our relay, werift publishers, and the node agent running the pods as processes:
 * signaler and worker pods appear, status follows the room, paused stops everything, two
 * replicas elect one leader and fail over, deletion finalizes and garbage-collects.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { K8S_BIN, controlPlaneMissing, startControlPlane, type ControlPlane } from "./harness/k8s.ts";
import { startOperator, type OperatorProcess } from "./harness/k8s-operator.ts";
import { startNodeAgent, type NodeAgent } from "./harness/node-agent.ts";
import { startNats, type NatsServer } from "./harness/nats.ts";
import { startRelay, type Relay } from "./harness/relay.ts";
import { startPublisherProcess, type PublisherProcess } from "./harness/publisher.ts";
import { waitFor } from "./harness/wait.ts";
import type { RoomRecording } from "../src/operator/types.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CRD = join(ROOT, "deploy/crds/roomrecordings.room-recorder.dev.yaml");
const skip = controlPlaneMissing();
const noWorker = existsSync(join(ROOT, "src/cli/worker.ts")) ? false : "room-recorder worker has not landed yet";
const NS = "default";
const run = async (cmd: string, args: string[]) => (await promisify(execFile)(cmd, args, { maxBuffer: 16 << 20 })).stdout;
const SELECTOR = "app.kubernetes.io/managed-by=room-recorder-operator";

let cp: ControlPlane, nats: NatsServer, relay: Relay, agent: NodeAgent, dir: string;
let core: CoreV1Api, custom: CustomObjectsApi, operatorKubeconfig: string;
const operators: OperatorProcess[] = [];
const publishers: PublisherProcess[] = [];

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "rr-op-e2e-"));
  cp = await startControlPlane();
  await cp.kubectl(["apply", "--server-side", "-f", CRD]);
  await waitFor(async () => (await cp.kubectl(["get", "crd", "roomrecordings.room-recorder.dev", "-o", "jsonpath={.status.conditions[?(@.type=='Established')].status}"])) === "True", 60_000, "CRD established");
  await cp.startControllerManager(); // after the CRD, so its garbage collector knows the kind at once
  core = cp.kubeConfig.makeApiClient(CoreV1Api);
  custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
  nats = await startNats();
  relay = await startRelay({ port: 0, dialect: "official" });
  agent = await startNodeAgent({ kubeConfig: cp.kubeConfig, root: dir, labelSelector: SELECTOR, env: { LOG_LEVEL: "info" } });
  // The operator runs with the chart's RBAC, not as admin: what it needs is exactly what it gets.
  const chart = await run(join(K8S_BIN, "helm"), ["template", "rr", join(ROOT, "deploy/helm/room-recorder"), "--namespace", NS, "--kube-version", "1.33.0"]);
  await cp.kubectl(["apply", "-f", "-"], chart);
  operatorKubeconfig = cp.kubeconfigFor((await cp.kubectl(["create", "token", "rr-operator", "--namespace", NS, "--duration=2h"])).trim(), "rr-operator");
  operators.push(await startOperator({ kubeconfigPath: operatorKubeconfig, natsUrl: nats.url, identity: "op-a" }));
});

after(async () => {
  if (process.env.RR_DEBUG) for (const o of operators) process.stderr.write(o.log().split("\n").slice(-40).join("\n"));
  for (const p of publishers) await p.stop().catch(() => undefined);
  for (const o of operators) await o.stop();
  await agent?.stop();
  await relay?.close();
  await nats?.stop();
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Media files of one stream on the "recordings" PVC (the node agent maps it to a directory). */
function recordedFiles(streamId: string): string[] {
  const root = join(dir, "pvc", NS, "recordings");
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .map((f) => join(root, f))
    .filter((f) => f.includes(`/${streamId}/`) && /\.(webm|mkv)$/.test(f));
}
const pods = async (recording: string): Promise<V1Pod[]> =>
  (await core.listNamespacedPod({ namespace: NS, labelSelector: `${SELECTOR},room-recorder.dev/recording=${recording}` })).items;
const workers = async (recording: string) => (await pods(recording)).filter((p) => p.metadata?.labels?.["app.kubernetes.io/component"] === "worker");
const get = async (name: string) => (await custom.getNamespacedCustomObject({ group: "room-recorder.dev", version: "v1alpha1", namespace: NS, plural: "roomrecordings", name })) as RoomRecording;
const condition = async (name: string, type: string) => (await get(name)).status?.conditions?.find((c) => c.type === type)?.status;
const create = (name: string, spec: Record<string, unknown>) =>
  cp.kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "room-recorder.dev/v1alpha1", kind: "RoomRecording", metadata: { name, namespace: NS }, spec }));

test("operator - a RoomRecording gets a signaler that joins the room, then one worker pod per publisher", { skip }, async () => {
  await create("studio", { room: "OpRoom", server: relay.url, storage: { persistentVolumeClaim: { claimName: "recordings" } } });
  await waitFor(async () => (await pods("studio")).find((p) => p.metadata?.name === "studio-signaler" && p.status?.phase === "Running"), 120_000, "signaler pod running");
  await waitFor(async () => (await condition("studio", "SignalingConnected")) === "True", 120_000, "SignalingConnected");
  const rec = await get("studio");
  assert.ok(rec.metadata.finalizers?.includes("room-recorder.dev/finalize-recordings"));
  assert.equal(rec.status?.observedGeneration, rec.metadata.generation);

  for (const id of ["alice", "bob", "carol"]) publishers.push(await startPublisherProcess({ server: relay.url, room: "OpRoom", streamId: id, label: id.toUpperCase() }));
  const started = await waitFor(async () => ((await workers("studio")).length >= 3 ? workers("studio") : undefined), 90_000, "three worker pods");
  assert.deepEqual(started.map((p) => p.metadata?.annotations?.["room-recorder.dev/stream-id"]).sort(), ["alice", "bob", "carol"]);
  for (const p of started) {
    assert.equal(p.spec?.automountServiceAccountToken, false);
    assert.equal(p.spec?.serviceAccountName, "studio-recorder");
  }
  const events = await cp.kubectl(["get", "events", "--field-selector", "involvedObject.name=studio", "-o", "jsonpath={.items[*].reason}"]);
  assert.match(events, /SignalingConnected/);
  assert.match(events, /WorkerStarted/);

  const metrics = await (await fetch(operators[0]!.metricsUrl)).text();
  assert.match(metrics, /^rr_operator_leader 1$/m);
  assert.ok(Number(/^rr_operator_reconcile_total\{result="success"\} (\d+)/m.exec(metrics)?.[1]) > 0, "reconcile passes counted");
  assert.match(metrics, /^rr_operator_reconcile_duration_seconds_count \d+/m);
  assert.equal((await fetch(operators[0]!.metricsUrl.replace("/metrics", "/healthz"))).status, 200);
  assert.equal((await fetch(operators[0]!.metricsUrl.replace("/metrics", "/readyz"))).status, 200);
});

test("operator - all three record: 3/3, Ready, kubectl wait works, files are written", { skip: skip || noWorker }, async () => {
  await cp.kubectl(["wait", "--for=condition=Ready", "rrec/studio", "--timeout=120s"]);
  assert.match(await cp.kubectl(["get", "rrec", "studio"]), /studio\s+OpRoom\s+3\/3\s+3\s+True/);
  const files = await waitFor(() => { const f = recordedFiles("alice"); return f.length > 0 && f; }, 30_000, "alice's file on the volume");
  // Heartbeats reach the status: bytes grow and the file is named (within the 5 s status throttle).
  const alice = await waitFor(async () => (await get("studio")).status?.streamStatuses?.find((s) => s.stream === "alice" && (s.bytes ?? 0) > 0 && s.file), 30_000, "alice's bytes and file in status");
  assert.equal(alice.phase, "Recording");
  assert.ok(statSync(files[0]!).size > 0);

  // What the chart's PodMonitor scrapes: the container port named `metrics` of each pod (the
  // node agent maps it to a host port per process, as pods share this host's network).
  const aliceWorker = (await workers("studio")).find((p) => p.metadata?.annotations?.["room-recorder.dev/stream-id"] === "alice")!;
  const scrape = async (pod: string) => {
    const port = agent.portOf(NS, pod, "metrics");
    assert.ok(port, `the node agent runs ${pod} with a metrics port`);
    return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  };
  const written = await waitFor(async () => {
    const n = Number(/^rr_worker_bytes_written_total (\d+)/m.exec(await scrape(aliceWorker.metadata!.name!))?.[1]);
    return n > 0 && n;
  }, 30_000, "alice's worker counts written bytes on /metrics");
  assert.ok(written > 0);
  assert.match(await scrape("studio-signaler"), /^rr_signaler_socket_connected 1$/m);
});

test("operator - a publisher that leaves: its worker finalizes and is not restarted", { skip: skip || noWorker }, async () => {
  const carol = publishers.pop()!;
  // "Recording" in the status means connected; the file opens at the first keyframe. Leave only
  // once there is a file to finalize.
  await waitFor(() => recordedFiles("carol").length > 0, 30_000, "carol's file on the volume before she leaves");
  await carol.stop();
  const name = (await workers("studio")).find((p) => p.metadata?.annotations?.["room-recorder.dev/stream-id"] === "carol")?.metadata?.name;
  await waitFor(async () => !(await workers("studio")).some((p) => p.metadata?.name === name && !["Succeeded"].includes(p.status?.phase ?? "")), 60_000, "carol's worker ended");
  await waitFor(async () => (await get("studio")).status?.recordingSummary === "2/2", 60_000, "2/2 after carol left");
  const events = await cp.kubectl(["get", "events", "--field-selector", "involvedObject.name=studio", "-o", "jsonpath={.items[*].reason}"]);
  assert.match(events, /StreamLeft/);
  assert.match(events, /FileFinalized/);
  assert.ok(!(await workers("studio")).some((p) => p.metadata?.annotations?.["room-recorder.dev/stream-id"] === "carol" && p.metadata?.name !== name), "no new pod for carol");
  const file = recordedFiles("carol").find((f) => f.endsWith(".webm") || f.endsWith(".mkv"));
  assert.ok(file, "carol's file is on the volume");
  const probe = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  assert.ok(Number(probe) > 0, `finalized file has a duration (${probe.trim()})`);
});

test("operator - a killed worker process is replaced by a new pod that records a new segment", { skip: skip || noWorker }, async () => {
  const alice = (await workers("studio")).find((p) => p.metadata?.annotations?.["room-recorder.dev/stream-id"] === "alice")!;
  const filesBefore = recordedFiles("alice").length;
  agent.processOf(NS, alice.metadata!.name!)!.kill("SIGKILL");
  const next = alice.metadata!.name!.replace(/-(\d+)$/, (_, n: string) => `-${Number(n) + 1}`);
  await waitFor(async () => (await workers("studio")).find((p) => p.metadata?.name === next && p.status?.phase === "Running"), 90_000, `replacement pod ${next}`);
  await waitFor(async () => (await get("studio")).status?.recordingSummary === "2/2", 90_000, "2/2 again");
  await waitFor(() => recordedFiles("alice").length > filesBefore, 60_000, "a new segment for alice");
  const events = await cp.kubectl(["get", "events", "--field-selector", "involvedObject.name=studio", "-o", "jsonpath={.items[*].reason}"]);
  assert.match(events, /WorkerFailed/);
  assert.match(events, /WorkerRestarted/);
});

const eventsOf = async (name: string) =>
  JSON.parse(await cp.kubectl(["get", "events", "--field-selector", `involvedObject.name=${name}`, "-o", "json"])) as { items: { type: string; reason: string; message: string }[] };

test("operator - a recording without storage starts nothing; one whose pods cannot start names the missing Secret", { skip }, async () => {
  // The operator here has no default storage (no --pod-defaults): files in the pod would be lost.
  await create("nostore", { room: "NoStore", server: relay.url });
  await waitFor(async () => (await get("nostore")).status?.conditions?.find((c) => c.type === "Ready")?.reason === "StorageNotConfigured", 60_000, "Ready=False StorageNotConfigured");
  assert.equal((await get("nostore")).status?.phase, "Blocked");
  assert.match(await cp.kubectl(["get", "rrec", "nostore"]), /nostore\s+NoStore\s+0\/0\s+0\s+False\s+StorageNotConfigured/);
  const refused = await waitFor(async () => (await eventsOf("nostore")).items.find((e) => e.reason === "StorageNotConfigured"), 30_000, "StorageNotConfigured Event");
  assert.equal(refused.type, "Warning");
  assert.match(refused.message, /spec\.storage/);
  assert.deepEqual(await pods("nostore"), []);

  await create("nosecret", { room: "NoSecret", server: relay.url, storage: { persistentVolumeClaim: { claimName: "recordings" } }, nats: { credentialsSecretRef: { name: "missing-nats" } } });
  await waitFor(async () => (await get("nosecret")).status?.conditions?.find((c) => c.type === "SignalingConnected")?.reason === "ContainerConfigError", 60_000, "SignalingConnected=False ContainerConfigError");
  const degraded = (await get("nosecret")).status?.conditions?.find((c) => c.type === "Degraded");
  assert.equal(degraded?.status, "True");
  assert.match(degraded?.message ?? "", /secret "missing-nats" not found/);
  const warning = await waitFor(async () => (await eventsOf("nosecret")).items.find((e) => e.reason === "ContainerConfigError"), 30_000, "ContainerConfigError Event");
  assert.match(warning.message, /nosecret-signaler.*secret "missing-nats" not found/);
  await new Promise((r) => setTimeout(r, 3_000)); // several node agent retries and operator passes
  assert.equal((await eventsOf("nosecret")).items.filter((e) => e.reason === "ContainerConfigError").length, 1, "one Event, not one per pass");

  for (const name of ["nostore", "nosecret"]) await cp.kubectl(["delete", "rrec", name, "--wait=false"]);
  await waitFor(async () => (await pods("nosecret")).length === 0, 60_000, "the stuck signaler deleted with its recording");
});

test("operator - two replicas: only the leader holds the lease; killing it hands over", { skip }, async () => {
  const leases = cp.kubeConfig.makeApiClient(CoordinationV1Api);
  const holder = async () => (await leases.readNamespacedLease({ namespace: NS, name: "room-recorder-operator" })).spec?.holderIdentity;
  assert.equal(await holder(), "op-a");
  operators.push(await startOperator({ kubeconfigPath: operatorKubeconfig, natsUrl: nats.url, identity: "op-b" }));
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(await holder(), "op-a", "the standby does not take a live lease");
  assert.match(await (await fetch(operators[1]!.metricsUrl)).text(), /^rr_operator_leader 0$/m, "the standby says it is not leading");
  const before = (await pods("studio")).map((p) => p.metadata?.name).sort();
  await operators[0]!.kill();
  await waitFor(async () => (await holder()) === "op-b", 60_000, "op-b takes the lease");
  await waitFor(async () => /^rr_operator_leader 1$/m.test(await (await fetch(operators[1]!.metricsUrl)).text()), 30_000, "op-b reports itself leader");
  // The new leader acts: a new recording gets its signaler; nothing of the old one is duplicated.
  await create("second", { room: "OtherRoom", server: relay.url, storage: { persistentVolumeClaim: { claimName: "recordings" } } });
  await waitFor(async () => (await pods("second")).length === 1, 60_000, "the new leader creates the signaler");
  assert.deepEqual((await pods("studio")).map((p) => p.metadata?.name).sort(), before);
});

test("operator - paused stops every pod and says so", { skip }, async () => {
  await cp.kubectl(["patch", "rrec", "second", "--type=merge", "-p", JSON.stringify({ spec: { paused: true } })]);
  await waitFor(async () => (await condition("second", "ReconciliationPaused")) === "True", 60_000, "ReconciliationPaused");
  await waitFor(async () => (await pods("second")).length === 0, 60_000, "pods of the paused recording gone");
  assert.equal((await get("second")).status?.phase, "Paused");
});

test("operator - deleting finalizes: pods stop, then the object, pods and service account are gone", { skip }, async () => {
  await cp.kubectl(["delete", "rrec", "studio", "--wait=false"]);
  await waitFor(async () => (await pods("studio")).length === 0, 90_000, "all pods of studio gone");
  await waitFor(async () => get("studio").then(() => false, () => true), 60_000, "studio deleted");
  await waitFor(async () => core.readNamespacedServiceAccount({ namespace: NS, name: "studio-recorder" }).then(() => false, () => true), 90_000, "service account garbage-collected");
});
