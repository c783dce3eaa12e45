/**
 * Plays signaler and handshake server between one stream worker's bus subjects and a real
 * werift test publisher (src/publisher ViewerPeer): on the worker's `ready` the publisher makes
 * its offer (as after `play`), the server rewrites `UUID` to the sender's, and every payload the
 * worker sends is checked to be a valid, correctly encrypted peer message.
 */
import assert from "node:assert/strict";
import type { Bus } from "../../src/bus/Bus.ts";
import { parseFromWorker, parseHeartbeat, type FromWorker, type Heartbeat } from "../../src/bus/messages.ts";
import { subjects, type SubjectScope } from "../../src/bus/subjects.ts";
import type { Logger } from "../../src/observability/logger.ts";
import { decodePeerPayload, deriveKey, normalizePassword, parsePeerMessage, type PayloadKey } from "../../src/protocol/index.ts";
import { DEFAULT_SALT } from "../../src/protocol/defaults.ts";
import { audioClip, videoClip, type PublishCodec } from "../../src/publisher/clips.ts";
import { MediaLoop } from "../../src/publisher/MediaLoop.ts";
import { ViewerPeer, type OfferMode } from "../../src/publisher/ViewerPeer.ts";

export const PUBLISHER_UUID = "publisher-uuid-P";
export const VIEWER_UUID = "recorder-uuid-R";

export interface WorkerRelayOptions {
  readonly bus: Bus;
  readonly scope: SubjectScope;
  readonly key: string;
  /** Raw room password as the user gives it; false = none. */
  readonly password: string | false;
  readonly offer: OfferMode;
  readonly codec: PublishCodec;
  readonly log: Logger;
}

export interface WorkerRelay {
  readonly fromWorker: FromWorker[];
  readonly heartbeats: Heartbeat[];
  /** Why each publisher connection closed, in order. */
  readonly publisherClosed: string[];
  /** The current publisher connection, once the worker said `ready`. */
  publisher(): ViewerPeer | undefined;
  /** Start a new publisher connection with a new session (the publisher rebuilt its pc). */
  rebuild(session: string): void;
  stop(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export function startWorkerRelay(o: WorkerRelayOptions): WorkerRelay {
  const normalized = normalizePassword(o.password);
  const payloadKey: PayloadKey | undefined = normalized === false ? undefined : deriveKey(normalized, DEFAULT_SALT);
  const media = new MediaLoop([videoClip(o.codec), audioClip()]);
  media.start();
  const fromWorker: FromWorker[] = [];
  const heartbeats: Heartbeat[] = [];
  const publisherClosed: string[] = [];
  let current: ViewerPeer | undefined;
  const toWorker = subjects.toWorker(o.scope, o.key);
  const connect = (session: string) => {
    current = new ViewerPeer({
      viewerUuid: VIEWER_UUID, session, streamId: o.key, wireStreamId: o.key, key: payloadKey, offer: o.offer, codec: o.codec, media, log: o.log,
      sendSocket: (payload) => o.bus.publish(toWorker, { type: "peer", uuid: PUBLISHER_UUID, payload: { ...payload, UUID: PUBLISHER_UUID } }),
      onMediaStarted: () => undefined,
      onClosed: (_peer, reason) => publisherClosed.push(reason),
    });
  };
  const subs = [
    o.bus.subscribe(subjects.status(o.scope, o.key), (m) => {
      const hb = parseHeartbeat(m.data);
      if (hb) heartbeats.push(hb);
    }),
    o.bus.subscribe(subjects.fromWorker(o.scope, o.key), (m) => {
      const msg = parseFromWorker(m.data);
      assert.ok(msg, `worker published a malformed message: ${JSON.stringify(m.data)}`);
      fromWorker.push(msg);
      if (msg.type === "ready" && !current) connect("sess1");
      if (msg.type === "peer") {
        assert.equal(msg.uuid, PUBLISHER_UUID);
        const parsed = parsePeerMessage({ ...msg.payload, UUID: VIEWER_UUID }, { requireUUID: true });
        assert.ok(parsed.ok, `worker sent an invalid peer message: ${JSON.stringify(msg.payload)}`);
        if (payloadKey) assert.ok(!("description" in msg.payload) || typeof msg.payload.description === "string", "description must be encrypted");
        const decoded = decodePeerPayload(parsed.msg, payloadKey);
        assert.ok(decoded.ok, decoded.ok ? "" : decoded.error);
        current?.handleSocketMessage(decoded.msg);
      }
    }),
  ];
  const stop = () => {
    for (const s of subs) s.unsubscribe();
    current?.close("relay stopped", false);
    media.close();
  };
  return {
    fromWorker, heartbeats, publisherClosed,
    publisher: () => current,
    rebuild: (session) => {
      current?.close("rebuilt", false);
      connect(session);
    },
    stop,
    [Symbol.asyncDispose]: async () => stop(),
  };
}
