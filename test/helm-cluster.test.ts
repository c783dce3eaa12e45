/**
 * The rendered chart on a real kube-apiserver + etcd (test/harness/k8s.ts): every object is
 * accepted by server-side dry-run; then the operator runs as a real process under the chart's
 * ServiceAccount token and RBAC (nothing more) with a real nats-server, and must do its whole
 * job for a RoomRecording: Lease, finalizer, ServiceAccount and signaler pod by server-side
 * apply (shaped by the chart's pod defaults ConfigMap, read as the Deployment would), status,
 * Events, and on deletion the pods and the finalizer. A real Prometheus scrapes
 * the operator, and the dashboard's operator panels must return series.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAllYaml, type KubernetesObject, type V1Pod } from "@kubernetes/client-node";
import { names } from "../src/operator/names.ts";
import { helmMissing, renderChart } from "./harness/helm.ts";
import { controlPlaneMissing, startControlPlane, type ControlPlane } from "./harness/k8s.ts";
import { startNats } from "./harness/nats.ts";
import { DASHBOARD_FILE, dashboardQueries, prometheusMissing, startPrometheus } from "./harness/prometheus.ts";
import { freePort } from "./harness/freePort.ts";
import { startRole } from "./harness/roleProcess.ts";
import { waitFor } from "./harness/wait.ts";

const skip = helmMissing() || controlPlaneMissing() || prometheusMissing();
const RELEASE_NS = "recorder";
const SA = "rr-operator";
const LEASE = "room-recorder-operator";
const APPLY_TIMEOUT_MS = 60_000;
/** Kinds of the Prometheus Operator: their CRDs are not installed on the test control plane. */
const MONITORING_KINDS = new Set(["ServiceMonitor", "PodMonitor", "PrometheusRule"]);

/** waitFor, with the operator's latest log lines in the failure (they say what it was refused). */
const waitWithLog = <T>(log: () => string, fn: () => Promise<T | undefined | false>, name: string) =>
  waitFor(fn, APPLY_TIMEOUT_MS, name).catch((err: Error) => assert.fail(`${err.message}\n${log().slice(-4000)}`));

const kinds = (yaml: string) => (loadAllYaml(yaml).filter(Boolean) as KubernetesObject[]).map((o) => o.kind);

async function json<T>(cp: ControlPlane, args: readonly string[]): Promise<T> {
  return JSON.parse(await cp.kubectl([...args, "-o", "json"])) as T;
}

