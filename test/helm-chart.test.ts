/**
 * The Helm chart with the real `helm` (built by scripts/build-k8s.sh): lint, and `helm template`
 * with default and non-default values, asserting the hardened pod, exactly the RBAC the operator
 * uses (src/operator/), the CRD from deploy/crds, and monitoring objects only when enabled.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadAllYaml, loadYaml, type KubernetesObject, type V1ClusterRole, type V1Deployment, type V1PolicyRule } from "@kubernetes/client-node";
import { CHART_DIR, helm, helmMissing, renderChart } from "./harness/helm.ts";
import { ALERTS_FILE, DASHBOARD_FILE } from "./harness/prometheus.ts";
import { defaultPodDefaults, parsePodDefaults, type PodDefaults } from "../src/operator/podDefaults.ts";
import { DEFAULT_START_TIMEOUT_MS } from "../src/operator/podStart.ts";
import { workerPod } from "../src/operator/specs/workerPod.ts";
import { signalerPod } from "../src/operator/specs/signalerPod.ts";

const skip = helmMissing();
const FULL_VALUES = join(import.meta.dirname, "fixtures/helm-values-full.yaml");
const CRD_FILE = join(import.meta.dirname, "../deploy/crds/roomrecordings.room-recorder.dev.yaml");

/** The operator's rights, one "group/resource verb" each: the calls in src/operator/ (see templates/rbac.yaml). */
const OPERATOR_RIGHTS = [
  "room-recorder.dev/roomrecordings list", "room-recorder.dev/roomrecordings watch", "room-recorder.dev/roomrecordings patch",
  "room-recorder.dev/roomrecordings/status patch",
  "room-recorder.dev/roomrecordings/finalizers update",
  "/pods list", "/pods watch", "/pods create", "/pods patch", "/pods delete",
  "/serviceaccounts create", "/serviceaccounts patch",
  "/events create",
].sort();
const LEASE_RIGHTS = ["coordination.k8s.io/leases create", "coordination.k8s.io/leases get [room-recorder-operator]", "coordination.k8s.io/leases update [room-recorder-operator]"].sort();

