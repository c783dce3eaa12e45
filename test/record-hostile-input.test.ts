/**
 * Issue 2 acceptance: strangers cannot crash the recorder or steer its files.
 * - Peers: a raw WebSocket client in the room sends malformed, oversized and wrongly typed
 *   directed messages to the recorder and seeds a stream whose offers are garbage; a publisher
 *   sends garbage on the data channel (`--misbehave`) before behaving.
 * - The server: a hostile handshake server answers joinroom with malformed listings, binary and
 *   non-JSON frames, hostile stream ids and an oversized frame.
 * - Stream ids `../../x` and `a.b*>` are recorded inside the output directory under safe names.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket, { WebSocketServer } from "ws";
import { startRelayProcess } from "./harness/relay.ts";
import { listSegments, startRecorderProcess } from "./harness/recorder.ts";
import { startPublisherProcess, type PublisherProcess } from "./harness/publisher.ts";
import { probe } from "./harness/ffprobe.ts";
import { waitFor } from "./harness/wait.ts";
import { roomId, wireStreamId } from "../src/protocol/hash.ts";
import { DEFAULT_PASSWORD, DEFAULT_SALT } from "../src/protocol/defaults.ts";

const ROOM = "hostile_room";
const SAFE_DIR = /^[A-Za-z0-9_~-]+$/;

function warnings(stderr: string): string[] {
  return stderr.split("\n").filter((l) => /"level":40/.test(l));
}

/** A raw client in the room: returns once it has sent its garbage. */
async function rawClientAttack(url: string): Promise<void> {
  const ws = new WebSocket(url);
  const inbox: Record<string, unknown>[] = [];
  ws.on("message", (d) => inbox.push(JSON.parse(d.toString()) as Record<string, unknown>));
  await new Promise((r) => ws.once("open", r));
  const send = (v: unknown) => ws.send(typeof v === "string" ? v : JSON.stringify(v));
  send({ request: "joinroom", roomid: roomId(ROOM, DEFAULT_PASSWORD, DEFAULT_SALT) });
  const listing = await waitFor(() => inbox.find((m) => m.request === "listing"), 10_000, "listing for the raw client");
  const members = (listing.list as { UUID: string; streamID?: string }[]) ?? [];
  const recorder = members.find((m) => m.streamID === undefined)?.UUID;
  assert.ok(recorder, `the recorder is a member without a stream: ${JSON.stringify(members)}`);
  const to = (body: Record<string, unknown>) => send({ UUID: recorder, ...body });
  to({ description: 5 });
  to({ description: { type: "offer", sdp: 12 } });
  to({ description: { type: "offer", sdp: "v=0\r\n".padEnd(200_000, "x") } });
  to({ description: "abcd", vector: "not-a-vector" });
  to({ candidates: "00ff00ff00ff00ff00ff00ff00ff00ff", vector: "00112233445566778899aabbccddeeff", type: "local", session: "x" });
  to({ candidates: [{ candidate: 1 }], type: "local" });
  to({ session: { nested: true }, candidates: [] });
  to({ streamID: "../../../../etc/passwd", description: { type: "offer", sdp: "garbage" }, session: "s" });
  to({ bye: true }); // a stranger's bye must not end anyone's recording
  to({ ping: "x".repeat(10_000) });
  send("{not json");
  send(Buffer.from([0, 159, 146, 150]));
  // Seed a stream and answer the recorder's play with a garbage offer.
  send({ request: "seed", streamID: wireStreamId("evil", DEFAULT_PASSWORD, DEFAULT_SALT) });
  const offerReq = await waitFor(() => inbox.find((m) => m.request === "offerSDP"), 15_000, "the recorder to play the raw client's stream").catch(() => undefined);
  if (offerReq) {
    const viewer = offerReq.UUID as string;
    send({ UUID: viewer, session: "evil1", streamID: wireStreamId("evil", DEFAULT_PASSWORD, DEFAULT_SALT), description: { type: "offer", sdp: "v=0\r\nthis is not sdp\r\n" } });
    send({ UUID: viewer, session: "evil1", type: "local", candidates: [{ candidate: "candidate:garbage", sdpMid: "zz", sdpMLineIndex: 99 }] });
  }
  await sleep(1000);
  ws.close();
}

