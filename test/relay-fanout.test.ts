/** The fan-out relay (spec §7.2) as a real process with real `ws` clients: filters and error texts. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connectRelayClient, startRelayProcess, type RelayClient, type RelayProcess } from "./harness/relay.ts";

let relay: RelayProcess;
const clients: RelayClient[] = [];
let seq = 0;
const fresh = (p: string) => `${p}${++seq}`;

async function client(): Promise<RelayClient> {
  const c = await connectRelayClient(relay.url);
  clients.push(c);
  return c;
}
/** Waits until every client has received what the relay sent so far. */
async function settle(...cs: RelayClient[]): Promise<void> {
  for (const c of cs) await c.barrier();
}

before(async () => {
  relay = await startRelayProcess({ dialect: "fanout" });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await relay.stop();
});

test("relay fanout - a frame without from gets 'missing from field'", async () => {
  const a = await client();
  a.send({ request: "joinroom", roomid: "r" });
  assert.deepEqual(await a.next((m) => "error" in m, "error"), { error: "missing from field" });
});

test("relay fanout - a uuid already bound by a live socket gets 'uuid already in use'", async () => {
  const id = fresh("U");
  const a = await client();
  a.send({ from: id, request: "joinroom", roomid: fresh("room") });
  await settle(a);
  const b = await client();
  b.send({ from: id, request: "joinroom", roomid: fresh("room") });
  assert.deepEqual(await b.next((m) => "error" in m, "error"), { error: "uuid already in use" });
});

test("relay fanout - frames reach the same room only, verbatim; UUID targets one peer", async () => {
  const room = fresh("room");
  const [a, b, c, outsider] = [await client(), await client(), await client(), await client()];
  a.send({ from: "A" + room, request: "joinroom", roomid: room });
  b.send({ from: "B" + room, request: "joinroom", roomid: room });
  c.send({ from: "C" + room, request: "joinroom", roomid: room });
  outsider.send({ from: "O" + room, request: "joinroom", roomid: fresh("other") });
  await settle(a, b, c, outsider);
  const start = [a, b, c, outsider].map((x) => x.received.length);

  const broadcast = { from: "A" + room, roomid: room, request: "seed", streamID: "s" + room };
  a.send(broadcast);
  assert.deepEqual(await b.next((m) => m.request === "seed", "seed at b", start[1]), broadcast);
  await c.next((m) => m.request === "seed", "seed at c", start[2]);

  a.send({ from: "A" + room, UUID: "C" + room, roomid: room, description: "x" });
  await c.next((m) => m.description === "x", "directed at c", start[2]);
  await settle(a, b, c, outsider);
  assert.equal(b.received.slice(start[1]).some((m) => m.description === "x"), false, "not for b");
  assert.equal(outsider.received.length, start[3], "nothing crosses rooms");
  assert.equal(a.received.length, start[0], "nothing echoes to the sender");
});

test("relay fanout - sid errors and play reaching only the owner", async () => {
  const room = fresh("room");
  const sid = fresh("cam");
  const owner = await client();
  const thief = await client();
  const viewer = await client();
  owner.send({ from: "P" + room, request: "joinroom", roomid: room, streamID: sid });
  thief.send({ from: "T" + room, request: "joinroom", roomid: room });
  viewer.send({ from: "V" + room, request: "joinroom", roomid: room });
  await settle(owner, thief, viewer);
  owner.send({ from: "P" + room, request: "seed", streamID: sid + "2" });
  assert.deepEqual(await owner.next((m) => "error" in m, "sid change"), { error: "can't change sid" });
  thief.send({ from: "T" + room, request: "seed", streamID: sid });
  assert.deepEqual(await thief.next((m) => "error" in m, "sid theft"), { error: "sid already in use" });

  const thiefBefore = thief.received.length;
  viewer.send({ from: "V" + room, request: "play", streamID: sid, roomid: room });
  await owner.next((m) => m.request === "play", "play at the owner");
  await settle(owner, thief, viewer);
  assert.equal(thief.received.slice(thiefBefore).some((m) => m.request === "play"), false);
});

test("relay fanout - garbage frames are ignored and the server keeps serving", async () => {
  const a = await client();
  for (const junk of ["{", "[]", "null", '"str"']) a.sendRaw(junk);
  await settle(a);
  assert.deepEqual(a.received, []);
  a.send({ request: "x" });
  assert.deepEqual(await a.next((m) => "error" in m, "still answering"), { error: "missing from field" });
});
