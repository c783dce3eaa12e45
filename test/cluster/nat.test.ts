/**
 * Issue 12's acceptance on the real node: publishers behind home NATs (infra/nat/: network
 * namespaces on this machine), worker pods behind the pod network's SNAT and then the node
 * router, coturn and the handshake relay on the "public" addresses (rrnat-public). The chart is
 * installed with its ICE values pointing at that coturn (STUN and TURN, credentials from a
 * Secret); some recordings override them with spec.ice. Publishers get STUN from a second server
 * (as browsers use Google's), so stopping the recorder's coturn leaves theirs alone. What each
 * case asserts comes from the worker itself (the selected candidate pair it logs when its peer
 * connection connects), from the RoomRecording's status, conditions and Events, from coturn's
 * log and from the files on the PersistentVolumeClaim (ffprobe/ffmpeg). Figures (time to
 * Recording, time to the ICE failure condition) are printed and written to
 * .cache/node/nat-figures.json for docs/deployment.md.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRecordingsClaim, installRecorder, type RecorderInstall } from "../harness/clusterInstall.ts";
import { startChromium, type ChromiumHarness } from "../harness/chromium.ts";
import { startCoturn, type Coturn } from "../harness/coturn.ts";
import { startGstPublisher } from "../harness/gstreamer.ts";
import { iceFailures, selectedPairs } from "../harness/iceLog.ts";
import { NAT, STUN_URL } from "../harness/natRig.ts";
import { natScript, natSkipReason } from "../harness/netns.ts";
import { stunProbeFromPod } from "../harness/podStunProbe.ts";
import { startPublisherProcess, type PublisherProcess } from "../harness/publisher.ts";
import { NODE_DIR, apply, ensureNode, kubectl, kubectlJson, realNodeMissing } from "../harness/realNode.ts";
import { startRelayProcess, type RelayProcess } from "../harness/relay.ts";
import { waitFor } from "../harness/wait.ts";
import { assertStreamRecorded, finalizedSegments } from "../interop/recordings.ts";
import type { SelectedPair } from "../../src/bus/messages.ts";
import type { RoomRecordingStatus, StreamStatus } from "../../src/operator/types.ts";

const skip = realNodeMissing() || natSkipReason() || false;
const NS = "natlab";
const MINUTE = 60_000;
/** The bound: the condition and the Event name the cause within 30 s of the publisher joining. */
const CAUSE_WITHIN_MS = 30_000;
const RECORD_SECONDS = 6;
const TURN_USER = "recorder";
const TURN_PASSWORD = "turn-secret-pw";
const TURN_URL = `turn:${NAT.publicIp}:3478`;
/** The publishers' STUN server (VDO.Ninja's defaults in a browser), not the recorder's coturn. */
const PUBLISHER_STUN = `stun:${NAT.publicIp2}:3478`;
const TURN_SECRET = "turn-credentials";
const TYPO_SECRET = "turn-credentials-typo";
const RECORDINGS = ["sym", "browsers", "eim", "relayonly", "turndown", "badcreds"].map((name) => ({ namespace: NS, name }));
/** What the chart is installed with (values.yaml `ice`): the coturn on the public address, no VDO.Ninja defaults (no internet here). */
const CHART_ICE = ["ice.useVdoNinjaDefaults=false", `ice.stun={${STUN_URL}}`, `ice.turn.urls={${TURN_URL}}`, `ice.turn.credentialsSecret=${TURN_SECRET}`];
const literal = (s: string) => s.replaceAll(".", "\\.");

let recorder: RecorderInstall;
let claim: { dir: string; remove(): Promise<void> };
let relay: RelayProcess;
let turn: Coturn | undefined;
let publisherStun: Coturn;
let chromium: ChromiumHarness | undefined;
const publishers: PublisherProcess[] = [];
const figures: Record<string, unknown> = {};