test("record - garbage from peers is dropped, hostile stream ids land inside the output directory", async () => {
  const root = mkdtempSync(join(tmpdir(), "rr-hostile-"));
  const out = join(root, "out");
  mkdirSync(out);
  await using relay = await startRelayProcess();
  const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir: out });
  const publishers: PublisherProcess[] = [];
  try {
    for (const [streamId, misbehave] of [["good", false], ["noisy", true], ["../../x", false], ["a.b*>", false]] as const) {
      publishers.push(await startPublisherProcess({ server: relay.url, room: ROOM, streamId, misbehave }));
    }
    await Promise.all(publishers.map((p) => p.mediaStarted()));
    await rawClientAttack(relay.url);
    await sleep(3000);
    for (const p of publishers) await p.stop();
    await waitFor(() => listSegments(out).filter((s) => s.sidecar?.finalized).length >= 4, 30_000, "four finalized segments");
    assert.equal(await recorder.stop(), 0, `the recorder survived and exited cleanly:\n${recorder.stderr().slice(-3000)}`);

    assert.deepEqual(readdirSync(root), ["out"], "nothing was written outside the output directory");
    const segments = listSegments(out).filter((s) => s.sidecar?.streamId !== "evil");
    const byId = new Map(segments.map((s) => [s.sidecar?.streamId, s]));
    for (const id of ["good", "noisy", "../../x", "a.b*>"]) {
      const seg = byId.get(id);
      assert.ok(seg, `${id} recorded; got ${segments.map((s) => `${s.relative} (${s.sidecar?.streamId})`)}`);
      assert.ok(!seg.relative.split("/").includes(".."), `${id}: ${seg.relative} stays inside`);
      assert.match(seg.streamDir, SAFE_DIR, `${id}: safe directory name`);
      const p = await probe(seg.file);
      assert.deepEqual(p.streams.map((s) => s.type).sort(), ["audio", "video"], `${id}: both tracks`);
    }
    assert.ok(warnings(recorder.stderr()).length > 0, "the dropped messages were logged");
  } finally {
    await Promise.all(publishers.map((p) => p.kill()));
    await recorder.stop();
  }
});

test("record - a hostile handshake server cannot crash the recorder or make it write outside its directory", async () => {
  const root = mkdtempSync(join(tmpdir(), "rr-hostile-server-"));
  const out = join(root, "out");
  mkdirSync(out);
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  let joins = 0;
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      let m: { request?: string };
      try {
        m = JSON.parse(data.toString()) as { request?: string };
      } catch {
        return;
      }
      if (m.request !== "joinroom") return;
      joins++;
      const frames: (string | Buffer)[] = [
        "not json at all",
        Buffer.from([1, 2, 3]),
        JSON.stringify([]),
        JSON.stringify({ request: 42 }),
        JSON.stringify({ request: "listing", list: "nope" }),
        JSON.stringify({ request: "listing", list: [{ UUID: 5 }, null, "x"] }),
        JSON.stringify({ request: "videoaddedtoroom", UUID: "u1" }),
        JSON.stringify({ request: "videoaddedtoroom", UUID: "u2", streamID: "../../../etc/passwd" }),
        JSON.stringify({ request: "videoaddedtoroom", UUID: "u3", streamID: "a.b*>\u0000" }),
        JSON.stringify({ request: "someonejoined", UUID: { toString: "x" } }),
        JSON.stringify({ UUID: "u4", description: { type: "offer", sdp: "garbage" }, session: "s" }),
        JSON.stringify({ UUID: "u2", description: "ffff", vector: "00112233445566778899aabbccddeeff", session: "s" }),
        JSON.stringify({ request: "alert", message: "x".repeat(100_000) }),
        "[".repeat(100_000) + "]".repeat(100_000),
      ];
      for (const f of frames) ws.send(f);
      // Last, a frame far above any sane handshake message (spec §1.4 caps browsers at 35,000 chars).
      if (joins === 1) ws.send(JSON.stringify({ request: "listing", list: [], pad: "x".repeat(4 * 1024 * 1024) }));
    });
  });
  const recorder = startRecorderProcess({ server: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, room: ROOM, outDir: out });
  try {
    await waitFor(() => joins >= 1, 20_000, "the recorder to join");
    await sleep(4000);
    assert.doesNotThrow(() => process.kill(recorder.pid, 0), "the recorder is still running");
    assert.equal(await recorder.stop(), 0, `the recorder survived and exited cleanly:\n${recorder.stderr().slice(-3000)}`);
    assert.deepEqual(readdirSync(root), ["out"], "nothing was written outside the output directory");
    assert.ok(warnings(recorder.stderr()).length > 0, "the malformed frames were logged");
  } finally {
    await recorder.stop();
    await new Promise((r) => wss.close(r));
  }
});
