/**
 * The cluster product as a user runs it, on a real node (infra/node/: kubelet, containerd, runc,
 * CNI bridge, kube-proxy, CoreDNS) with our own images: `helm install` of the chart (operator
 * with 2 replicas and leader election), NATS as a pod reached by its Service name with one user
 * per recording, recordings on a PersistentVolumeClaim in a namespace that enforces the
 * `restricted` Pod Security Standard. Three real publishers (werift, Chromium, GStreamer) on the
 * host; the signaler and worker pods reach our handshake relay and the publishers through the
 * node's pod network. Figures (time to first keyframe on disk, pod start, memory) are printed and
 * written to .cache/node/figures.json for docs/operator.md.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHART_DIR } from "../harness/helm.ts";
import { createRecordingsClaim, installRecorder, type RecorderInstall } from "../harness/clusterInstall.ts";
import {
  NODE_DIR, NODE_IP, apply, containerPid, ctr, ensureNode, kubectl, kubectlJson, killContainer, podCgroupMemory, podImages, processFacts, realNodeMissing,
} from "../harness/realNode.ts";
import { startRelay, type Relay } from "../harness/relay.ts";
import { startPublisherProcess, type PublisherProcess } from "../harness/publisher.ts";
import { startChromium, type ChromiumHarness, type ChromiumPublisher } from "../harness/chromium.ts";
import { startGstPublisher, type GstPublisher } from "../harness/gstreamer.ts";
import { recordedFiles } from "../harness/recordings.ts";
import { decodeErrors, probe } from "../harness/ffprobe.ts";
import { waitFor } from "../harness/wait.ts";

const skip = realNodeMissing();
const RELEASE = "rr";
const SYSTEM_NS = `${RELEASE}-system`;
const NS = "studio";
const REC = "show";
const ENCORE = "encore";
const ROOM = "RealNodeRoom";
const VERSION = "0.1.0";
const UPGRADE_TAG = "0.1.1-test";
const WORKER_IMAGE = `ghcr.io/room-recorder/room-recorder:${VERSION}`;
const SELECTOR = `app.kubernetes.io/managed-by=room-recorder-operator,room-recorder.dev/recording=${REC}`;
const MINUTE = 60_000;

interface Pod {
  metadata: { name: string; uid: string; creationTimestamp: string; annotations?: Record<string, string>; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { image: string }[]; securityContext?: Record<string, unknown> };
  status?: { phase?: string; containerStatuses?: { imageID?: string; state?: { running?: { startedAt: string }; terminated?: { exitCode: number } } }[] };
}

let relay: Relay;
let chromium: ChromiumHarness;
let recorder: RecorderInstall;
let claim: { dir: string; remove(): Promise<void> };
let appliedAt = 0;
const publishers = new Map<string, PublisherProcess>();
let chromiumPub: ChromiumPublisher | undefined;
let gstPub: GstPublisher | undefined;
const figures: Record<string, unknown> = {};

const out = () => join(claim.dir, NS, REC);
const files = async (streamId: string) => (existsSync(out()) ? recordedFiles(out(), streamId) : []);
const allPods = async () => (await kubectlJson<{ items: Pod[] }>(["-n", NS, "get", "pods", "-l", SELECTOR])).items;
const workerPods = async () => (await allPods()).filter((p) => p.metadata.labels?.["app.kubernetes.io/component"] === "worker");
const workerOf = async (streamId: string) =>
  (await workerPods()).filter((p) => p.metadata.annotations?.["room-recorder.dev/stream-id"] === streamId).sort((a, b) => attempt(b) - attempt(a))[0];
const attempt = (p: Pod) => Number(p.metadata.labels?.["room-recorder.dev/attempt"] ?? 0);
const rrec = () => kubectlJson<{ status?: { recordingSummary?: string; phase?: string; conditions?: { type: string; status: string; reason: string }[] } }>(["-n", NS, "get", "rrec", REC]);
const eventReasons = async () => kubectl(["-n", NS, "get", "events", "--field-selector", `involvedObject.name=${REC}`, "-o", "jsonpath={.items[*].reason}"]);

before(async () => {
  if (skip) return;
  const nodes = await ensureNode();
  process.stdout.write(`# the node under test (kubectl get nodes -o wide):\n${nodes}`);
  figures.node = nodes.trim();
  recorder = await installRecorder({ release: RELEASE, recordings: [{ namespace: NS, name: REC }, { namespace: NS, name: ENCORE }], set: ["operator.replicas=2"] });
  claim = await createRecordingsClaim(NS);
  relay = await startRelay({ port: 0, host: NODE_IP, dialect: "official" });
  chromium = await startChromium();
});

after(async () => {
  if (skip) return;
  for (const p of publishers.values()) await p.stop().catch(() => undefined);
  await chromiumPub?.close().catch(() => undefined);
  await gstPub?.stop().catch(() => undefined);
  await chromium?.stop().catch(() => undefined);
  await relay?.close();
  await kubectl(["-n", NS, "delete", "rrec", "--all", "--wait=true", "--timeout=120s"]).catch(() => undefined);
  await recorder?.remove();
  await claim?.remove();
  mkdirSync(NODE_DIR, { recursive: true });
  writeFileSync(join(NODE_DIR, "figures.json"), JSON.stringify(figures, null, 2));
  process.stdout.write(`# figures:\n${JSON.stringify(figures, null, 2)}\n`);
});

const recordingSpec = (name: string) => ({
  room: ROOM,
  server: relay.url,
  storage: { persistentVolumeClaim: { claimName: "recordings" } },
  nats: { credentialsSecretRef: { name: recorder.natsSecretOf({ namespace: NS, name }) } },
});

const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1], n: s.length };
};

/** Time from `kubectl apply` to each stream's first media file (it opens at the first keyframe). */
async function firstKeyframeSeconds(streamIds: readonly string[]): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  await waitFor(async () => {
    for (const id of streamIds) {
      if (seen[id] !== undefined) continue;
      const [first] = await files(id);
      if (first) seen[id] = (statSync(first).birthtimeMs || statSync(first).mtimeMs) - appliedAt;
    }
    return Object.keys(seen).length === streamIds.length;
  }, 3 * MINUTE, `a first file for each of ${streamIds.join(", ")}`);
  return Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, Math.round(v) / 1000]));
}

