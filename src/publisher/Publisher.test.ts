/**
 * The test publisher against our relay and a minimal werift viewer (the recorder's werift
 * config, the protocol module's parsers and builders): both offer modes, the three password
 * variants, both dialects. Asserts that audio and video RTP arrive, the label and `bye` come
 * over the data channel, and the renegotiation offer carries the unhashed stream id.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { RTCPeerConnection, type RTCDataChannel } from "werift";
import { pino } from "pino";
import { startRelay } from "../relay/index.ts";
import { peerConfig } from "../stream-worker/peerConfig.ts";
import { deriveKey, type PayloadKey } from "../protocol/crypto.ts";
import { roomId } from "../protocol/hash.ts";
import { normalizePassword } from "../protocol/sanitize.ts";
import { parseSocketMessage } from "../protocol/serverMessages.ts";
import { parsePeerMessage } from "../protocol/peerMessages.ts";
import { decodePeerPayload, type DecodedPeerMessage } from "../protocol/payload.ts";
import { fromWire, newFanoutId, toWire } from "../protocol/dialect.ts";
import { iceMessage, joinRoomMessage, playMessage, sdpMessage, settingsMessage } from "../protocol/builders.ts";
import type { Json } from "../protocol/fields.ts";
import type { Dialect } from "../protocol/defaults.ts";
import { startPublisher, type PublisherEvent } from "./Publisher.ts";
import { waitFor } from "../../test/harness/wait.ts";

const quiet = pino({ level: "silent" });

// werift leaves UDP sockets bound after pc.close() (notes/werift.md §3), which would keep this
// test process alive forever once every test has finished.
after(() => setTimeout(() => process.exit(), 500).unref());

interface ViewerLog {
  rtp: { audio: number; video: number };
  offers: { via: "socket" | "dc"; streamID?: string; mlines: number; encrypted: boolean }[];
  dc: string[];
  close(): Promise<void>;
}

/** Just enough of a recorder to receive one stream. */
function startViewer(url: string, room: string, password: string | false, dialect: Dialect): ViewerLog {
  const pw = normalizePassword(password);
  const key: PayloadKey | undefined = pw === false ? undefined : deriveKey(pw, "vdo.ninja");
  const ctx = { selfId: newFanoutId(), roomId: roomId(room, pw, "vdo.ninja") };
  const ws = new WebSocket(url);
  const log: ViewerLog = { rtp: { audio: 0, video: 0 }, offers: [], dc: [], close: async () => {} };
  const send = (m: Json) => ws.send(JSON.stringify(toWire(dialect, m, ctx)));
  let pc: RTCPeerConnection | undefined;
  let publisher = "";
  let session: string | null = null;
  let queue = Promise.resolve();

  async function answer(msg: DecodedPeerMessage & { kind: "description" }, dc?: RTCDataChannel) {
    log.offers.push({ via: dc ? "dc" : "socket", mlines: (msg.description.sdp.match(/^m=/gm) ?? []).length, encrypted: msg.encrypted, ...(msg.streamID ? { streamID: msg.streamID } : {}) });
    await pc!.setRemoteDescription(msg.description);
    await pc!.setLocalDescription(await pc!.createAnswer());
    const reply = sdpMessage({ uuid: publisher, session, description: { type: "answer", sdp: pc!.localDescription!.sdp }, key });
    if (dc) dc.send(JSON.stringify(reply));
    else send(reply);
  }

  ws.on("open", () => send(joinRoomMessage(ctx.roomId)));
  ws.on("message", (data) => {
    const wire = fromWire(dialect, JSON.parse(data.toString()) as Json, ctx);
    if (!wire) return;
    const parsed = parseSocketMessage(wire);
    if (!parsed.ok) return;
    if (parsed.msg.from === "server") {
      const s = parsed.msg.msg;
      if (s.kind === "listing") for (const m of s.list) if (m.streamID) send(playMessage(m.streamID));
      if (s.kind === "videoaddedtoroom") send(playMessage(s.streamID));
      return;
    }
    const decoded = decodePeerPayload(parsed.msg.msg, key);
    if (!decoded.ok) return;
    const m = decoded.msg;
    queue = queue.then(async () => {
      if (m.kind === "description" && !pc) {
        publisher = m.UUID!;
        session = m.session ?? null;
        pc = new RTCPeerConnection(peerConfig({ iceServers: [], relayOnly: false }, undefined));
        pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe(() => log.rtp[t.kind as "audio" | "video"]++));
        pc.onDataChannel.subscribe((dc) => {
          const hello = () => dc.send(JSON.stringify(settingsMessage({ label: "test-viewer", screenAudio: false, screenVideo: false })));
          if (dc.readyState === "open") hello();
          else dc.stateChanged.subscribe((st) => st === "open" && hello());
          dc.onMessage.subscribe((raw) => {
            log.dc.push(raw.toString());
            const p = parsePeerMessage(JSON.parse(raw.toString()), { requireUUID: false });
            const d = p.ok ? decodePeerPayload(p.msg, key) : p;
            if (d.ok && d.msg.kind === "description") queue = queue.then(() => answer(d.msg as DecodedPeerMessage & { kind: "description" }, dc));
          });
        });
        await answer(m);
        // Candidates after the answer, as the recorder does (spec §2.4 example).
        for (const c of pc.localDescription!.sdp.match(/^a=candidate:.*$/gm) ?? []) {
          send(iceMessage({ uuid: publisher, session, candidates: [{ candidate: c.slice(2), sdpMid: "0", sdpMLineIndex: 0 }], key }));
        }
      } else if (m.kind === "candidates" && pc) {
        for (const c of m.candidates) await pc.addIceCandidate(c).catch(() => undefined);
      }
    });
  });
  log.close = async () => {
    ws.close();
    await pc?.close();
  };
  return log;
}

