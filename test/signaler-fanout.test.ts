/**
 * The signaler in the fan-out dialect (spec §2.7) against our fan-out relay, with a publisher at
 * the WebSocket level: a publisher already in the room offers on the recorder's `joinroom`,
 * before the stream has a worker. That offer and its ICE must reach the worker once it is
 * ready, and no `play` may follow (docs/interop.md "Findings": a publisher with a pending
 * connection ignores it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { DEFAULT_PASSWORD } from "../src/protocol/defaults.ts";
import { roomId, wireStreamId } from "../src/protocol/hash.ts";
import { normalizePassword } from "../src/protocol/sanitize.ts";
import { startFakeWorker } from "./harness/fakeWorker.ts";
import { connectRelayClient, startRelay } from "./harness/relay.ts";
import { joinedKeys, startSignalerRig } from "./harness/signalerRig.ts";
import { waitFor } from "./harness/wait.ts";

const WAIT = 15_000;
const password = normalizePassword(DEFAULT_PASSWORD);
const ROOM = roomId("myroom", password, "vdo.ninja");

test("signaler fanout - an offer made before the worker exists is held and handed to it on ready, instead of a play", async () => {
  await using relay = await startRelay({ port: 0, dialect: "fanout", log: pino({ level: "silent" }) });
  await using pub = await connectRelayClient(relay.url);
  const me = "PUBLISHER000000000001";
  const wireId = wireStreamId("early", password, "vdo.ninja");
  pub.send({ from: me, request: "joinroom", roomid: ROOM, streamID: wireId });
  await pub.barrier();

  await using rig = await startSignalerRig({ dialect: "fanout", relay });
  // The publisher treats the recorder's joinroom as offerSDP (spec §2.7) and offers at once.
  const join = await pub.next((m) => m.request === "joinroom", "the recorder's joinroom");
  const recorder = String(join.from);
  const offer = { session: "s1", streamID: wireId, description: "offer-hex", vector: "00".repeat(16) };
  const ice = { session: "s1", type: "local", candidates: "ice-hex", vector: "11".repeat(16) };
  pub.send({ from: me, UUID: recorder, roomid: ROOM, ...offer });
  pub.send({ from: me, UUID: recorder, roomid: ROOM, ...ice });
  await waitFor(() => joinedKeys(rig.events).includes("early"), WAIT, "stream announced from the offer");
  assert.deepEqual(rig.events.find((e) => e.type === "joined"), { type: "joined", stream: { key: "early", streamId: "early", wireId, uuid: me } });
  // Both messages have reached the signaler before the worker starts (the relay is in order).
  const sent = pub.received.length;
  await pub.barrier();

  using worker = startFakeWorker(rig.bus, rig.scope, "early");
  worker.ready();
  const peer = await waitFor(() => (worker.received.filter((m) => m.type === "peer").length >= 2 ? worker.received : false), WAIT, "held messages at the worker");
  assert.deepEqual(peer, [
    { type: "peer", uuid: me, payload: { UUID: me, ...offer } },
    { type: "peer", uuid: me, payload: { UUID: me, ...ice } },
  ]);

  // The worker's answer reaches the publisher; no play was sent for the stream.
  worker.sendPeer(me, { session: "s1", description: "answer-hex", vector: "22".repeat(16) });
  const answer = await pub.next((m) => m.description === "answer-hex", "answer at the publisher");
  assert.equal(answer.from, recorder);
  assert.equal(answer.UUID, me);
  await pub.barrier();
  assert.deepEqual(pub.received.slice(sent).filter((m) => m.request === "play"), [], "no play for a stream whose publisher already offered");
  assert.equal(pub.received.some((m) => m.request === "play"), false);

  // ICE after the hand-over goes straight to the worker.
  pub.send({ from: me, UUID: recorder, roomid: ROOM, ...ice, candidates: "ice-hex-2" });
  await waitFor(() => worker.received.some((m) => m.type === "peer" && m.payload.candidates === "ice-hex-2"), WAIT, "later ICE at the worker");
});

test("signaler fanout - a stream announced by joinroom with no offer is played once its worker is ready", async () => {
  await using rig = await startSignalerRig({ dialect: "fanout" });
  await waitFor(() => rig.signaler.signaling === "connected", WAIT, "signaler joined");
  await using pub = await connectRelayClient(rig.relay.url);
  const me = "PUBLISHER000000000002";
  const wireId = wireStreamId("late", password, "vdo.ninja");
  pub.send({ from: me, request: "joinroom", roomid: ROOM, streamID: wireId });
  await waitFor(() => joinedKeys(rig.events).includes("late"), WAIT, "stream announced from joinroom");
  using worker = startFakeWorker(rig.bus, rig.scope, "late");
  worker.ready();
  const play = await pub.next((m) => m.request === "play", "play at the publisher");
  assert.equal(play.streamID, wireId);
  assert.equal(worker.received.filter((m) => m.type === "peer").length, 0);
});
