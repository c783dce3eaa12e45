import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { startSignalerRig, joinedKeys } from "./harness/signalerRig.ts";
import { subjectToken } from "../src/bus/subjects.ts";
import { waitFor } from "./harness/wait.ts";

const WAIT = 15_000;
const SUFFIX = "808d64"; // default password, salt vdo.ninja (spec §3.6)

/** A scripted handshake "server": whatever the test sends, the signaler must survive. */
async function scriptedServer(): Promise<{ url: string; client: Promise<WebSocket>; received: unknown[]; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await once(wss, "listening");
  const received: unknown[] = [];
  const client = new Promise<WebSocket>((resolve) =>
    wss.on("connection", (ws) => {
      ws.on("message", (d) => received.push(JSON.parse(String(d))));
      resolve(ws);
    }),
  );
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    client,
    received,
    close: () => new Promise((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    }),
  };
}

test("signaler - malformed, oversize and wrongly typed frames are dropped; hostile ids get safe keys", async () => {
  const server = await scriptedServer();
  await using rig = await startSignalerRig({ url: server.url });
  const ws = await server.client;
  await waitFor(() => server.received.length >= 1, WAIT, "joinroom");
  assert.deepEqual(server.received[0], { request: "joinroom", roomid: "2f1a0139acdd5bdc" });

  const garbage: Array<string | Buffer> = [
    "not json",
    "[1,2,3]",
    "null",
    Buffer.from([0, 1, 2, 3]),
    JSON.stringify({ request: 5 }),
    JSON.stringify({ request: "listing", list: "nope" }),
    JSON.stringify({ request: "listing", list: [{ UUID: 7 }] }),
    JSON.stringify({ request: "videoaddedtoroom", UUID: "u", streamID: ["x"] }),
    JSON.stringify({ request: "warn", message: "x".repeat(600 * 1024) }),
    JSON.stringify({ UUID: 42, description: "x" }),
    JSON.stringify({ description: "no sender" }),
    JSON.stringify({ request: "videoaddedtoroom", UUID: "ctl", streamID: `bad\u0007id${SUFFIX}` }),
    JSON.stringify({ request: "videoaddedtoroom", UUID: "long", streamID: `${"y".repeat(2048)}${SUFFIX}` }),
    JSON.stringify({ request: "alert", message: "Room is full" }),
    JSON.stringify({ request: "offerSDP", UUID: "someone" }),
  ];
  for (const g of garbage) ws.send(g, { binary: Buffer.isBuffer(g) });
  ws.send(JSON.stringify({ request: "listing", list: [] }));

  const hostile = ["../../x", "a.b*>", "ünïcødé🎥", "a/b\\c", "z".repeat(40)];
  for (const [i, base] of hostile.entries()) ws.send(JSON.stringify({ request: "videoaddedtoroom", UUID: `h${i}`, streamID: `${base}${SUFFIX}` }));
  ws.send(JSON.stringify({ request: "videoaddedtoroom", UUID: "ok", streamID: `fine${SUFFIX}` }));

  await waitFor(() => joinedKeys(rig.events).includes("fine"), WAIT, "the last valid stream joined");
  const keys = joinedKeys(rig.events);
  assert.deepEqual(keys, [...hostile.map(subjectToken), "fine"], "only the valid announcements joined, in order");
  for (const k of keys) assert.match(k, /^[A-Za-z0-9_~-]{1,80}$/);
  const streams = rig.events.flatMap((e) => (e.type === "joined" ? [e.stream.streamId] : []));
  assert.deepEqual(streams, [...hostile, "fine"], "base ids are kept verbatim for sidecars");
  assert.equal(rig.signaler.signaling, "connected");
  assert.deepEqual(server.received.map((m) => (m as { request?: string }).request), ["joinroom"], "nothing but the join went out");
  const metrics = await rig.signaler.metrics.text();
  assert.match(metrics, /rr_signaler_frames_dropped_total\{reason="oversize"\} 1\b/);
  assert.match(metrics, /rr_signaler_frames_dropped_total\{reason="binary"\} 1\b/);
  assert.match(metrics, /rr_signaler_frames_dropped_total\{reason="malformed"\} 11\b/);
  await rig.stop();
  await server.close();
});

test("signaler - streams hashed with another password are reported, not announced", async () => {
  const server = await scriptedServer();
  await using rig = await startSignalerRig({ url: server.url });
  const ws = await server.client;
  ws.send(JSON.stringify({ request: "listing", list: [{ UUID: "p1", streamID: "camecdb38" }, { UUID: "p2", streamID: "plain" }, { UUID: "p3", streamID: `mine${SUFFIX}` }] }));
  await waitFor(() => joinedKeys(rig.events).includes("mine"), WAIT, "our stream joined");
  assert.deepEqual(joinedKeys(rig.events), ["mine"]);
  assert.equal(rig.signaler.foreignStreams, 2);
  await rig.stop();
  await server.close();
});
