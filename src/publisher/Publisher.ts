/**
 * The werift test publisher: one handshake socket, one shared looping media source, one
 * `ViewerPeer` per viewer. It joins like the VDO.Ninja browser (spec Appendix C: joinroom →
 * listing → seed) and offers to whoever the server names in `offerSDP`; in the fan-out dialect
 * (spec §2.7) its joinroom carries the stream id and a viewer's joinroom or play means "offer".
 *
 * Stream ids are used as given (never sanitized): tests publish hostile ids on purpose.
 * The socket is not reconnected: a test publisher lives for one test; peers are P2P and keep
 * streaming if it drops.
 */
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { DEFAULT_SERVER, type IceServerConfig } from "../config/types.ts";
import { DEFAULT_SALT, type Dialect } from "../protocol/defaults.ts";
import { createRootLogger, type Logger } from "../observability/logger.ts";
import { joinRoomMessage, seedMessage } from "../protocol/builders.ts";
import { deriveKey, type PayloadKey } from "../protocol/crypto.ts";
import { fromWire, newFanoutId, toWire, type DialectContext } from "../protocol/dialect.ts";
import { isObject, type Json } from "../protocol/fields.ts";
import { roomId, wireStreamId } from "../protocol/hash.ts";
import { decodePeerPayload } from "../protocol/payload.ts";
import { normalizePassword } from "../protocol/sanitize.ts";
import { parseSocketMessage } from "../protocol/serverMessages.ts";
import { audioClip, videoClip, type Clip, type PublishCodec } from "./clips.ts";
import { MediaLoop, type MediaLoopStats } from "./MediaLoop.ts";
import { ViewerPeer, type OfferMode, type ViewerStats } from "./ViewerPeer.ts";

export interface PublisherOptions {
  /** @default DEFAULT_SERVER */
  readonly server?: string;
  readonly room: string;
  /** Base stream id, published as is. */
  readonly streamId: string;
  /** Raw password: undefined/"" = VDO.Ninja's default, `false`/"false" = none (spec §3.2). */
  readonly password?: string | false;
  /** @default DEFAULT_SALT */
  readonly salt?: string;
  /** @default "vp8" */
  readonly codec?: PublishCodec;
  /** Media to loop instead of the fixture clips of `codec` (bench/record.ts: 720p at 2.5 Mb/s). */
  readonly clips?: readonly Clip[];
  /** @default "media" */
  readonly offer?: OfferMode;
  readonly label?: string;
  /** Share a screen (a second video track) with viewers whose settings allow it (spec §4.7). */
  readonly screen?: boolean;
  /** Send malformed data-channel messages first (src/publisher/hostile.ts). */
  readonly misbehave?: boolean;
  /** @default "official" */
  readonly dialect?: Dialect;
  /** STUN/TURN servers for every viewer connection. @default none */
  readonly iceServers?: readonly IceServerConfig[];
  readonly log?: Logger;
  readonly onEvent?: (e: PublisherEvent) => void;
}

export type PublisherEvent =
  | { readonly type: "seeded"; readonly wireStreamId: string }
  | { readonly type: "viewer-connecting"; readonly viewer: string; readonly session: string }
  /** Media (from a keyframe) started flowing to this viewer. */
  | { readonly type: "viewer-media"; readonly viewer: string; readonly startedAt: number }
  | { readonly type: "viewer-ended"; readonly viewer: string; readonly reason: string; readonly stats: ViewerStats }
  | { readonly type: "server-alert"; readonly level: string; readonly message: string }
  | { readonly type: "socket-closed"; readonly code: number };

export interface PublisherStats extends MediaLoopStats {
  readonly viewers: readonly ViewerStats[];
}

export interface PublisherHandle {
  /** Sends `bye` to every viewer, then closes everything. Idempotent. */
  stop(): Promise<void>;
  /** Drops everything at once, no bye (what a crash looks like to viewers). */
  kill(): void;
  stats(): PublisherStats;
}

const MAX_FRAME_CHARS = 512 * 1024;
/** Time for the `bye` messages to leave before the connections close. */
const BYE_GRACE_MS = 200;

export function startPublisher(opts: PublisherOptions): PublisherHandle {
  return new Publisher(opts);
}