const cases: { name: string; offer: "media" | "datachannel"; password: string | false | undefined; dialect: Dialect; codec: "vp8" | "h264" }[] = [
  { name: "media offer, default password, VP8", offer: "media", password: undefined, dialect: "official", codec: "vp8" },
  { name: "data-channel-first offer, custom password, H.264", offer: "datachannel", password: "s3cr3t pass", dialect: "official", codec: "h264" },
  { name: "data-channel-first offer, no password, fan-out dialect", offer: "datachannel", password: false, dialect: "fanout", codec: "vp8" },
];

for (const c of cases) {
  test(`publisher - ${c.name}: media reaches a viewer, label and bye on the data channel`, async () => {
    await using relay = await startRelay({ port: 0, dialect: c.dialect, log: quiet });
    const events: PublisherEvent[] = [];
    const publisher = startPublisher({
      server: relay.url, room: "pubtest", streamId: "cam1", codec: c.codec, offer: c.offer, label: "Cam One",
      dialect: c.dialect, log: quiet, onEvent: (e) => events.push(e), ...(c.password !== undefined ? { password: c.password } : {}),
    });
    await waitFor(() => events.some((e) => e.type === "seeded"), 10_000, "seeded");
    const viewer = startViewer(relay.url, "pubtest", c.password ?? "", c.dialect);
    try {
      await waitFor(() => viewer.rtp.video > 30 && viewer.rtp.audio > 30, 20_000, "audio and video RTP at the viewer");
      const started = events.find((e) => e.type === "viewer-media");
      assert.ok(started, "publisher reported media start");
      assert.ok(viewer.dc.some((t) => JSON.parse(t).info?.label === "Cam One"), "label sent in info");
      const first = viewer.offers[0]!;
      assert.equal(first.via, "socket");
      assert.equal(first.encrypted, c.password !== false);
      if (c.offer === "media") {
        assert.equal(first.mlines, 3);
      } else {
        assert.equal(first.mlines, 1, "first offer carries only the data channel");
        const renegotiation = viewer.offers[1]!;
        assert.equal(renegotiation.via, "dc");
        assert.equal(renegotiation.mlines, 3);
        assert.equal(renegotiation.streamID, "cam1", "the DC offer carries the unhashed stream id");
      }
      await publisher.stop();
      await waitFor(() => viewer.dc.some((t) => JSON.parse(t).bye === true), 5_000, "bye on the data channel");
      const stats = publisher.stats();
      assert.ok(stats.packetsSent > 0 && stats.framesSent > 0);
      assert.equal(stats.viewers.length, 1);
      const v = stats.viewers[0]!;
      assert.ok(v.mediaEndedAt! > v.mediaStartedAt!);
      const wallSec = (v.mediaEndedAt! - v.mediaStartedAt!) / 1000;
      assert.ok(v.mediaSeconds > 0 && Math.abs(v.mediaSeconds - wallSec) < 0.5, `media clock ${v.mediaSeconds} s vs wall ${wallSec} s`);
    } finally {
      publisher.kill();
      await viewer.close();
    }
  });
}
