/**
 * Per-recording NATS credentials end to end (spec.nats.credentialsSecretRef, docs/nats.md
 * "Authorization"): nats-server with authorization on, where the recording's user may use only
 * `rr.default.studio.>` and the operator has its own user. The recording's signaler and worker
 * pods log in with the user and password from the recording's Secret (env from the Secret, via
 * the node agent), join the room and record; a recording whose Secret holds a wrong password
 * is refused by the server and never connects.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { controlPlaneMissing, startControlPlane, type ControlPlane } from "./harness/k8s.ts";
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
const NS = "default";
const SELECTOR = "app.kubernetes.io/managed-by=room-recorder-operator";
const OPERATOR = { user: "operator", password: "op-secret-0" };
const STUDIO = { user: "rec-default-studio", password: "studio-secret-1" };

let cp: ControlPlane, nats: NatsServer, relay: Relay, agent: NodeAgent, operator: OperatorProcess, publisher: PublisherProcess, dir: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "rr-op-nats-"));
  cp = await startControlPlane({ controllerManager: false });
  await cp.kubectl(["apply", "--server-side", "-f", CRD]);
  await cp.kubectl(["wait", "--for=condition=Established", "crd/roomrecordings.room-recorder.dev", "--timeout=60s"]);
  nats = await startNats({
    users: [
      // The operator follows every recording's roster and heartbeats; its requests reply on _INBOX.
      { ...OPERATOR, allow: ["rr.>", "_INBOX.>"] },
      { ...STUDIO, allow: [`rr.${NS}.studio.>`] },
    ],
  });
  relay = await startRelay({ port: 0, dialect: "official" });
  agent = await startNodeAgent({ kubeConfig: cp.kubeConfig, root: dir, labelSelector: SELECTOR, env: { LOG_LEVEL: "info" } });
  operator = await startOperator({ kubeconfigPath: cp.kubeconfigPath, natsUrl: nats.url, identity: "op-nats", env: { NATS_USER: OPERATOR.user, NATS_PASSWORD: OPERATOR.password } });
  const core = cp.kubeConfig.makeApiClient(CoreV1Api);
  for (const [name, password] of [["studio-nats", STUDIO.password], ["wrong-nats", "not-the-password"]] as const) {
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name }, stringData: { user: STUDIO.user, password } } });
  }
});

after(async () => {
  if (process.env.RR_DEBUG) process.stderr.write(operator?.log().split("\n").slice(-40).join("\n") ?? "");
  await publisher?.stop().catch(() => undefined);
  await operator?.stop();
  await agent?.stop();
  await relay?.close();
  await nats?.stop();
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const create = (name: string, secret: string) =>
  cp.kubectl(["apply", "-f", "-"], JSON.stringify({
    apiVersion: "room-recorder.dev/v1alpha1", kind: "RoomRecording", metadata: { name, namespace: NS },
    spec: { room: "CredRoom", server: relay.url, nats: { credentialsSecretRef: { name: secret } }, storage: { persistentVolumeClaim: { claimName: "recordings" } } },
  }));
const get = async (name: string) =>
  (await cp.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: "room-recorder.dev", version: "v1alpha1", namespace: NS, plural: "roomrecordings", name })) as RoomRecording;
const podLog = (pod: string) => {
  const file = join(dir, "logs", `${NS}_${pod}.log`);
  return existsSync(file) ? readFileSync(file, "utf8") : "";
};
/** The environment the node agent gave a running pod process. */
const environOf = (pod: string) => {
  const pid = agent.processOf(NS, pod)?.pid;
  return pid ? Object.fromEntries(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])) : undefined;
};

test("nats credentials - a recording's own NATS user (only rr.<ns>.<rec>.>) is enough: signaler joins, worker records", { skip }, async () => {
  await create("studio", "studio-nats");
  await waitFor(async () => (await get("studio")).status?.conditions?.find((c) => c.type === "SignalingConnected")?.status === "True", 120_000, "SignalingConnected over the recording's own NATS user");
  const env = environOf("studio-signaler");
  assert.equal(env?.NATS_USER, STUDIO.user, "the user comes from the recording's Secret");
  assert.equal(env?.NATS_TOKEN, undefined, "no operator-wide credentials");

  publisher = await startPublisherProcess({ server: relay.url, room: "CredRoom", streamId: "alice", label: "Alice" });
  await waitFor(async () => (await get("studio")).status?.streamStatuses?.find((s) => s.stream === "alice" && s.phase === "Recording" && (s.bytes ?? 0) > 0), 120_000, "alice recording, heartbeats over the recording's user");
  const worker = (await get("studio")).status!.streamStatuses!.find((s) => s.stream === "alice")!.pod!;
  assert.equal(environOf(worker)?.NATS_USER, STUDIO.user);
  assert.doesNotMatch(podLog("studio-signaler") + podLog(worker), /Permissions Violation/i, "nothing outside its subjects was attempted");
});

test("nats credentials - a wrong password in the recording's Secret is refused: that recording never connects", { skip }, async () => {
  await create("intruder", "wrong-nats");
  await waitFor(() => /Authorization Violation/i.test(podLog("intruder-signaler")) || undefined, 60_000, "the server refusing intruder's signaler");
  const status = (await get("intruder")).status;
  assert.notEqual(status?.conditions?.find((c) => c.type === "SignalingConnected")?.status, "True");
  assert.doesNotMatch(podLog("intruder-signaler"), /not-the-password/, "the password is never logged");
});