/** Resolves with helm's stderr; fails the test if helm succeeds. */
async function helmFails(args: readonly string[]): Promise<string> {
  try {
    await helm(args);
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
  assert.fail(`helm ${args.join(" ")} succeeded`);
}

/** client-node's YAML loader builds model classes; plain JSON compares with deepEqual. */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

async function render(...extra: string[]): Promise<KubernetesObject[]> {
  return plain(loadAllYaml(await renderChart("rr", "recorder", extra)).filter(Boolean) as KubernetesObject[]);
}

function one<T extends KubernetesObject>(objs: readonly KubernetesObject[], kind: string, name?: string): T {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  assert.equal(found.length, 1, `one ${kind} ${name ?? ""}: found ${found.map((o) => o.metadata?.name).join(", ")}`);
  return found[0] as T;
}

const rights = (rules: readonly V1PolicyRule[]) =>
  rules
    .flatMap((r) =>
      (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}/${res} ${v}${r.resourceNames ? ` [${r.resourceNames.join(",")}]` : ""}`))),
    )
    .sort();

function assertHardened(dep: V1Deployment): void {
  const pod = dep.spec!.template.spec!;
  assert.equal(pod.securityContext?.runAsNonRoot, true);
  assert.equal(pod.securityContext?.runAsUser, 1000);
  assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault");
  const c = pod.containers[0]!;
  assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
  assert.equal(c.securityContext?.runAsNonRoot, true);
  assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"]);
  assert.equal(c.securityContext?.seccompProfile?.type, "RuntimeDefault");
  // The one writable path is the /tmp emptyDir.
  assert.deepEqual(c.volumeMounts?.find((m) => m.mountPath === "/tmp")?.name, "tmp");
  assert.ok(pod.volumes?.find((v) => v.name === "tmp")?.emptyDir);
}

const MONITORING_KINDS = ["ServiceMonitor", "PodMonitor", "PrometheusRule"];

test("helm - lint passes with default and non-default values", { skip }, async () => {
  await helm(["lint", "--strict", CHART_DIR]);
  await helm(["lint", "--strict", CHART_DIR, "-f", FULL_VALUES]);
});

test("helm - the packaged chart carries the CRD itself (the files/ symlink to deploy/crds is resolved)", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "rr-helm-package-"));
  try {
    const out = await helm(["package", CHART_DIR, "--destination", dir]);
    const archive = /saved it to: (\S+)/.exec(out)?.[1];
    assert.ok(archive, out);
    const { stdout } = await promisify(execFile)("tar", ["-xzOf", archive, "room-recorder/files/roomrecordings.room-recorder.dev.yaml"], { maxBuffer: 16 << 20 });
    assert.equal(stdout, readFileSync(CRD_FILE, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("helm - defaults: two leader-elected replicas, hardened pod, exactly the operator's RBAC, the CRD, no monitoring objects", { skip }, async () => {
  const objs = await render();
  const dep = one<V1Deployment>(objs, "Deployment", "rr-operator");
  assert.equal(dep.spec!.replicas, 2);
  assertHardened(dep);
  const c = dep.spec!.template.spec!.containers[0]!;
  const chart = loadYaml<{ appVersion: string }>(readFileSync(join(CHART_DIR, "Chart.yaml"), "utf8"));
  assert.equal(c.image, `ghcr.io/room-recorder/operator:${chart.appVersion}`);
  assert.ok(c.args!.includes(`--image=ghcr.io/room-recorder/room-recorder:${chart.appVersion}`), c.args!.join(" "));
  assert.ok(c.args!.includes("--lease-name=room-recorder-operator") && c.args!.includes("--lease-namespace=recorder"));
  assert.ok(!c.args!.some((a) => a.startsWith("--namespace")), "watches all namespaces");
  assert.deepEqual(c.ports, [{ name: "metrics", containerPort: 8080, protocol: "TCP" }]);
  assert.match(c.env!.find((e) => e.name === "NODE_OPTIONS")?.value ?? "", /--max-semi-space-size=2/, "V8 sized for the operator");
  assert.equal(dep.spec!.template.spec!.serviceAccountName, "rr-operator");

  assert.deepEqual(rights(one<V1ClusterRole>(objs, "ClusterRole", "rr-operator").rules!), OPERATOR_RIGHTS);
  assert.deepEqual(rights(one<V1ClusterRole>(objs, "Role", "rr-operator-leader-election").rules!), LEASE_RIGHTS);
  const binding = one<KubernetesObject & { subjects: { name: string; namespace: string }[] }>(objs, "ClusterRoleBinding", "rr-operator");
  assert.deepEqual(binding.subjects.map((s) => `${s.namespace}/${s.name}`), ["recorder/rr-operator"]);
  assert.ok(!JSON.stringify(objs.filter((o) => /Role$/.test(o.kind!))).includes("secrets"), "no role grants secrets");

  const crd = one<KubernetesObject & { spec: unknown }>(objs, "CustomResourceDefinition");
  assert.deepEqual(crd.spec, plain(loadYaml<{ spec: unknown }>(readFileSync(CRD_FILE, "utf8")).spec), "the chart's CRD is deploy/crds");
  assert.equal(crd.metadata?.annotations?.["helm.sh/resource-policy"], "keep");
  assert.equal(one(objs, "PodDisruptionBudget").kind, "PodDisruptionBudget");
  for (const kind of MONITORING_KINDS) assert.ok(!objs.some((o) => o.kind === kind), `${kind} is opt-in`);
  assert.deepEqual(objs.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata?.name), ["rr-operator-pod-defaults"], "the dashboard is opt-in");
  for (const o of objs) assert.equal(o.metadata?.labels?.["app.kubernetes.io/instance"], "rr", `${o.kind} ${o.metadata?.name} has the standard labels`);
});

test("helm - non-default values: one namespace, no lease, NATS credentials, monitoring objects", { skip }, async () => {
  const objs = await render("-f", FULL_VALUES);
  const dep = one<V1Deployment>(objs, "Deployment");
  assertHardened(dep);
  const spec = dep.spec!.template.spec!;
  const c = spec.containers[0]!;
  assert.equal(dep.spec!.replicas, 1);
  assert.equal(c.image, "registry.example/rr/operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  for (const arg of ["--no-leader-elect", "--namespace=team-a", "--image=registry.example/rr/room-recorder:1.2.3", "--pod-nats=nats://nats.messaging.svc.cluster.local:4222", "--pod-nats-secret=recorder-nats", "--nats-creds=/etc/room-recorder/nats/operator.creds", "--nats-ca=/etc/room-recorder/nats-ca/ca.crt"]) {
    assert.ok(c.args!.includes(arg), `${arg} in ${c.args!.join(" ")}`);
  }
  assert.deepEqual(c.env!.find((e) => e.name === "NATS_TOKEN")?.valueFrom?.secretKeyRef, { name: "operator-nats", key: "token" });
  assert.equal(spec.volumes!.find((v) => v.name === "nats-creds")?.secret?.secretName, "operator-nats");

  // Namespaced Role in the watched namespace, same rights; no lease, no PDB with one replica.
  const role = one<V1ClusterRole>(objs, "Role", "rr-operator");
  assert.equal(role.metadata?.namespace, "team-a");
  assert.deepEqual(rights(role.rules!), OPERATOR_RIGHTS);
  assert.ok(!objs.some((o) => o.kind === "ClusterRole" && o.metadata?.name === "rr-operator"));
  assert.ok(!objs.some((o) => o.metadata?.name === "rr-operator-leader-election"));
  assert.ok(!objs.some((o) => o.kind === "PodDisruptionBudget"));

  const service = one(objs, "Service");
  const sm = one<KubernetesObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] } }>(objs, "ServiceMonitor");
  assert.equal(sm.metadata?.labels?.release, "kube-prometheus-stack");
  for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) assert.equal(service.metadata?.labels?.[k], v, `the ServiceMonitor selects the metrics Service (${k})`);
  assert.equal(sm.spec.endpoints[0]!.port, "metrics");
  const pm = one<KubernetesObject & { spec: { namespaceSelector: unknown; selector: { matchLabels: Record<string, string> } } }>(objs, "PodMonitor");
  assert.deepEqual(pm.spec.namespaceSelector, { matchNames: ["team-a"] });
  // The label the operator puts on its pods (src/operator/names.ts).
  assert.deepEqual(pm.spec.selector.matchLabels, { "app.kubernetes.io/managed-by": "room-recorder-operator" });

  const rule = one<KubernetesObject & { spec: { groups: { rules: { alert: string; expr: string }[] }[] } }>(objs, "PrometheusRule");
  const alerts = loadYaml<{ groups: { rules: { alert: string; expr: string }[] }[] }>(readFileSync(ALERTS_FILE, "utf8"));
  assert.deepEqual(rule.spec.groups, alerts.groups, "the PrometheusRule carries files/alerts.yaml");
  assert.equal(rule.spec.groups.flatMap((g) => g.rules).length, 10);

  const cm = one<KubernetesObject & { data: Record<string, string> }>(objs, "ConfigMap", "rr-operator-dashboard");
  assert.equal(cm.metadata?.namespace, "monitoring");
  assert.equal(cm.metadata?.labels?.grafana_dashboard, "1");
  assert.equal(cm.metadata?.annotations?.grafana_folder, "Recording");
  assert.deepEqual(JSON.parse(cm.data["room-recorder.json"]!), JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")));
});

/** The pod defaults document as the operator reads it, from the rendered ConfigMap the Deployment mounts. */
function podDefaultsOf(objs: readonly KubernetesObject[]): { doc: PodDefaults; dep: V1Deployment } {
  const dep = one<V1Deployment>(objs, "Deployment");
  const c = dep.spec!.template.spec!.containers[0]!;
  const path = c.args!.find((a) => a.startsWith("--pod-defaults="))!.slice("--pod-defaults=".length);
  const mount = c.volumeMounts!.find((m) => path.startsWith(`${m.mountPath}/`))!;
  const volume = dep.spec!.template.spec!.volumes!.find((v) => v.name === mount.name)!;
  assert.equal(mount.readOnly, true);
  const cm = one<KubernetesObject & { data: Record<string, string> }>(objs, "ConfigMap", volume.configMap!.name);
  return { doc: parsePodDefaults(cm.data[path.slice(mount.mountPath.length + 1)]!), dep };
}
const checksum = (dep: V1Deployment) => dep.spec!.template.metadata!.annotations!["checksum/pod-defaults"];

test("helm - pod defaults: the chart's values reach the operator as the document it reads, and its defaults are the operator's", { skip }, async () => {
  const { doc, dep } = podDefaultsOf(await render());
  assert.deepEqual(doc, { ...defaultPodDefaults(), imagePullPolicy: "IfNotPresent" }, "worker and signaler resources: the chart's defaults are the operator's");
  assert.equal(doc.defaultStorage, undefined, "no default storage: a RoomRecording must say where files go");
  const args = dep.spec!.template.spec!.containers[0]!.args!;
  assert.ok(args.includes(`--pod-start-timeout=${DEFAULT_START_TIMEOUT_MS / 1000}`), args.join(" "));
  assert.match(checksum(dep) ?? "", /^[0-9a-f]{64}$/);

  const full = podDefaultsOf(await render("-f", FULL_VALUES));
  assert.deepEqual(full.doc.imagePullSecrets, [{ name: "regcred" }]);
  assert.equal(full.doc.imagePullPolicy, "Always");
  assert.equal(full.doc.natsCaSecret, "nats-ca");
  assert.deepEqual(full.doc.defaultStorage, { persistentVolumeClaim: { claimName: "recordings" } });
  assert.deepEqual(full.doc.nodeSelector, { pool: "media" });
  assert.ok(full.doc.tolerations?.length === 1 && full.doc.affinity?.nodeAffinity);
  assert.ok(full.dep.spec!.template.spec!.containers[0]!.args!.includes("--pod-start-timeout=120"));
  assert.notEqual(checksum(full.dep), checksum(dep), "a change rolls the operator");

  // And so into the pods the operator builds.
  const settings = { image: "i", natsUrl: "nats://n:4222", startTimeoutMs: 120_000, pods: full.doc };
  const rec = { apiVersion: "room-recorder.dev/v1alpha1", kind: "RoomRecording", metadata: { name: "studio", namespace: "media", uid: "u" }, spec: { room: "R" } };
  const worker = workerPod(rec, { key: "a", streamId: "a", wireId: "a", uuid: "p" }, 1, settings);
  assert.deepEqual(worker.spec!.imagePullSecrets, [{ name: "regcred" }]);
  assert.deepEqual(worker.spec!.containers[0]!.resources, { requests: { cpu: "100m", memory: "160Mi" }, limits: { memory: "320Mi" } });
  assert.deepEqual(worker.spec!.volumes!.find((v) => v.name === "recordings")?.persistentVolumeClaim, { claimName: "recordings" });
  assert.ok(worker.spec!.containers[0]!.env!.some((e) => e.name === "NATS_CA"));
  assert.deepEqual(signalerPod(rec, settings).spec!.nodeSelector, { pool: "media" });
  // ICE (issue 12): the chart's TURN as --ice-server with its Secret as env, never a credential in args.
  const workerArgs = worker.spec!.containers[0]!.args!.join(" ");
  assert.ok(workerArgs.includes("--ice-server turn:turn.example.com:3478,turn:turn.example.com:443?transport=tcp --ice-server stun:stun.example.com:3478 --relay-only --no-auto-turn"), workerArgs);
  assert.equal(worker.spec!.containers[0]!.env!.find((e) => e.name === "ICE_0_CREDENTIAL")?.valueFrom?.secretKeyRef?.name, "turn-credentials");
});

test("helm - refuses what cannot work: no NATS URL, two replicas without a lease, values outside the schema", { skip }, async () => {
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "nats.url="]), /nats\.url is required/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "operator.leaderElection.enabled=false"]), /would both act/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "operator.replicas=0"]), /replicas/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "operator.replica=2"]), /replica/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "image.pullPolicy=Sometimes"]), /pullPolicy/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "podImage.pullPolicy=Sometimes"]), /pullPolicy/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "pods.startTimeoutSeconds=0"]), /startTimeoutSeconds/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "pods.defaultStorage.claimName=recordings"]), /defaultStorage/);
  assert.match(await helmFails(["template", "rr", CHART_DIR, "--set", "pods.workerResources.request.cpu=1"]), /workerResources/);
});