const startTurn = () => startCoturn({ netns: NAT.publicNs, listeningIps: [NAT.publicIp], relayIp: NAT.publicIp, port: 3478, username: TURN_USER, password: TURN_PASSWORD });
const turnSecret = (name: string, credential: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: NS }, stringData: { username: TURN_USER, credential } });

before(async () => {
  if (skip) return;
  process.stdout.write(`# the node under test:\n${await ensureNode()}`);
  natScript("down.sh");
  process.stdout.write(`# ${natScript("up.sh")}`);
  turn = await startTurn();
  publisherStun = await startCoturn({ netns: NAT.publicNs, listeningIps: [NAT.publicIp2], relayIp: NAT.publicIp2, port: 3478 });
  relay = await startRelayProcess({ netns: NAT.publicNs, args: ["--host", NAT.publicIp2] });
  recorder = await installRecorder({ release: "rrnat", recordings: RECORDINGS, set: CHART_ICE });
  claim = await createRecordingsClaim(NS);
  await apply([turnSecret(TURN_SECRET, TURN_PASSWORD), turnSecret(TYPO_SECRET, "not-the-password")]);
});

after(async () => {
  if (skip) return;
  for (const p of publishers) await p.kill().catch(() => undefined);
  await chromium?.stop();
  await kubectl(["-n", NS, "delete", "rrec", "--all", "--wait=true", "--timeout=120s"]).catch(() => undefined);
  await recorder?.remove();
  await claim?.remove();
  await relay?.stop().catch(() => undefined);
  await turn?.stop();
  await publisherStun?.stop();
  natScript("down.sh");
  mkdirSync(NODE_DIR, { recursive: true });
  writeFileSync(join(NODE_DIR, "nat-figures.json"), JSON.stringify(figures, null, 2));
  process.stdout.write(`# figures:\n${JSON.stringify(figures, null, 2)}\n`);
});

interface Pod {
  metadata: { name: string; annotations: Record<string, string> };
  spec: { containers: { args?: string[]; env?: { name: string; valueFrom?: { secretKeyRef?: { name: string } } }[] }[] };
}
interface Condition { type: string; status: string; reason: string; message: string }

const out = (name: string) => join(claim.dir, NS, name);
const status = async (name: string) => (await kubectlJson<{ status?: RoomRecordingStatus }>(["-n", NS, "get", "rrec", name])).status;
const streamOf = async (name: string, stream: string): Promise<StreamStatus | undefined> => (await status(name))?.streamStatuses?.find((s) => s.stream === stream);
/** The worker pods (every attempt still there) of one stream. */
const workerPods = async (name: string, stream: string) =>
  (await kubectlJson<{ items: Pod[] }>(["-n", NS, "get", "pods", "-l", `room-recorder.dev/recording=${name},app.kubernetes.io/component=worker`])).items
    .filter((p) => p.metadata.annotations["room-recorder.dev/stream-id"] === stream);

/** A RoomRecording of room `room-<name>` on the relay, recordings on the claim, its own NATS user. */
async function createRecording(name: string, spec: Record<string, unknown> = {}): Promise<void> {
  await apply([{
    apiVersion: "room-recorder.dev/v1alpha1",
    kind: "RoomRecording",
    metadata: { name, namespace: NS },
    spec: {
      room: `room-${name}`,
      server: relay.url,
      storage: { persistentVolumeClaim: { claimName: "recordings" } },
      nats: { credentialsSecretRef: { name: recorder.natsSecretOf({ namespace: NS, name }) } },
      ...spec,
    },
  }]);
}

/** Our werift publisher in a home LAN behind its NAT, with STUN as a browser has it. */
async function publish(name: string, home: keyof typeof NAT.home): Promise<{ publisher: PublisherProcess; stream: string; joinedAt: number }> {
  const stream = `${name}_${home}`;
  const publisher = await startPublisherProcess({ server: relay.url, room: `room-${name}`, streamId: stream, netns: NAT.home[home], stun: [PUBLISHER_STUN] });
  publishers.push(publisher);
  return { publisher, stream, joinedAt: Date.now() };
}