test("cluster - three real publishers, a signaler pod and three worker pods from our images, non-root on a read-only root: 3/3 Ready, files on the PVC", { skip, timeout: 10 * MINUTE }, async () => {
  appliedAt = Date.now();
  await apply([{
    apiVersion: "room-recorder.dev/v1alpha1",
    kind: "RoomRecording",
    metadata: { name: REC, namespace: NS },
    spec: recordingSpec(REC),
  }]);
  publishers.set("werift", await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "werift", label: "Werift" }));
  chromiumPub = await chromium.publish({ relay: relay.url, room: ROOM, stream: "chromium", label: "Chromium", codec: "vp8" });
  gstPub = await startGstPublisher({ relay: relay.url, room: ROOM, stream: "gstreamer", codec: "h264" });

  await kubectl(["-n", NS, "wait", "--for=condition=Ready", `rrec/${REC}`, "--timeout=240s"]).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await kubectl(["-n", NS, "get", "rrec,pods", "-o", "wide"])}\n${await kubectl(["-n", NS, "get", "events"])}`);
  });
  assert.match(await kubectl(["-n", NS, "get", "rrec", REC]), new RegExp(`${REC}\\s+${ROOM}\\s+3/3\\s+3\\s+True`));
  figures.firstKeyframeSeconds = await firstKeyframeSeconds(["werift", "chromium", "gstreamer"]);
  figures.firstKeyframe = quantiles(Object.values(figures.firstKeyframeSeconds as Record<string, number>));

  // What the kernel says about each container: our image, uid 1000, read-only root, no capabilities.
  const pods = await allPods();
  assert.equal(pods.length, 4, pods.map((p) => p.metadata.name).join(", "));
  const startSeconds: number[] = [];
  const memory: Record<string, unknown> = {};
  for (const pod of pods) {
    assert.equal(pod.spec.containers[0]!.image, WORKER_IMAGE);
    const pid = await containerPid(NS, pod.metadata.name);
    assert.ok(pid, `${pod.metadata.name} has a running container`);
    const facts = processFacts(pid);
    assert.equal(facts.uid, 1000, `${pod.metadata.name} runs as uid 1000`);
    assert.equal(facts.rootReadOnly, true, `${pod.metadata.name} has a read-only root`);
    assert.equal(BigInt(`0x${facts.capEff}`), 0n, `${pod.metadata.name} has no effective capabilities`);
    const started = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
    if (started) startSeconds.push((Date.parse(started) - Date.parse(pod.metadata.creationTimestamp)) / 1000);
    if (pod.metadata.labels?.["app.kubernetes.io/component"] === "worker") {
      const cg = podCgroupMemory(pod.metadata.uid);
      assert.ok(cg, `${pod.metadata.name}'s memory cgroup`);
      memory[pod.metadata.annotations?.["room-recorder.dev/stream-id"] ?? pod.metadata.name] = {
        processRssMiB: +(facts.rssBytes / 2 ** 20).toFixed(1),
        cgroupUsageMiB: +(cg.usageBytes / 2 ** 20).toFixed(1),
        cgroupRssMiB: +(cg.rssBytes / 2 ** 20).toFixed(1),
      };
    }
  }
  figures.podStartSeconds = quantiles(startSeconds);
  figures.workerMemory = memory;
  process.stdout.write(`# recording pods and their images:\n${await podImages(NS)}`);
});

