/**
 * The operator's KubeConfig (src/operator/kubeConfig.ts) against a real kube-apiserver: many API
 * calls, concurrent and sequential, alongside a running watch, use a handful of connections
 * instead of one TLS connection per call (client-node 2.0's behaviour, which cost the operator
 * hundreds of MiB at scale: docs/performance.md, "Operator").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readlinkSync } from "node:fs";
import { CoreV1Api, makeInformer, type V1ConfigMap } from "@kubernetes/client-node";
import { SharedConnectionsKubeConfig } from "../src/operator/kubeConfig.ts";
import { controlPlaneMissing, startControlPlane } from "./harness/k8s.ts";
import { waitFor } from "./harness/wait.ts";

const skip = controlPlaneMissing();

/** Open sockets of this process (the apiserver is the only peer this test talks to). */
function openSockets(): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:");
    } catch {
      return false; // closed while we looked
    }
  }).length;
}

test("api connections - 300 calls and a watch share a few connections", { skip, timeout: 180_000 }, async () => {
  await using cp = await startControlPlane({ controllerManager: false });
  const kc = new SharedConnectionsKubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const before = openSockets();

  const informer = makeInformer<V1ConfigMap>(kc, "/api/v1/namespaces/default/configmaps", () => core.listNamespacedConfigMap({ namespace: "default" }));
  await informer.start();
  try {
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: `cm-${batch}-${i}` }, data: { n: String(i) } } })));
    }
    for (let i = 0; i < 200; i++) await core.readNamespacedConfigMap({ namespace: "default", name: `cm-${i % 5}-${i % 20}` });
    // The watch saw every create over the shared connection.
    await waitFor(() => informer.list().length >= 100 || undefined, 30_000, "the informer to see 100 config maps");
    const opened = openSockets() - before;
    assert.ok(opened <= 4, `${opened} sockets opened for 300 calls and a watch`);
  } finally {
    await informer.stop();
  }
});
