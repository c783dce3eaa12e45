/**
 * What a user sees when a pod cannot start, on the real node: each cause becomes a condition and
 * a Warning Event that name it (docs/operator.md, "Pods that never start"), instead of a stream
 * stuck in `Starting`. Three causes the issue asks for: an image that does not exist (the kubelet
 * really tries to pull it, with the chart's IfNotPresent policy, and fails: no registry here), a
 * missing NATS credentials Secret (CreateContainerConfigError), and a PersistentVolumeClaim that
 * does not exist (the scheduler refuses the worker pod).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRecordingsClaim, installRecorder, type RecorderInstall } from "../harness/clusterInstall.ts";
import { NODE_IP, apply, ensureNode, kubectl, kubectlJson, realNodeMissing } from "../harness/realNode.ts";
import { startRelay, type Relay } from "../harness/relay.ts";
import { startPublisherProcess, type PublisherProcess } from "../harness/publisher.ts";
import { waitFor } from "../harness/wait.ts";

const skip = realNodeMissing();
const NS = "trouble";
const MINUTE = 60_000;
const RECORDINGS = ["no-image", "no-secret", "no-claim"].map((name) => ({ namespace: NS, name }));

let recorder: RecorderInstall;
let claim: { remove(): Promise<void> };
let relay: Relay;
let publisher: PublisherProcess | undefined;

interface Condition { type: string; status: string; reason: string; message: string }
interface Event { type: string; reason: string; message: string }

before(async () => {
  if (skip) return;
  await ensureNode();
  // IfNotPresent, as users run it: our images are found on the node, a missing one is pulled.
  recorder = await installRecorder({ release: "rrfail", recordings: RECORDINGS, set: ["podImage.pullPolicy=IfNotPresent"] });
  claim = await createRecordingsClaim(NS);
  relay = await startRelay({ port: 0, host: NODE_IP, dialect: "official" });
});

after(async () => {
  if (skip) return;
  await publisher?.stop().catch(() => undefined);
  await relay?.close();
  await kubectl(["-n", NS, "delete", "rrec", "--all", "--wait=true", "--timeout=120s"]).catch(() => undefined);
  await recorder?.remove();
  await claim?.remove();
});

async function create(name: string, spec: Record<string, unknown>): Promise<void> {
  await apply([{
    apiVersion: "room-recorder.dev/v1alpha1",
    kind: "RoomRecording",
    metadata: { name, namespace: NS },
    spec: { room: `room-${name}`, server: relay.url, storage: { persistentVolumeClaim: { claimName: "recordings" } }, nats: { credentialsSecretRef: { name: recorder.natsSecretOf({ namespace: NS, name }) } }, ...spec },
  }]);
}

/** Waits for Degraded=True with `reason`, then for a Warning Event with that reason; returns both messages. */
async function expectCause(name: string, reason: string): Promise<{ condition: string; event: string }> {
  const degraded = await waitFor(async () => {
    const rec = await kubectlJson<{ status?: { conditions?: Condition[] } }>(["-n", NS, "get", "rrec", name]);
    return rec.status?.conditions?.find((c) => c.type === "Degraded" && c.status === "True" && c.reason === reason);
  }, 3 * MINUTE, `${name}: Degraded=True ${reason}`).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await kubectl(["-n", NS, "get", "rrec", name, "-o", "yaml"])}\n${await kubectl(["-n", NS, "get", "pods,events"])}`);
  });
  const event = await waitFor(async () => {
    const events = await kubectlJson<{ items: Event[] }>(["-n", NS, "get", "events", "--field-selector", `involvedObject.name=${name},involvedObject.kind=RoomRecording`]);
    return events.items.find((e) => e.type === "Warning" && e.reason === reason);
  }, MINUTE, `${name}: a Warning Event ${reason}`);
  return { condition: degraded.message, event: event.message };
}

test("cluster failures - an image that does not exist: ImagePullFailed, naming the image", { skip, timeout: 5 * MINUTE }, async () => {
  const image = "ghcr.io/room-recorder/room-recorder:does-not-exist";
  await create("no-image", { image });
  const said = await expectCause("no-image", "ImagePullFailed");
  assert.match(said.condition, /does-not-exist/);
  assert.match(said.event, /does-not-exist/);
  assert.match(await kubectl(["-n", NS, "get", "rrec", "no-image"]), /ImagePullFailed/, "kubectl get rrec shows the reason");
});

test("cluster failures - a missing NATS credentials Secret: ContainerConfigError, naming the Secret", { skip, timeout: 5 * MINUTE }, async () => {
  await create("no-secret", { nats: { credentialsSecretRef: { name: "no-such-nats-secret" } } });
  const said = await expectCause("no-secret", "ContainerConfigError");
  assert.match(said.condition, /no-such-nats-secret/);
  assert.match(said.event, /no-such-nats-secret/);
});

test("cluster failures - a PersistentVolumeClaim that does not exist: the worker pod is Unschedulable, naming the claim", { skip, timeout: 5 * MINUTE }, async () => {
  await create("no-claim", { storage: { persistentVolumeClaim: { claimName: "no-such-claim" } } });
  // Only worker pods mount the claim: a publisher makes the operator start one.
  publisher = await startPublisherProcess({ server: relay.url, room: "room-no-claim", streamId: "guest" });
  const said = await expectCause("no-claim", "Unschedulable");
  assert.match(said.condition, /no-such-claim/);
  assert.match(said.event, /no-such-claim/);
  const rec = await kubectlJson<{ status?: { streamStatuses?: { stream: string; phase: string; reason?: string }[] } }>(["-n", NS, "get", "rrec", "no-claim"]);
  assert.deepEqual(rec.status?.streamStatuses?.map((s) => [s.stream, s.phase, s.reason]), [["guest", "Blocked", "Unschedulable"]]);
});