test("cluster - a late joiner gets its own worker pod", { skip, timeout: 5 * MINUTE }, async () => {
  publishers.set("late", await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "late", label: "Late" }));
  await waitFor(async () => (await workerOf("late"))?.status?.phase === "Running", 2 * MINUTE, "a running worker pod for the late joiner");
  await waitFor(async () => (await files("late")).length > 0, 2 * MINUTE, "the late joiner's file");
  await waitFor(async () => (await rrec()).status?.recordingSummary === "4/4", 2 * MINUTE, "4/4");
});

test("cluster - a publisher who leaves: her file is finalized, her pod is not restarted", { skip, timeout: 5 * MINUTE }, async () => {
  const pod = (await workerOf("chromium"))!;
  await chromiumPub!.hangup();
  // Exit 0 of a stream that left the roster is its FileFinalized Event; the operator then
  // deletes the finished pod (its file is on the PVC, not in the pod).
  await waitFor(async () => /FileFinalized/.test(await eventReasons()), 2 * MINUTE, "FileFinalized");
  await waitFor(async () => { const p = await workerOf("chromium"); return !p || p.status?.phase === "Succeeded"; }, MINUTE, "the leaver's worker finished");
  await new Promise((r) => setTimeout(r, 10_000));
  const now = await workerOf("chromium");
  assert.ok(!now || now.metadata.name === pod.metadata.name, "no new pod for a stream that left");
  const [file] = await files("chromium");
  assert.ok(file);
  await assertAudioVideo(file);
});

test("cluster - a worker killed with kill -9 is replaced by a new pod writing a new segment; nothing finalized is lost", { skip, timeout: 5 * MINUTE }, async () => {
  const before = (await workerOf("werift"))!;
  const filesBefore = await files("werift");
  await killContainer(NS, before.metadata.name);
  await waitFor(async () => {
    const next = await workerOf("werift");
    return next && attempt(next) === attempt(before) + 1 && next.status?.phase === "Running";
  }, 2 * MINUTE, "a replacement worker pod (restartPolicy Never: the operator makes it)");
  await waitFor(async () => (await files("werift")).length > filesBefore.length, 2 * MINUTE, "a new segment");
  for (const f of filesBefore) assert.ok(existsSync(f) && statSync(f).size > 0, `${f} is still there`);
  assert.match(await eventReasons(), /WorkerFailed/);
});

test("cluster - kubectl delete pod of a worker: a new pod, a new segment", { skip, timeout: 5 * MINUTE }, async () => {
  const before = (await workerOf("gstreamer"))!;
  const filesBefore = await files("gstreamer");
  await kubectl(["-n", NS, "delete", "pod", before.metadata.name, "--wait=true"]);
  await waitFor(async () => {
    const next = await workerOf("gstreamer");
    return next && next.metadata.uid !== before.metadata.uid && next.status?.phase === "Running";
  }, 2 * MINUTE, "a new worker pod after kubectl delete");
  await waitFor(async () => (await files("gstreamer")).length > filesBefore.length, 2 * MINUTE, "a new segment");
  for (const f of filesBefore) await assertAudioVideo(f);
});