/** Waits for the stream's phase Recording; returns the seconds since `from`. */
async function recordingAfter(name: string, stream: string, from: number, timeoutMs = 2 * MINUTE): Promise<number> {
  await waitFor(async () => (await streamOf(name, stream))?.phase === "Recording", timeoutMs, `${name}/${stream} Recording`).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await kubectl(["-n", NS, "get", "rrec", name, "-o", "yaml"])}\n${await kubectl(["-n", NS, "get", "pods,events"])}`);
  });
  return (Date.now() - from) / 1000;
}

/** The candidate pairs the stream's worker pods selected, from their own logs (`kubectl logs`), and the logs. */
async function workerPairs(name: string, stream: string): Promise<{ pairs: SelectedPair[]; logs: string }> {
  let logs = "";
  for (const pod of await workerPods(name, stream)) logs += await kubectl(["-n", NS, "logs", pod.metadata.name]).catch(() => "");
  return { pairs: selectedPairs(logs), logs };
}

/**
 * Records a few seconds more, the publishers say bye, the workers finalize; then each stream's
 * files are checked (tracks, codecs, decoding, durations) and the recording deleted.
 */
async function finish(name: string, hangUp: () => Promise<unknown>, streams: Record<string, "vp8" | "h264">): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, RECORD_SECONDS * 1000));
  await hangUp();
  for (const [stream, codec] of Object.entries(streams)) {
    await waitFor(() => finalizedSegments(out(name), stream).length > 0, MINUTE, `${stream} finalized on the claim`);
    await assertStreamRecorded(out(name), stream, codec, RECORD_SECONDS / 2);
  }
  await kubectl(["-n", NS, "delete", "rrec", name, "--wait=true", "--timeout=120s"]);
}

/** Asserts every pair the stream's workers selected is relayed by coturn to the symmetric NAT's address. */
async function assertRelayedFromSym(name: string, stream: string): Promise<SelectedPair[]> {
  const { pairs, logs } = await workerPairs(name, stream);
  assert.ok(pairs.length >= 1, `no selected pair in ${stream}'s worker log\n${logs.slice(-3000)}`);
  for (const p of pairs) {
    assert.equal(p.local, "relay", JSON.stringify(p));
    assert.match(p.localAddress, new RegExp(`^${literal(NAT.publicIp)}:`), "relayed by coturn on the public address");
    assert.match(p.remoteAddress, /^203\.0\.113\.72:/, "the publisher as her symmetric NAT maps her");
  }
  assert.deepEqual(iceFailures(logs), []);
  return pairs;
}

/**
 * Waits for Degraded=True with `reason` and a Warning Event with it; returns when each was first
 * seen (ms), their messages, and the stream's status beside the condition.
 */
async function expectIceCause(name: string, stream: string, reason: string): Promise<{ conditionAt: number; eventAt: number; condition: string; event: string; stream?: StreamStatus }> {
  const seen: { conditionAt: number; eventAt: number; condition: string; event: string; stream?: StreamStatus } = { conditionAt: 0, eventAt: 0, condition: "", event: "" };
  await waitFor(async () => {
    if (!seen.conditionAt) {
      const st = await status(name);
      const c = st?.conditions?.find((x: Condition) => x.type === "Degraded" && x.status === "True" && x.reason === reason);
      if (c) Object.assign(seen, { conditionAt: Date.now(), condition: c.message, stream: st?.streamStatuses?.find((x) => x.stream === stream) });
    }
    if (!seen.eventAt) {
      const events = await kubectlJson<{ items: { type: string; reason: string; message: string }[] }>(["-n", NS, "get", "events", "--field-selector", `involvedObject.name=${name},involvedObject.kind=RoomRecording`]);
      const e = events.items.find((x) => x.type === "Warning" && x.reason === reason);
      if (e) Object.assign(seen, { eventAt: Date.now(), event: e.message });
    }
    return seen.conditionAt > 0 && seen.eventAt > 0;
  }, 3 * MINUTE, `${name}: Degraded=True ${reason} and a Warning Event`).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await kubectl(["-n", NS, "get", "rrec", name, "-o", "yaml"])}\n${await kubectl(["-n", NS, "get", "pods,events"])}`);
  });
  assert.equal(seen.stream?.phase, "Backoff", JSON.stringify(seen.stream));
  assert.equal(seen.stream?.reason, reason, "the stream's status names the cause");
  return seen;
}

test("nat cluster - a pod reaches the 'internet' through the pod network's SNAT and the node router: STUN maps it to 203.0.113.1, endpoint-independent", { skip, timeout: 2 * MINUTE }, async () => {
  const probe = await stunProbeFromPod(NS, [`${NAT.publicIp}:3478`, `${NAT.publicIp2}:3478`]);
  process.stdout.write(`# STUN from pod ${probe.podIp}: ${JSON.stringify(probe)}\n`);
  assert.match(probe.podIp, /^10\.244\./);
  assert.deepEqual(probe.mapped.map((m) => m.split(":")[0]), ["203.0.113.1", "203.0.113.1"], "both servers see the node router's address");
  assert.equal(probe.mapping, "endpoint-independent");
  figures.podStun = probe;
});

