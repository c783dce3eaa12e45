/**
 * The official-dialect relay as a real process, driven by real `ws` clients: the pins of
 * spec §7.3 (`vdoninja_advanced.js` test/server.test.js) plus §7.4 robustness.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connectRelayClient, startRelay, startRelayProcess, type RelayClient, type RelayProcess } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import {
  decodePeerPayload, deriveKey, joinRoomMessage, normalizePassword, parseSocketMessage, playMessage, roomId, sdpMessage, seedMessage, wireStreamId,
} from "../src/protocol/index.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let relay: RelayProcess;
const clients: RelayClient[] = [];
let roomSeq = 0;

async function client(): Promise<RelayClient> {
  const c = await connectRelayClient(relay.url);
  clients.push(c);
  return c;
}
const fresh = (prefix: string) => `${prefix}${++roomSeq}`;
const isRequest = (name: string) => (m: Record<string, unknown>) => m.request === name;

before(async () => {
  relay = await startRelayProcess({ dialect: "official" });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await relay.stop();
});

test("relay official - a directed message reaches its target with the sender's 36-char server UUID, forged from removed", async () => {
  const room = fresh("room");
  const b = await client();
  b.send({ request: "joinroom", roomid: room });
  await b.next(isRequest("listing"), "b listing");
  const a = await client();
  a.send({ request: "joinroom", roomid: room });
  const listing = await a.next(isRequest("listing"), "a listing");
  const bId = (listing.list as Array<{ UUID: string }>)[0]?.UUID;
  assert.match(String(bId), UUID_RE);
  const joined = await b.next(isRequest("someonejoined"), "someonejoined");
  a.send({ UUID: bId, from: "forged", session: "s1", candidates: [] });
  const got = await b.next((m) => m.session === "s1", "relayed message");
  assert.deepEqual(got, { UUID: joined.UUID, session: "s1", candidates: [] });
  assert.match(String(got.UUID), UUID_RE);
});

test("relay official - repeat seeds are silent, a renamed seed gets the alert text", async () => {
  const a = await client();
  const id = fresh("cam");
  a.send({ request: "seed", streamID: id });
  a.send({ request: "seed", streamID: id });
  await a.barrier();
  assert.deepEqual(a.received, []);
  a.send({ request: "seed", streamID: `${id}x` });
  assert.deepEqual(await a.next(isRequest("alert"), "alert"), { request: "alert", message: "Stream ID cannot change on an existing connection." });
});

test("relay official - a stream id in use is refused, and reusable once its owner disconnects", async () => {
  const id = fresh("cam");
  const owner = await client();
  owner.send({ request: "seed", streamID: id });
  await owner.barrier();
  const other = await client();
  other.send({ request: "seed", streamID: id });
  assert.deepEqual(await other.next(isRequest("alert"), "in-use alert"), { request: "alert", message: "Stream ID is already in use." });
  await owner.close();
  await waitFor(async () => {
    const before = other.received.length;
    other.send({ request: "seed", streamID: id });
    await other.barrier();
    return other.received.length === before;
  }, 15_000, "seed accepted after the owner left");
});

test("relay official - play before seed is served on seed", async () => {
  const id = fresh("late");
  const viewer = await client();
  viewer.send({ request: "play", streamID: id });
  await viewer.barrier();
  const publisher = await client();
  publisher.send({ request: "seed", streamID: id });
  const offer = await publisher.next(isRequest("offerSDP"), "offerSDP");
  assert.match(String(offer.UUID), UUID_RE);
  assert.deepEqual(viewer.received, [], "nothing goes back to the viewer");
});

test("relay official - claimed empty room listing is exact; the second member sees the director; videoaddedtoroom reaches it", async () => {
  const room = fresh("claimed");
  const director = await client();
  director.send({ request: "joinroom", roomid: room, claim: true });
  assert.deepEqual(await director.next(isRequest("listing"), "director listing"), { request: "listing", list: [], claim: true });
  const guest = await client();
  guest.send({ request: "joinroom", roomid: room });
  const listing = await guest.next(isRequest("listing"), "guest listing");
  const list = listing.list as Array<{ UUID: string }>;
  assert.equal(list.length, 1);
  assert.equal(listing.director, list[0]?.UUID);
  const joined = await director.next(isRequest("someonejoined"), "someonejoined");
  guest.send({ request: "seed", streamID: fresh("guestcam") });
  const added = await director.next(isRequest("videoaddedtoroom"), "videoaddedtoroom");
  assert.equal(added.UUID, joined.UUID);
});

test("relay official - play is queued across rooms and served within the room", async () => {
  const room = fresh("r");
  const id = fresh("cam");
  const publisher = await client();
  publisher.send({ request: "joinroom", roomid: room });
  publisher.send({ request: "seed", streamID: id });
  const outsider = await client();
  outsider.send({ request: "joinroom", roomid: fresh("elsewhere") });
  outsider.send({ request: "play", streamID: id });
  await outsider.barrier();
  await publisher.barrier();
  assert.equal(publisher.received.filter(isRequest("offerSDP")).length, 0, "no offer for a viewer in another room");
  const member = await client();
  member.send({ request: "joinroom", roomid: room });
  const listing = await member.next(isRequest("listing"), "listing");
  assert.deepEqual(listing.list, [{ UUID: (listing.list as Array<{ UUID: string }>)[0]?.UUID, streamID: id }]);
  member.send({ request: "play", streamID: id });
  await publisher.next(isRequest("offerSDP"), "offerSDP for the member");
});

test("relay official - a recorder's handshake with the protocol builders: hashed ids, encrypted offer decoded", async () => {
  const password = normalizePassword("s3cr3t pass");
  assert.ok(password);
  const key = deriveKey(password, "vdo.ninja");
  const room = roomId(fresh("hashed"), password, "vdo.ninja");
  const wire = wireStreamId("camera1", password, "vdo.ninja");
  const publisher = await client();
  publisher.send(joinRoomMessage(room));
  await publisher.next(isRequest("listing"), "publisher listing");
  publisher.send(seedMessage(wire));
  await publisher.barrier();
  const recorder = await client();
  recorder.send(joinRoomMessage(room));
  const listing = parseSocketMessage(await recorder.next(isRequest("listing"), "recorder listing"));
  assert.ok(listing.ok && listing.msg.from === "server" && listing.msg.msg.kind === "listing");
  const member = listing.msg.msg.list[0];
  assert.equal(member?.streamID, wire);
  recorder.send(playMessage(wire));
  const offerSdp = await publisher.next(isRequest("offerSDP"), "offerSDP");
  const offer = { type: "offer", sdp: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n" } as const;
  publisher.send(sdpMessage({ uuid: String(offerSdp.UUID), session: "s1", streamID: wire, description: offer, key }));
  const raw = await recorder.next((m) => m.session === "s1", "encrypted offer");
  assert.equal(typeof raw.description, "string", "ciphertext on the wire");
  const parsed = parseSocketMessage(raw);
  assert.ok(parsed.ok && parsed.msg.from === "peer");
  assert.equal(parsed.msg.msg.UUID, member?.UUID);
  const decoded = decodePeerPayload(parsed.msg.msg, key);
  assert.ok(decoded.ok && decoded.msg.kind === "description" && decoded.msg.encrypted);
  assert.deepEqual(decoded.msg.description, offer);
});

test("relay official - garbage and oversize frames neither crash nor stop the server", async () => {
  const noisy = await client();
  for (const junk of ["not json", "[1,2]", "null", "42", '{"request":', '{"request":"ping"}', '{"UUID":{"x":1},"a":1}', '{"request":"seed","streamID":{"x":1}}']) {
    noisy.sendRaw(junk);
  }
  noisy.sendRaw(Buffer.from([0, 1, 2, 3]));
  await noisy.barrier();
  assert.deepEqual(noisy.received, []);

  const huge = await client();
  huge.sendRaw(JSON.stringify({ request: "ping", pad: "x".repeat(600 * 1024) }));
  assert.equal(await huge.closed, 1009, "closed with 'message too big'");

  const room = fresh("after");
  const a = await client();
  a.send({ request: "joinroom", roomid: room, claim: true });
  assert.deepEqual(await a.next(isRequest("listing"), "listing after abuse"), { request: "listing", list: [], claim: true });
  await noisy.barrier();
});

test("relay official - dropAll closes every client and the relay keeps accepting (in-process)", async () => {
  await using local = await startRelay({ port: 0, dialect: "official" });
  const a = await connectRelayClient(local.url);
  const b = await connectRelayClient(local.url);
  await waitFor(() => local.connections === 2, 15_000, "two connections");
  local.dropAll();
  await Promise.all([a.closed, b.closed]);
  await using c = await connectRelayClient(local.url);
  c.send({ request: "joinroom", roomid: "x", claim: true });
  assert.deepEqual(await c.next(isRequest("listing"), "listing"), { request: "listing", list: [], claim: true });
});

test("relay official - pings every client and drops one that never answers (in-process)", async () => {
  await using local = await startRelay({ port: 0, dialect: "official", pingIntervalMs: 200 });
  await using live = await connectRelayClient(local.url);
  const dead = await connectRelayClient(local.url, { autoPong: false });
  assert.equal(await dead.closed, 1006, "terminated without a close handshake");
  live.send({ request: "joinroom", roomid: "alive", claim: true });
  await live.next(isRequest("listing"), "the answering client is still served");
});

test("relay official - SIGTERM exits cleanly with code 0", async () => {
  const other = await startRelayProcess({ dialect: "official" });
  assert.equal(await other.stop(), 0);
});
