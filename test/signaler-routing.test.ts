import { test } from "node:test";
import assert from "node:assert/strict";
import { startSignalerRig, joinedKeys } from "./harness/signalerRig.ts";
import { startWsPublisher } from "./harness/wsPublisher.ts";
import { startFakeWorker } from "./harness/fakeWorker.ts";
import { waitFor } from "./harness/wait.ts";
import { startRelay } from "./harness/relay.ts";
import { pino } from "pino";

const WAIT = 15_000;

test("signaler - joins with the hashed roomid, never seeds, and publishes listed streams", async () => {
  await using relay = await startRelay({ port: 0, dialect: "official", log: pino({ level: "silent" }) });
  // Joined before the recorder: it must see the recorder as a member without a stream.
  await using early = await startWsPublisher(relay.url, { room: "myroom", streamId: "cam1" });
  await using rig = await startSignalerRig({ relay });
  const joinedMsg = await early.client.next((m) => m.request === "someonejoined", "someonejoined for the recorder");
  assert.equal(joinedMsg.streamID, undefined, "the recorder joined without a streamID");
  await waitFor(() => rig.signaler.signaling === "connected", WAIT, "signaler joined");
  await using late = await startWsPublisher(relay.url, { room: "myroom", streamId: "cam2" });
  await waitFor(() => joinedKeys(rig.events).length === 2, WAIT, "both streams joined");
  assert.deepEqual(joinedKeys(rig.events).sort(), ["cam1", "cam2"]);
  const cam1 = rig.events.find((e) => e.type === "joined" && e.stream.key === "cam1");
  assert.ok(cam1?.type === "joined");
  const listedEarly = late.client.received.find((m) => m.request === "listing") as { list: Array<{ UUID: string; streamID?: string }> };
  assert.deepEqual(cam1.stream, { key: "cam1", streamId: "cam1", wireId: "cam1808d64", uuid: listedEarly.list.find((m) => m.streamID === "cam1808d64")?.UUID });
  // Never seeded: a seed would have produced videoaddedtoroom at the publishers.
  await late.client.barrier();
  await early.client.barrier();
  assert.equal([...early.client.received, ...late.client.received].filter((m) => m.request === "videoaddedtoroom" && m.UUID === joinedMsg.UUID).length, 0);
  assert.equal(listedEarly.list.find((m) => m.UUID === joinedMsg.UUID)?.streamID, undefined, "the recorder is listed without a stream");
  // roster.get answers with a snapshot
  const snap = (await rig.bus.request("rr.local.myroom.roster.get", {}, { timeoutMs: WAIT })) as { type: string; streams: unknown[]; signaling: string };
  assert.equal(snap.type, "snapshot");
  assert.equal(snap.streams.length, 2);
  assert.equal(snap.signaling, "connected");
});

test("signaler - plays a stream only after its worker is ready, and only once", async () => {
  await using rig = await startSignalerRig();
  await using pub = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "cam1" });
  await waitFor(() => joinedKeys(rig.events).includes("cam1"), WAIT, "cam1 joined");
  await pub.client.barrier();
  assert.deepEqual(pub.offerRequests(), [], "no play before ready");
  using worker = startFakeWorker(rig.bus, rig.scope, "cam1");
  worker.ready();
  await waitFor(() => pub.offerRequests().length === 1, WAIT, "offerSDP at the publisher");
  worker.ready(); // the same instance again (e.g. answering hello): no second play
  worker.connected("x");
  await rig.bus.flush();
  await pub.client.barrier();
  assert.equal(pub.offerRequests().length, 1);
});

test("signaler - routes by UUID both ways and drops messages from unknown peers", async () => {
  await using rig = await startSignalerRig();
  await using pub = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "cam1" });
  await using stranger = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "x", seed: false });
  await waitFor(() => joinedKeys(rig.events).includes("cam1"), WAIT, "cam1 joined");
  using worker = startFakeWorker(rig.bus, rig.scope, "cam1");
  worker.ready();
  const recorder = await waitFor(() => pub.offerRequests()[0], WAIT, "offerSDP");
  const pubUuid = (rig.events.find((e) => e.type === "joined") as { stream: { uuid: string } }).stream.uuid;

  pub.sendTo(recorder, { streamID: pub.wireId, session: "s1", description: "abcdef", vector: "00".repeat(16) });
  stranger.sendTo(recorder, { session: "s9", candidates: [] });
  const peer = await waitFor(() => worker.received.find((m) => m.type === "peer"), WAIT, "offer at the worker");
  assert.deepEqual(peer, { type: "peer", uuid: pubUuid, payload: { UUID: pubUuid, streamID: pub.wireId, session: "s1", description: "abcdef", vector: "00".repeat(16) } });

  worker.sendPeer(pubUuid, { session: "s1", description: "answer-hex", vector: "11".repeat(16) });
  const answer = await pub.client.next((m) => m.description === "answer-hex", "answer at the publisher");
  assert.equal(answer.UUID, recorder, "the server rewrote UUID to the sender: us");
  assert.equal(answer.session, "s1");
  await rig.bus.flush();
  assert.equal(worker.received.filter((m) => m.type === "peer").length, 1, "the stranger's message went nowhere");
});

test("signaler - a stream that left plays again when it comes back; a re-seed supersedes the old worker", async () => {
  await using rig = await startSignalerRig();
  const first = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "cam1" });
  await waitFor(() => joinedKeys(rig.events).includes("cam1"), WAIT, "cam1 joined");
  using w1 = startFakeWorker(rig.bus, rig.scope, "cam1");
  w1.ready();
  await waitFor(() => first.offerRequests().length === 1, WAIT, "first play");
  const uuid1 = (rig.events.find((e) => e.type === "joined") as { stream: { uuid: string } }).stream.uuid;
  w1.connected(uuid1);
  // The publisher reloads: its socket closes and a new one seeds the same stream.
  await first.close();
  await using second = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "cam1" });
  await waitFor(() => w1.received.some((m) => m.type === "stop"), WAIT, "stop to the old worker");
  assert.deepEqual(w1.received.find((m) => m.type === "stop"), { type: "stop", reason: "superseded" });
  const joins = rig.events.filter((e) => e.type === "joined");
  assert.equal(joins.length, 2);
  assert.notEqual((joins[1] as { stream: { uuid: string } }).stream.uuid, uuid1);
  w1.ended("superseded", uuid1);
  w1.stop();
  using w2 = startFakeWorker(rig.bus, rig.scope, "cam1");
  w2.ready();
  await waitFor(() => second.offerRequests().length === 1, WAIT, "play for the new publisher");

  // It leaves (bye), then comes back under yet another socket: joined again, played again.
  const uuid2 = (joins[1] as { stream: { uuid: string } }).stream.uuid;
  w2.connected(uuid2);
  w2.ended("bye", uuid2);
  await waitFor(() => rig.events.some((e) => e.type === "left" && e.uuid === uuid2), WAIT, "left event");
  await second.close();
  await using third = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "cam1" });
  await waitFor(() => joinedKeys(rig.events).length === 3, WAIT, "joined again");
  using w3 = startFakeWorker(rig.bus, rig.scope, "cam1");
  w3.ready();
  await waitFor(() => third.offerRequests().length === 1, WAIT, "played again");
});