test("nat cluster - symmetric NAT, the chart's ICE values: recorded through TURN, the worker's selected pair is a relay pair", { skip, timeout: 5 * MINUTE }, async () => {
  await createRecording("sym");
  const allocationsBefore = turn!.stats().allocations;
  const { publisher, stream, joinedAt } = await publish("sym", "sym");
  const seconds = await recordingAfter("sym", stream, joinedAt);

  const [pod] = await workerPods("sym", stream);
  const container = pod!.spec.containers[0]!;
  assert.match(container.args!.join(" "), new RegExp(`--ice-server ${literal(TURN_URL)}( |$)`), "the chart's TURN URL, no credentials in the args");
  assert.match(container.args!.join(" "), new RegExp(`--ice-server ${literal(STUN_URL)}( |$)`), "the chart's STUN URL");
  assert.equal(container.env?.find((e) => e.name === "ICE_0_CREDENTIAL")?.valueFrom?.secretKeyRef?.name, TURN_SECRET, "TURN credentials from the chart's Secret");
  const pairs = await assertRelayedFromSym("sym", stream);
  const stats = turn!.stats();
  assert.ok(stats.allocations > allocationsBefore, JSON.stringify(stats));
  assert.ok(stats.peers.some((peer) => peer.startsWith("203.0.113.72:")), `coturn permissions ${JSON.stringify(stats.peers)}`);
  figures.symmetric = { recordingSeconds: seconds, pairs };
  process.stdout.write(`# symmetric NAT: Recording ${seconds} s after the publisher joined; pair ${JSON.stringify(pairs)}\n`);
  await finish("sym", () => publisher.stop(), { [stream]: "vp8" });
});

test("nat cluster - Chromium and GStreamer publishers behind the symmetric NAT, the chart's ICE values: each recorded through TURN", { skip, timeout: 5 * MINUTE }, async () => {
  await createRecording("browsers");
  chromium = await startChromium({ netns: NAT.home.sym });
  const joinedAt = Date.now();
  const browser = await chromium.publish({ relay: relay.url, room: "room-browsers", stream: "chromium", codec: "vp8", iceServers: [{ urls: PUBLISHER_STUN }] });
  const gst = await startGstPublisher({ relay: relay.url, room: "room-browsers", stream: "gstreamer", codec: "h264", netns: NAT.home.sym, stunServer: PUBLISHER_STUN.replace("stun:", "stun://") });
  try {
    const seconds: Record<string, number> = {};
    const pairs: Record<string, SelectedPair[]> = {};
    for (const stream of ["chromium", "gstreamer"]) {
      seconds[stream] = await recordingAfter("browsers", stream, joinedAt);
      pairs[stream] = await assertRelayedFromSym("browsers", stream);
    }
    figures.symmetricBrowsers = { recordingSeconds: seconds, pairs };
    process.stdout.write(`# Chromium and GStreamer behind the symmetric NAT: Recording after ${JSON.stringify(seconds)} s; pairs ${JSON.stringify(pairs)}\n`);
    await finish("browsers", () => Promise.all([browser.hangup(), gst.hangup()]), { chromium: "vp8", gstreamer: "h264" });
  } finally {
    await gst.stop();
    await chromium.stop();
  }
});