test("cluster - the operator leader hung, then killed: the standby takes over within the lease; the restarted one stands by", { skip, timeout: 5 * MINUTE }, async () => {
  const holder = async () => (await kubectlJson<{ spec?: { holderIdentity?: string } }>(["-n", SYSTEM_NS, "get", "lease", "room-recorder-operator"])).spec?.holderIdentity;
  const leader = await waitFor(holder, MINUTE, "a lease holder");
  const operatorPods = (await kubectlJson<{ items: Pod[] }>(["-n", SYSTEM_NS, "get", "pods", "-l", "app.kubernetes.io/name=room-recorder"])).items;
  assert.equal(operatorPods.length, 2);
  assert.ok(operatorPods.some((p) => p.metadata.name === leader), `the holder ${leader} is one of the two pods`);
  // A hung leader (SIGSTOP: no renewals, no release) is the case the lease exists for. A plain
  // kill -9 would not test it: the kubelet restarts the container in the same pod, whose
  // identity (the pod name) simply renews its own lease.
  const pid = await containerPid(SYSTEM_NS, leader);
  assert.ok(pid);
  const hungAt = Date.now();
  process.kill(pid, "SIGSTOP");
  try {
    const next = await waitFor(async () => { const h = await holder(); return h && h !== leader && h; }, MINUTE, "the standby takes the lease");
    const seconds = (Date.now() - hungAt) / 1000;
    figures.leaderTakeoverSeconds = seconds;
    // Lease 15 s (never released) plus one 5 s retry of the standby, plus polling.
    assert.ok(seconds <= 22, `takeover in ${seconds} s`);
    assert.notEqual(next, leader);
  } finally {
    process.kill(pid, "SIGKILL");
  }
  // The killed one comes back in its pod and stands by; the new leader acts: a new publisher gets a worker.
  publishers.set("after-failover", await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "after-failover" }));
  await waitFor(async () => (await workerOf("after-failover"))?.status?.phase === "Running", 2 * MINUTE, "a worker started by the new leader");
  assert.notEqual(await holder(), leader, "the restarted replica did not take the lease back");
});

test("cluster - paused: every pod stops and finalizes its file; unpaused: recording again", { skip, timeout: 5 * MINUTE }, async () => {
  const wereift = (await workerOf("werift"))!;
  await kubectl(["-n", NS, "patch", "rrec", REC, "--type=merge", "-p", JSON.stringify({ spec: { paused: true } })]);
  await waitFor(async () => (await allPods()).length === 0, 2 * MINUTE, "every pod of the paused recording gone");
  assert.equal((await rrec()).status?.phase, "Paused");
  for (const id of ["werift", "gstreamer", "late"]) assert.equal(sidecarOf((await files(id)).at(-1)!).finalized, true, `${id}'s file finalized on pause`);
  await kubectl(["-n", NS, "patch", "rrec", REC, "--type=merge", "-p", JSON.stringify({ spec: { paused: false } })]);
  await waitFor(async () => { const p = await workerOf("werift"); return p && p.metadata.uid !== wereift.metadata.uid && p.status?.phase === "Running"; }, 2 * MINUTE, "werift recorded again after unpausing");
  await kubectl(["-n", NS, "wait", "--for=condition=Ready", `rrec/${REC}`, "--timeout=180s"]);
});