test("helm - the rendered chart is accepted by a real kube-apiserver, and the operator does its job with exactly the chart's RBAC", { skip, timeout: 300_000 }, async () => {
  const defaults = await renderChart("rr", RELEASE_NS);
  // Non-default values without the Prometheus Operator kinds (no CRDs for them here).
  const full = await renderChart("rr", RELEASE_NS, ["-f", join(import.meta.dirname, "fixtures/helm-values-full.yaml"), "--set", "serviceMonitor.enabled=false,podMonitor.enabled=false,prometheusRule.enabled=false"]);
  assert.ok(!kinds(full).some((k) => MONITORING_KINDS.has(k!)));

  await using cp = await startControlPlane();
  await using nats = await startNats();
  for (const ns of [RELEASE_NS, "team-a", "monitoring", "studio"]) await cp.kubectl(["create", "namespace", ns]);
  // The CRD for real (the rest needs it to exist), then every object by server-side dry-run.
  const crd = (loadAllYaml(defaults) as KubernetesObject[]).find((o) => o.kind === "CustomResourceDefinition");
  assert.ok(crd);
  await cp.kubectl(["apply", "--server-side", "-f", "-"], defaults.split(/^---$/m).find((d) => d.includes("kind: CustomResourceDefinition"))!);
  await cp.kubectl(["wait", "--for=condition=Established", "crd/roomrecordings.room-recorder.dev", "--timeout=60s"]);
  for (const yaml of [defaults, full]) await cp.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], yaml);

  // Install the default release for real: ServiceAccount, RBAC, Deployment (no kubelet runs it).
  await cp.kubectl(["apply", "--server-side", "-f", "-"], defaults);
  const token = (await cp.kubectl(["-n", RELEASE_NS, "create", "token", SA, "--duration=1h"])).trim();
  const saKubeconfig = cp.kubeconfigFor(token, SA);

  // What the ServiceAccount may not do (least privilege), asked of the real authorizer.
  // `kubectl auth can-i` exits 0 for yes, 1 for no.
  const can = (...args: string[]) => cp.kubectl(["--kubeconfig", saKubeconfig, "auth", "can-i", ...args]).then(() => true, () => false);
  assert.equal(await can("patch", "pods", "-n", "studio"), true);
  assert.equal(await can("get", "secrets", "-n", "studio"), false);
  assert.equal(await can("update", "pods", "-n", "studio"), false);
  assert.equal(await can("update", "leases/someone-else", "-n", RELEASE_NS), false);

  // The operator under that token: every call it makes must be allowed. Its pod defaults are
  // the non-default release's ConfigMap (pull secrets, scheduling, NATS CA, default storage).
  const podDefaultsDir = mkdtempSync(join(tmpdir(), "rr-pod-defaults-"));
  await using _removeDir = { [Symbol.asyncDispose]: async () => rmSync(podDefaultsDir, { recursive: true, force: true }) };
  const podDefaults = join(podDefaultsDir, "pod-defaults.json");
  const configMap = (loadAllYaml(full) as KubernetesObject[]).find((o) => o.kind === "ConfigMap" && o.metadata?.name === "rr-operator-pod-defaults") as KubernetesObject & { data: Record<string, string> };
  writeFileSync(podDefaults, configMap.data["pod-defaults.json"]!);
  const metricsPort = await freePort();
  await using operator = startRole("operator", [
    "--image", "registry.example/rr/room-recorder:test", "--nats", nats.url, "--kubeconfig", saKubeconfig,
    "--metrics-addr", `127.0.0.1:${metricsPort}`, "--lease-namespace", RELEASE_NS, "--lease-name", LEASE, "--identity", "operator-0",
    "--pod-defaults", podDefaults,
  ]);
  await using prom = await startPrometheus({ jobs: [{ job: "room-recorder-operator", targets: [`127.0.0.1:${metricsPort}`], labels: { namespace: RELEASE_NS } }] });

  const lease = await waitWithLog(operator.stderr, async () => {
    const l = await json<{ spec?: { holderIdentity?: string } }>(cp, ["-n", RELEASE_NS, "get", "lease", LEASE]).catch(() => undefined);
    return l?.spec?.holderIdentity === "operator-0" && l;
  }, "the operator to take the Lease");
  assert.ok(lease);

  // No spec.storage: the chart's pods.defaultStorage stands in.
  const rr = { apiVersion: "room-recorder.dev/v1alpha1", kind: "RoomRecording", metadata: { name: "show", namespace: "studio" }, spec: { room: "studio-room" } };
  await cp.kubectl(["apply", "-f", "-"], JSON.stringify(rr));
  const signaler = await waitWithLog(operator.stderr, async () => {
    const pods = await json<{ items: V1Pod[] }>(cp, ["-n", "studio", "get", "pods", "-l", "app.kubernetes.io/managed-by=room-recorder-operator"]);
    return pods.items.find((p) => p.metadata?.name === names.signalerPod("show"));
  }, "the signaler pod, created by server-side apply under the chart's RBAC");
  assert.deepEqual(signaler.spec?.imagePullSecrets, [{ name: "regcred" }]);
  assert.deepEqual(signaler.spec?.nodeSelector, { pool: "media" });
  assert.equal(signaler.spec?.containers[0]?.imagePullPolicy, "Always");
  assert.equal(signaler.spec?.securityContext?.fsGroupChangePolicy, "OnRootMismatch");
  assert.ok(signaler.spec?.volumes?.some((v) => v.secret?.secretName === "nats-ca"), "the NATS CA reaches the pod");
  await cp.kubectl(["-n", "studio", "get", "serviceaccount", names.serviceAccount("show")]);
  const rec = await waitFor(async () => {
    const r = await json<{ metadata: { finalizers?: string[] }; status?: { conditions?: unknown[] } }>(cp, ["-n", "studio", "get", "roomrecording", "show"]);
    return (r.metadata.finalizers?.length ?? 0) > 0 && (r.status?.conditions?.length ?? 0) > 0 && r;
  }, APPLY_TIMEOUT_MS, "finalizer and status written");
  assert.ok(rec);
  const forbidden = operator.lines().filter((l) => /forbidden/i.test(JSON.stringify(l)));
  assert.deepEqual(forbidden, [], "the operator was refused nothing");

  // The operator's metrics, scraped by a real Prometheus: the dashboard's operator panels have
  // data (all but "Streams by phase": no publisher joins this room, so there are no streams).
  const operatorQueries = dashboardQueries(JSON.parse(readFileSync(DASHBOARD_FILE, "utf8"))).filter((q) => q.expr.includes("rr_operator_"));
  assert.ok(operatorQueries.length >= 8);
  for (const q of operatorQueries) {
    await prom.query(q.expr);
    if (q.panel === "Streams by phase") continue;
    await waitFor(async () => (await prom.query(q.expr)).length > 0, APPLY_TIMEOUT_MS, `operator panel '${q.panel}' (${q.legend}) to return series:\n${q.expr}`);
  }
  const managed = await prom.query("sum by (component, phase) (rr_operator_managed_pods)");
  assert.deepEqual(managed.map((s) => s.metric), [{ component: "signaler", phase: "Pending" }], "the signaler pod, Pending without a kubelet");
  assert.deepEqual((await prom.query("sum(rr_operator_leader)")).map((s) => s.value[1]), ["1"]);

  // Deletion: the operator deletes its pods and lets the RoomRecording go.
  await cp.kubectl(["-n", "studio", "delete", "roomrecording", "show", "--wait=false"]);
  await waitWithLog(operator.stderr, async () => !(await cp.kubectl(["-n", "studio", "get", "roomrecordings", "-o", "name"])).includes("show"), "the RoomRecording to be finalized");
  assert.equal((await cp.kubectl(["-n", "studio", "get", "pods", "-o", "name"])).trim(), "", "the signaler pod was deleted by the operator");
});