class Publisher implements PublisherHandle {
  readonly #o: PublisherOptions;
  readonly #log: Logger;
  readonly #dialect: Dialect;
  readonly #key: PayloadKey | undefined;
  readonly #wireId: string;
  readonly #ctx: { selfId: string; roomId: string; joined: boolean };
  readonly #media: MediaLoop;
  readonly #ws: WebSocket;
  readonly #peers = new Map<string, ViewerPeer>();
  readonly #ended: ViewerStats[] = [];
  #seeded = false;
  #closed = false;

  constructor(o: PublisherOptions) {
    this.#o = o;
    const password = normalizePassword(o.password);
    const salt = o.salt ?? DEFAULT_SALT;
    this.#dialect = o.dialect ?? "official";
    this.#key = password === false ? undefined : deriveKey(password, salt);
    this.#wireId = wireStreamId(o.streamId, password, salt);
    this.#ctx = { selfId: newFanoutId(), roomId: roomId(o.room, password, salt), joined: false };
    this.#log = (o.log ?? createRootLogger()).child({ component: "publisher", room: o.room, stream: o.streamId });
    const codec = o.codec ?? "vp8";
    this.#media = new MediaLoop(o.clips ?? [videoClip(codec), audioClip()]);
    this.#media.start();
    this.#ws = new WebSocket(o.server ?? DEFAULT_SERVER, { maxPayload: MAX_FRAME_CHARS });
    this.#ws.on("open", () => this.#onOpen());
    this.#ws.on("message", (data, isBinary) => this.#onFrame(data.toString(), isBinary));
    this.#ws.on("error", (err) => this.#log.warn({ err }, "handshake socket error"));
    this.#ws.on("close", (code) => {
      if (!this.#closed) this.#log.warn({ code }, "handshake socket closed");
      this.#o.onEvent?.({ type: "socket-closed", code });
    });
  }

  stats(): PublisherStats {
    return { ...this.#media.stats(), viewers: [...this.#ended, ...[...this.#peers.values()].map((p) => p.stats())] };
  }

  async stop(): Promise<void> {
    if (this.#closed) return;
    for (const peer of [...this.#peers.values()]) peer.close("publisher stopped", true);
    await new Promise((r) => setTimeout(r, BYE_GRACE_MS));
    this.kill();
  }

  kill(): void {
    if (this.#closed) return;
    for (const peer of [...this.#peers.values()]) peer.close("publisher killed", false);
    this.#closed = true;
    this.#media.close();
    this.#ws.terminate();
  }

  #context(): DialectContext {
    return this.#ctx.joined ? { selfId: this.#ctx.selfId, roomId: this.#ctx.roomId } : { selfId: this.#ctx.selfId };
  }

  #send(msg: Json): void {
    if (this.#ws.readyState !== WebSocket.OPEN) {
      this.#log.warn({ keys: Object.keys(msg) }, "handshake socket not open: message dropped");
      return;
    }
    this.#ws.send(JSON.stringify(toWire(this.#dialect, msg, this.#context())));
  }

  #onOpen(): void {
    this.#log.info({ server: this.#o.server ?? DEFAULT_SERVER, dialect: this.#dialect }, "handshake socket open");
    if (this.#dialect === "official") {
      this.#send(joinRoomMessage(this.#ctx.roomId));
      return;
    }
    // Fan-out: no listing; the joinroom itself announces the stream (spec §2.7).
    this.#send({ ...joinRoomMessage(this.#ctx.roomId), streamID: this.#wireId });
    this.#ctx.joined = true;
    this.#markSeeded();
  }

  #markSeeded(): void {
    this.#seeded = true;
    this.#log.info({ wireStreamId: this.#wireId }, "stream announced");
    this.#o.onEvent?.({ type: "seeded", wireStreamId: this.#wireId });
  }

  #onFrame(text: string, isBinary: boolean): void {
    if (this.#closed) return;
    let value: unknown;
    try {
      if (isBinary) throw new Error("binary frame");
      value = JSON.parse(text);
    } catch {
      this.#log.warn({ chars: text.length }, "dropped a handshake frame that is not a JSON text frame");
      return;
    }
    if (!isObject(value)) {
      this.#log.warn("dropped a handshake frame that is not a JSON object");
      return;
    }
    const msg = fromWire(this.#dialect, value, this.#context());
    if (msg === undefined) return;
    if (this.#dialect === "fanout" && this.#isFanoutOfferRequest(msg)) {
      this.#offerTo(msg.UUID as string);
      return;
    }
    const parsed = parseSocketMessage(msg);
    if (!parsed.ok) {
      this.#log.warn({ error: parsed.error }, "dropped an invalid handshake message");
      return;
    }
    if (parsed.msg.from === "peer") {
      const peerMsg = parsed.msg.msg;
      const peer = this.#peers.get(peerMsg.UUID!);
      if (!peer) {
        this.#log.debug({ peer: peerMsg.UUID, kind: peerMsg.kind }, "message from a peer we have no connection with");
        return;
      }
      const decoded = decodePeerPayload(peerMsg, this.#key);
      if (!decoded.ok) this.#log.warn({ peer: peerMsg.UUID, error: decoded.error }, "dropped an undecryptable peer message");
      else peer.handleSocketMessage(decoded.msg);
      return;
    }
    const server = parsed.msg.msg;
    switch (server.kind) {
      case "listing":
        // The browser seeds only after the listing (spec Appendix C, lib.js "seedPlz").
        if (!this.#seeded) {
          this.#send(seedMessage(this.#wireId));
          this.#markSeeded();
        }
        return;
      case "offerSDP":
        this.#offerTo(server.UUID);
        return;
      case "alert":
      case "warn":
      case "error":
        this.#log.warn({ level: server.kind, message: server.message }, "handshake server says");
        this.#o.onEvent?.({ type: "server-alert", level: server.kind, message: server.message });
        return;
      case "cleanup":
        if (server.UUID !== undefined) this.#peers.get(server.UUID)?.close("server cleanup", false);
        return;
      default:
        this.#log.debug({ kind: server.kind }, "ignored a server message");
    }
  }

  /** Fan-out: a newcomer's joinroom, or a play for our stream, asks us to offer (spec §2.7). */
  #isFanoutOfferRequest(msg: Json): boolean {
    if (typeof msg.UUID !== "string" || msg.UUID.length === 0 || msg.UUID.length > 128) return false;
    return msg.request === "joinroom" || (msg.request === "play" && msg.streamID === this.#wireId);
  }

  #offerTo(viewerUuid: string): void {
    // The browser ignores a second offerSDP while connected ("just being a keener", spec §8.2)
    // and drops a dead viewer only after 10 s disconnected (spec §4.6); werift notices a dead
    // peer only after ~25 s. A second play from the same viewer means its side is gone (a
    // restarted worker): replace the connection at once, so tests do not wait on consent timers.
    const existing = this.#peers.get(viewerUuid);
    if (existing && !existing.closed) {
      this.#log.info({ peer: viewerUuid }, "offer requested again by a connected viewer: replacing the connection");
      existing.close("viewer asked for a new connection", false);
    }
    const session = randomBytes(6).toString("base64url").slice(0, 8);
    this.#o.onEvent?.({ type: "viewer-connecting", viewer: viewerUuid, session });
    const peer = new ViewerPeer({
      viewerUuid, session, streamId: this.#o.streamId, wireStreamId: this.#wireId, key: this.#key,
      offer: this.#o.offer ?? "media", codec: this.#o.codec ?? "vp8", media: this.#media, log: this.#log,
      ...(this.#o.label !== undefined ? { label: this.#o.label } : {}),
      misbehave: this.#o.misbehave ?? false,
      ...(this.#o.iceServers ? { iceServers: this.#o.iceServers } : {}),
      screen: this.#o.screen ?? false,
      sendSocket: (m) => this.#send(m),
      onMediaStarted: (p, startedAt) => this.#o.onEvent?.({ type: "viewer-media", viewer: p.viewerUuid, startedAt }),
      onClosed: (p, reason) => {
        if (this.#peers.get(p.viewerUuid) === p) this.#peers.delete(p.viewerUuid);
        const stats = p.stats();
        this.#ended.push(stats);
        this.#o.onEvent?.({ type: "viewer-ended", viewer: p.viewerUuid, reason, stats });
      },
    });
    this.#peers.set(viewerUuid, peer);
  }
}