test("cluster - helm upgrade to a new image tag: the operator rolls, the signaler moves to the new image, recording goes on", { skip, timeout: 6 * MINUTE }, async () => {
  // Same content under a new tag, as a release pipeline would push: what matters is that every
  // pod the chart and the operator own follows the chart's tag.
  for (const repo of ["operator", "room-recorder"]) await tagImage(`ghcr.io/room-recorder/${repo}:${VERSION}`, `ghcr.io/room-recorder/${repo}:${UPGRADE_TAG}`);
  const signalerBefore = (await allPods()).find((p) => p.metadata.labels?.["app.kubernetes.io/component"] === "signaler")!;
  await recorder.helm(["upgrade", RELEASE, CHART_DIR, "--reuse-values", "--wait", "--timeout", "5m", "--set", `image.tag=${UPGRADE_TAG}`, "--set", `podImage.tag=${UPGRADE_TAG}`]);
  const operatorImages = (await kubectlJson<{ items: Pod[] }>(["-n", SYSTEM_NS, "get", "pods", "-l", "app.kubernetes.io/name=room-recorder"])).items
    .filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0]!.image);
  assert.deepEqual([...new Set(operatorImages)], [`ghcr.io/room-recorder/operator:${UPGRADE_TAG}`]);
  const signaler = await waitFor(async () => (await allPods()).find((p) =>
    p.metadata.labels?.["app.kubernetes.io/component"] === "signaler" && p.spec.containers[0]!.image.endsWith(`:${UPGRADE_TAG}`) && p.status?.phase === "Running"), 3 * MINUTE, "the signaler on the new image");
  assert.notEqual(signaler.metadata.uid, signalerBefore.metadata.uid);
  await kubectl(["-n", NS, "wait", "--for=condition=Ready", `rrec/${REC}`, "--timeout=180s"]);
});

test("cluster - delete: files finalized and whole, pods and ServiceAccount gone", { skip, timeout: 5 * MINUTE }, async () => {
  await kubectl(["-n", NS, "delete", "rrec", REC, "--wait=true", "--timeout=150s"]);
  await waitFor(async () => (await allPods()).length === 0, 2 * MINUTE, "all pods gone");
  await waitFor(async () => kubectl(["-n", NS, "get", "serviceaccount", `${REC}-recorder`]).then(() => false, () => true), 2 * MINUTE, "the ServiceAccount garbage-collected");
  for (const id of ["werift", "chromium", "gstreamer", "late"]) {
    const list = await files(id);
    assert.ok(list.length > 0, `${id} has files`);
    // Every file decodes; the last one was closed by the deletion (a kill -9 leaves its own
    // segment unfinalized, but playable: known-size clusters, docs/recording.md).
    for (const f of list) await assertAudioVideo(f);
    assert.equal(sidecarOf(list.at(-1)!).finalized, true, `${id}'s last file finalized`);
  }
});

test("cluster - helm uninstall with a live RoomRecording: the hook finalizes it, nothing is left on a finalizer", { skip, timeout: 6 * MINUTE }, async () => {
  await apply([{
    apiVersion: "room-recorder.dev/v1alpha1",
    kind: "RoomRecording",
    metadata: { name: ENCORE, namespace: NS },
    spec: recordingSpec(ENCORE),
  }]);
  await waitFor(async () => (await kubectlJson<{ metadata: { finalizers?: string[] } }>(["-n", NS, "get", "rrec", ENCORE])).metadata.finalizers?.length, MINUTE, "the operator took the new recording");
  await recorder.helm(["uninstall", RELEASE, "--wait", "--timeout", "5m"]);
  assert.equal((await kubectl(["get", "rrec", "--all-namespaces", "-o", "name"])).trim(), "", "no RoomRecording outlives the operator");
  assert.equal((await kubectl(["-n", NS, "get", "pods", "-o", "name"])).trim(), "", "no recording pod runs unmanaged");
  assert.equal((await kubectl(["-n", SYSTEM_NS, "get", "jobs,serviceaccounts", "-l", "app.kubernetes.io/instance=" + RELEASE, "-o", "name"])).trim(), "", "the hook cleaned up after itself");
});

const sidecarOf = (media: string) => JSON.parse(readFileSync(media.replace(/\.(webm|mkv)$/, ".json"), "utf8")) as { finalized: boolean };

/** A second name for an image already on the node (containerd's k8s.io namespace). */
async function tagImage(from: string, to: string): Promise<void> {
  await ctr(["images", "tag", "--force", from, to]);
}

async function assertAudioVideo(file: string): Promise<void> {
  const p = await probe(file);
  const kinds = p.streams.map((s) => s.type).sort();
  assert.deepEqual(kinds, ["audio", "video"], `${file}: one audio and one video track`);
  assert.equal(await decodeErrors(file), "", `${file} decodes without errors`);
}
