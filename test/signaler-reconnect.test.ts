import { test } from "node:test";
import assert from "node:assert/strict";
import { startSignalerRig, joinedKeys } from "./harness/signalerRig.ts";
import { startWsPublisher } from "./harness/wsPublisher.ts";
import { startFakeWorker } from "./harness/fakeWorker.ts";
import { waitFor } from "./harness/wait.ts";

const WAIT = 20_000;

test("signaler - reconnects after relay.dropAll(), rejoins, re-plays only unconnected streams, once", async () => {
  await using rig = await startSignalerRig();
  const pubA = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "camA" });
  const pubB = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "camB" });
  await waitFor(() => joinedKeys(rig.events).length === 2, WAIT, "both joined");
  using a = startFakeWorker(rig.bus, rig.scope, "camA");
  using b = startFakeWorker(rig.bus, rig.scope, "camB");
  a.ready();
  b.ready();
  await waitFor(() => pubA.offerRequests().length === 1 && pubB.offerRequests().length === 1, WAIT, "first plays");
  a.connected("peer-a"); // camA's media flows peer-to-peer; camB never got its offer answered

  const before = rig.events.length;
  rig.relay.dropAll();
  await Promise.all([pubA.client.closed, pubB.client.closed]);
  // camB's publisher comes back on a new socket; camA's does not (its P2P link lives on).
  await using pubB2 = await startWsPublisher(rig.relay.url, { room: "myroom", streamId: "camB" });

  await waitFor(() => rig.events.slice(before).some((e) => e.type === "signaling" && e.state === "connected" && e.reconnects === 1), WAIT, "signaling connected again");
  const after = rig.events.slice(before);
  assert.deepEqual(after.find((e) => e.type === "signaling"), { type: "signaling", state: "disconnected", reconnects: 0 }, "disconnected first");
  assert.ok(after.some((e) => e.type === "snapshot"), "a snapshot after the reconnect");
  await waitFor(() => a.received.some((m) => m.type === "hello") && b.received.some((m) => m.type === "hello"), WAIT, "hello to workers");
  b.ready(); // b answers hello: still waiting (same instance: must not cause a second play)
  a.connected("peer-a");

  await waitFor(() => pubB2.offerRequests().length === 1, WAIT, "camB played on the new socket");
  await rig.bus.flush();
  await pubB2.client.barrier();
  assert.equal(pubB2.offerRequests().length, 1, "exactly one play for camB");
  assert.ok(!rig.events.slice(before).some((e) => e.type === "left" && e.key === "camA"), "connected camA did not leave");
  const metrics = await rig.signaler.metrics.text();
  assert.match(metrics, /rr_signaler_messages_out_total\{type="play"\} 3\b/, "A once, B twice (once per socket)");
  assert.match(metrics, /rr_signaler_reconnects_total 1\b/);
  assert.match(metrics, /rr_signaler_socket_connected 1\b/);
});