test("nat cluster - endpoint-independent NAT, STUN only (spec.ice): recorded through a server-reflexive pair, no TURN", { skip, timeout: 5 * MINUTE }, async () => {
  await createRecording("eim", { ice: { servers: [{ urls: [STUN_URL] }] } });
  const allocationsBefore = turn!.stats().allocations;
  const { publisher, stream, joinedAt } = await publish("eim", "eim");
  const seconds = await recordingAfter("eim", stream, joinedAt);

  const [pod] = await workerPods("eim", stream);
  assert.doesNotMatch(pod!.spec.containers[0]!.args!.join(" "), /turn:/, "spec.ice replaced the chart's servers: no TURN");
  const { pairs, logs } = await workerPairs("eim", stream);
  assert.ok(pairs.length >= 1, `no selected pair in the worker's log\n${logs.slice(-3000)}`);
  for (const p of pairs) {
    assert.notEqual(p.local, "relay", JSON.stringify(p));
    assert.ok(p.remote === "srflx" || p.remote === "prflx", `the publisher's NAT mapping: ${JSON.stringify(p)}`);
    assert.match(p.remoteAddress, /^203\.0\.113\.71:/, "the publisher as her endpoint-independent NAT maps her");
  }
  assert.equal(turn!.stats().allocations, allocationsBefore, "no TURN allocation");
  figures.endpointIndependent = { recordingSeconds: seconds, pairs };
  process.stdout.write(`# endpoint-independent NAT: Recording ${seconds} s after the publisher joined; pair ${JSON.stringify(pairs)}\n`);
  await finish("eim", () => publisher.stop(), { [stream]: "vp8" });
});

test("nat cluster - relay-only (spec.ice.relayOnly, the chart's TURN) with a publisher a direct pair would reach: every pair in use is a relay pair", { skip, timeout: 5 * MINUTE }, async () => {
  await createRecording("relayonly", { ice: { relayOnly: true } });
  const { publisher, stream, joinedAt } = await publish("relayonly", "eim");
  const seconds = await recordingAfter("relayonly", stream, joinedAt);

  const [pod] = await workerPods("relayonly", stream);
  assert.match(pod!.spec.containers[0]!.args!.join(" "), /--relay-only/);
  await new Promise((resolve) => setTimeout(resolve, RECORD_SECONDS * 1000));
  const { pairs, logs } = await workerPairs("relayonly", stream);
  assert.ok(pairs.length >= 1, `no selected pair in the worker's log\n${logs.slice(-3000)}`);
  for (const p of pairs) assert.equal(p.local, "relay", `a pair in use that is not relayed: ${JSON.stringify(p)}`);
  assert.ok(turn!.stats().peers.some((peer) => peer.startsWith("203.0.113.71:")), "coturn relays to the publisher's NAT address");
  figures.relayOnly = { recordingSeconds: seconds, pairs };
  process.stdout.write(`# relay-only: Recording ${seconds} s after the publisher joined; pairs ${JSON.stringify(pairs)}\n`);
  await finish("relayonly", () => publisher.stop(), { [stream]: "vp8" });
});

