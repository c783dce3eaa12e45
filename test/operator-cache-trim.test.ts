/**
 * The operator's cache trimming (src/operator/cacheTrim.ts) relies on client-node's informer
 * storing the very object it hands to "add"/"update" handlers. This checks that against a real
 * kube-apiserver, with pods created by server-side apply (so they carry managedFields), through
 * the initial list, a watch ADDED and a watch MODIFIED.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, makeInformer, type V1Pod } from "@kubernetes/client-node";
import { trimCachedPod } from "../src/operator/cacheTrim.ts";
import { controlPlaneMissing, startControlPlane } from "./harness/k8s.ts";
import { waitFor } from "./harness/wait.ts";

const skip = controlPlaneMissing();
const pod = (name: string): V1Pod => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { app: "trim" } },
  spec: { containers: [{ name: "c", image: "example/none", args: ["a", "b"] }] },
});

test("cache trim - cached pods keep no managedFields and no spec, from the list, ADDED and MODIFIED", { skip, timeout: 120_000 }, async () => {
  await using cp = await startControlPlane({ controllerManager: false });
  const core = cp.kubeConfig.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(cp.kubeConfig);
  const apply = (p: V1Pod) => objects.patch(p, undefined, undefined, "trim-test", true, PatchStrategy.ServerSideApply);
  await apply(pod("listed"));

  const informer = makeInformer<V1Pod>(cp.kubeConfig, "/api/v1/namespaces/default/pods", () => core.listNamespacedPod({ namespace: "default" }));
  informer.on("add", trimCachedPod);
  informer.on("update", trimCachedPod);
  await informer.start();
  try {
    await apply(pod("watched"));
    await waitFor(() => informer.get("watched", "default"), 30_000, "the watched pod in the cache");
    await core.patchNamespacedPod({ name: "listed", namespace: "default", body: [{ op: "add", path: "/metadata/labels/changed", value: "yes" }] });
    await waitFor(() => informer.get("listed", "default")?.metadata?.labels?.changed === "yes" || undefined, 30_000, "the modified pod in the cache");

    const server = await core.readNamespacedPod({ name: "listed", namespace: "default" });
    assert.ok((server.metadata?.managedFields?.length ?? 0) > 0, "the API server does send managedFields");
    for (const name of ["listed", "watched"]) {
      const cached = informer.get(name, "default")!;
      assert.equal(cached.metadata?.managedFields, undefined, `${name}: managedFields trimmed in the cache`);
      assert.equal(cached.spec, undefined, `${name}: spec trimmed in the cache`);
      assert.equal(cached.metadata?.labels?.app, "trim");
    }
  } finally {
    await informer.stop();
  }
});