test("nat cluster - TURN unreachable (symmetric NAT, the chart's values): TurnUnreachable condition and Warning Event within 30 s; TURN back: recorded, the publisher joined once", { skip, timeout: 8 * MINUTE }, async () => {
  await createRecording("turndown");
  await turn!.stop();
  const { publisher, stream, joinedAt } = await publish("turndown", "sym");
  const said = await expectIceCause("turndown", stream, "TurnUnreachable");
  const conditionSeconds = (said.conditionAt - joinedAt) / 1000;
  const eventSeconds = (said.eventAt - joinedAt) / 1000;
  process.stdout.write(`# TURN unreachable: condition after ${conditionSeconds} s, Event after ${eventSeconds} s: ${said.condition}\n`);
  assert.ok(said.conditionAt - joinedAt <= CAUSE_WITHIN_MS, `condition after ${conditionSeconds} s`);
  assert.ok(said.eventAt - joinedAt <= CAUSE_WITHIN_MS, `Event after ${eventSeconds} s`);
  assert.match(said.event, new RegExp(stream), "the Event names the stream");
  assert.match(said.condition, /TURN/);

  turn = await startTurn();
  const backAt = Date.now();
  const recoveredSeconds = await recordingAfter("turndown", stream, backAt, 3 * MINUTE);
  const { pairs } = await workerPairs("turndown", stream);
  assert.ok(pairs.length >= 1 && pairs.every((p) => p.local === "relay"), JSON.stringify(pairs));
  assert.equal(publisher.events.filter((e) => e.event === "seeded").length, 1, "the publisher joined once");
  figures.turnUnreachable = { conditionSeconds, eventSeconds, recordingAfterTurnBackSeconds: recoveredSeconds, condition: said.condition };
  process.stdout.write(`# TURN unreachable: Recording ${recoveredSeconds} s after coturn came back\n`);
  await finish("turndown", () => publisher.stop(), { [stream]: "vp8" });
});

test("nat cluster - wrong TURN credentials (spec.ice, a Secret with a typo): TurnAuthFailed condition and Warning Event within 30 s; Secret fixed: recorded, the publisher joined once", { skip, timeout: 8 * MINUTE }, async () => {
  await createRecording("badcreds", { ice: { servers: [{ urls: [TURN_URL], credentialsSecretRef: { name: TYPO_SECRET } }, { urls: [STUN_URL] }] } });
  const { publisher, stream, joinedAt } = await publish("badcreds", "sym");
  const said = await expectIceCause("badcreds", stream, "TurnAuthFailed");
  const conditionSeconds = (said.conditionAt - joinedAt) / 1000;
  const eventSeconds = (said.eventAt - joinedAt) / 1000;
  process.stdout.write(`# wrong credentials: condition after ${conditionSeconds} s, Event after ${eventSeconds} s: ${said.condition}\n`);
  assert.ok(said.conditionAt - joinedAt <= CAUSE_WITHIN_MS, `condition after ${conditionSeconds} s`);
  assert.ok(said.eventAt - joinedAt <= CAUSE_WITHIN_MS, `Event after ${eventSeconds} s`);
  assert.match(said.event, new RegExp(stream), "the Event names the stream");

  // The fix a user makes: the Secret. A worker pod reads it when it starts: the next attempt has it.
  await apply([turnSecret(TYPO_SECRET, TURN_PASSWORD)]);
  const fixedAt = Date.now();
  const recoveredSeconds = await recordingAfter("badcreds", stream, fixedAt, 3 * MINUTE);
  const recordingPod = (await streamOf("badcreds", stream))?.pod;
  assert.ok(recordingPod && recordingPod !== said.stream?.pod, `a new worker pod (${recordingPod}) records, not the one that failed (${said.stream?.pod})`);
  const { pairs, logs } = await workerPairs("badcreds", stream);
  assert.ok(pairs.length >= 1 && pairs.every((p) => p.local === "relay"), JSON.stringify(pairs));
  assert.equal(publisher.events.filter((e) => e.event === "seeded").length, 1, "the publisher joined once");
  assert.doesNotMatch(logs, new RegExp(TURN_PASSWORD), "the TURN password leaked into a worker's log");
  figures.turnAuth = { conditionSeconds, eventSeconds, recordingAfterSecretFixedSeconds: recoveredSeconds, condition: said.condition };
  process.stdout.write(`# wrong credentials: Recording ${recoveredSeconds} s after the Secret was fixed\n`);
  await finish("badcreds", () => publisher.stop(), { [stream]: "vp8" });
});
