/**
 * One RTCPeerConnection from a test publisher to one viewer, behaving like the VDO.Ninja
 * publishers a recorder meets (spec §2.5):
 * - `media` offer mode: tracks in the first offer (Raspberry.Ninja, the SDK);
 * - `datachannel` mode: the first offer carries only `sendChannel`; tracks are added when the
 *   viewer's settings object arrives on it and the renegotiation offer goes over the DC with the
 *   unhashed stream id (the browser's habit, spec §2.5 steps 5–9, Appendix C).
 * - `screen`: a screen share like the browser's (spec §4.7): when the viewer's settings allow
 *   screen video, a second video track (the same clip) joins the SAME connection and every
 *   offer lists its sender index in `screen`.
 * Payloads are encrypted when a key is set; ICE goes in `type:"local"` bundles; the session is
 * checked on everything that comes back; pings are answered; `bye` ends it.
 *
 * Media: video starts for this viewer at the next keyframe of the shared loop once the
 * connection is up and the tracks are negotiated, and audio starts with it, so what the
 * publisher reports as published is exactly what a recorder can write.
 */
import { MediaStreamTrack, RTCPeerConnection, type RTCDataChannel, type RTCIceCandidate } from "werift";
import type { Logger } from "../observability/logger.ts";
import type { PayloadKey } from "../protocol/crypto.ts";
import type { Json } from "../protocol/fields.ts";
import { byeMessage, iceMessage, pongMessage, sdpMessage } from "../protocol/builders.ts";
import { decodePeerPayload, type DecodedPeerMessage } from "../protocol/payload.ts";
import { parsePeerMessage, type IceCandidate } from "../protocol/peerMessages.ts";
import type { PublishCodec } from "./clips.ts";
import type { MediaFrameEvent, MediaLoop } from "./MediaLoop.ts";
import { hostileDataChannelMessages } from "./hostile.ts";
import { publisherPeerConfig } from "./peerConfig.ts";
import type { IceServerConfig } from "../config/types.ts";

export type OfferMode = "media" | "datachannel";

export interface ViewerPeerOptions {
  readonly viewerUuid: string;
  readonly session: string;
  /** Base id (on the DC) and wire id (on the socket, spec §3.4). */
  readonly streamId: string;
  readonly wireStreamId: string;
  readonly key: PayloadKey | undefined;
  readonly offer: OfferMode;
  readonly codec: PublishCodec;
  /** STUN/TURN servers (werift uses the first of each). @default none: host candidates only */
  readonly iceServers?: readonly IceServerConfig[];
  readonly label?: string;
  /** Share a screen: add it for viewers whose settings say `allowscreenvideo` (spec §4.2, §4.7). */
  readonly screen?: boolean;
  /** Send hostile.ts's malformed messages on DC open (robustness tests). */
  readonly misbehave?: boolean;
  readonly media: MediaLoop;
  /** Directed message to the viewer through the handshake server (UUID already set). */
  readonly sendSocket: (msg: Json) => void;
  readonly log: Logger;
  readonly onMediaStarted: (peer: ViewerPeer, at: number) => void;
  readonly onClosed: (peer: ViewerPeer, reason: string) => void;
}

export interface ViewerStats {
  readonly viewer: string;
  readonly session: string;
  readonly mediaStartedAt?: number;
  readonly mediaEndedAt?: number;
  /**
   * Seconds of media sent, on the media clock (RTP timestamps of the first to the last frame,
   * plus that frame's length): what a recording of this connection should last, independent of
   * pacing jitter on a loaded machine.
   */
  readonly mediaSeconds: number;
  readonly packetsSent: number;
  readonly videoFramesSent: number;
}

/** The browser flushes its first ICE bundle 10 ms after the first candidate (spec §2.8). */
const ICE_BUNDLE_MS = 10;
const MAX_DC_MESSAGE_BYTES = 512 * 1024;
/** The SDK keeps at most 100 early candidates per peer (spec §2.6). */
const MAX_EARLY_ICE = 100;

export class ViewerPeer {
  readonly #o: ViewerPeerOptions;
  readonly #pc: RTCPeerConnection;
  readonly #dc: RTCDataChannel;
  readonly #log: Logger;
  #tracks: { audio?: MediaStreamTrack; video?: MediaStreamTrack; screen?: MediaStreamTrack } = {};
  /** Sender index of the screen track, listed in each offer's `screen` array (spec §4.7). */
  #screenSenderIndex: number | undefined;
  /** Set once an answer covering the tracks is applied: werift drops RTP before that. */
  #tracksNegotiated = false;
  #mediaStartedAt: number | undefined;
  #mediaEndedAt: number | undefined;
  #packetsSent = 0;
  readonly #spans = { audio: new MediaSpan(), video: new MediaSpan() };
  #videoFramesSent = 0;
  #unsubscribeMedia: (() => void) | undefined;
  #pendingIce: IceCandidate[] = [];
  #iceTimer: NodeJS.Timeout | undefined;
  #queue: Promise<void> = Promise.resolve();
  /** werift can deliver the viewer's first message before our side marks the channel open. */
  #dcUsable = false;
  /** Remote candidates that arrive before the answer (the viewer gathers while answering). */
  #earlyIce: IceCandidate[] = [];
  #closed = false;

  constructor(o: ViewerPeerOptions) {
    this.#o = o;
    this.#log = o.log.child({ peer: o.viewerUuid, session: o.session });
    this.#pc = new RTCPeerConnection(publisherPeerConfig(o.codec, o.iceServers));
    this.#dc = this.#pc.createDataChannel("sendChannel");
    this.#pc.onIceCandidate.subscribe((c) => this.#queueIce(c));
    this.#pc.connectionStateChange.subscribe((state) => {
      this.#log.debug({ state }, "connection state");
      if (state === "failed" || state === "closed") this.close(`connection ${state}`, false);
    });
    this.#dc.stateChanged.subscribe((state) => {
      if (state === "open") this.#onDataChannelOpen();
      if (state === "closed") this.close("data channel closed", false);
    });
    this.#dc.onMessage.subscribe((data) => this.#onDataChannelMessage(data));
    this.#unsubscribeMedia = o.media.subscribe((frame) => this.#forward(frame));
    if (o.offer === "media") this.#addTracks({ audio: true, video: true, screen: false });
    this.#enqueue(() => this.#sendOffer());
  }

  get viewerUuid(): string {
    return this.#o.viewerUuid;
  }

  get session(): string {
    return this.#o.session;
  }

  get closed(): boolean {
    return this.#closed;
  }

  stats(): ViewerStats {
    return {
      viewer: this.#o.viewerUuid, session: this.#o.session, packetsSent: this.#packetsSent,
      mediaSeconds: Math.max(this.#spans.audio.seconds, this.#spans.video.seconds), videoFramesSent: this.#videoFramesSent,
      ...(this.#mediaStartedAt !== undefined ? { mediaStartedAt: this.#mediaStartedAt } : {}),
      ...(this.#mediaEndedAt !== undefined ? { mediaEndedAt: this.#mediaEndedAt } : {}),
    };
  }

  /** A directed message from this viewer that came over the socket (already parsed). */
  handleSocketMessage(msg: DecodedPeerMessage): void {
    this.#enqueue(() => this.#handle(msg, "socket"));
  }

  /** Idempotent. `sendBye` tells the viewer first (spec §4.3), as `session.closePC` does. */
  close(reason: string, sendBye = true): void {
    if (this.#closed) return;
    this.#closed = true;
    if (sendBye && this.#dcUsable) {
      try {
        this.#dc.send(JSON.stringify(byeMessage()));
      } catch (err) {
        this.#log.debug({ err }, "bye not sent");
      }
    }
    if (this.#mediaStartedAt !== undefined) this.#mediaEndedAt = Date.now();
    this.#unsubscribeMedia?.();
    clearTimeout(this.#iceTimer);
    this.#log.info({ reason, packetsSent: this.#packetsSent }, "viewer connection closed");
    // Give the bye a moment to leave before the SCTP association goes.
    setTimeout(() => void this.#pc.close().catch(() => undefined), sendBye ? 100 : 0).unref();
    this.#o.onClosed(this, reason);
  }

  #enqueue(step: () => Promise<void>): void {
    this.#queue = this.#queue.then(step).catch((err: unknown) => {
      this.#log.warn({ err }, "peer step failed");
    });
  }

  /** Adds the wanted tracks not yet added, camera before screen as the browser orders its senders. */
  #addTracks(want: { audio: boolean; video: boolean; screen: boolean }): boolean {
    let added = false;
    for (const name of ["video", "audio", "screen"] as const) {
      if (!want[name] || this.#tracks[name]) continue;
      const track = new MediaStreamTrack({ kind: name === "audio" ? "audio" : "video" });
      this.#pc.addTransceiver(track, { direction: "sendonly" });
      this.#tracks[name] = track;
      // werift keeps media transceivers (not the data channel) in sender order.
      if (name === "screen") this.#screenSenderIndex = this.#pc.getTransceivers().length - 1;
      added = true;
    }
    return added;
  }

  async #sendOffer(): Promise<void> {
    if (this.#closed) return;
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    const { sdp, type } = this.#pc.localDescription!;
    const description = { sdp, type };
    const overDc = this.#dcUsable;
    // The browser hashes stream ids only on the socket (spec §2.5 note after step 11).
    const msg = {
      ...sdpMessage({
        session: this.#o.session, description, key: this.#o.key,
        streamID: overDc ? this.#o.streamId : this.#o.wireStreamId,
        uuid: this.#o.viewerUuid,
      }),
      // Beside the (sealed) description, in the clear, as the browser sends it (spec §2.5, §4.7).
      ...(this.#screenSenderIndex !== undefined ? { screen: [this.#screenSenderIndex] } : {}),
    };
    this.#log.debug({ via: overDc ? "dc" : "socket", tracks: Object.keys(this.#tracks) }, "offer sent");
    this.#send(msg, overDc);
  }

  #send(msg: Json, overDc: boolean): void {
    if (this.#closed) return;
    if (overDc) this.#dc.send(JSON.stringify(msg));
    else this.#o.sendSocket(msg);
  }

  #queueIce(candidate: RTCIceCandidate | undefined): void {
    if (!candidate || this.#closed) return;
    const json = candidate.toJSON();
    this.#pendingIce.push({ candidate: json.candidate ?? "", sdpMid: json.sdpMid ?? null, sdpMLineIndex: json.sdpMLineIndex ?? null });
    this.#iceTimer ??= setTimeout(() => {
      this.#iceTimer = undefined;
      const candidates = this.#pendingIce;
      this.#pendingIce = [];
      const overDc = this.#dcUsable;
      this.#send(iceMessage({ uuid: this.#o.viewerUuid, session: this.#o.session, candidates, direction: "local", key: this.#o.key }), overDc);
    }, ICE_BUNDLE_MS);
  }

  #onDataChannelOpen(): void {
    this.#dcUsable = true;
    this.#log.debug("sendChannel open");
    if (this.#o.misbehave) {
      for (const m of hostileDataChannelMessages()) {
        try {
          this.#dc.send(m);
        } catch (err) {
          this.#log.warn({ err: String(err) }, "hostile message not sent");
        }
      }
    }
    if (this.#o.label !== undefined) this.#dc.send(JSON.stringify({ info: { label: this.#o.label } }));
  }

  #onDataChannelMessage(data: string | Buffer): void {
    this.#dcUsable = true;
    if (typeof data !== "string" || data.length > MAX_DC_MESSAGE_BYTES) {
      this.#log.warn({ bytes: data.length }, "dropped a binary or oversized data-channel message");
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.#log.warn({ chars: data.length }, "dropped a data-channel message that is not JSON");
      return;
    }
    const parsed = parsePeerMessage(value, { requireUUID: false });
    const decoded = parsed.ok ? decodePeerPayload(parsed.msg, this.#o.key) : parsed;
    if (!decoded.ok) {
      this.#log.warn({ error: decoded.error }, "dropped an invalid data-channel message");
      return;
    }
    this.#enqueue(() => this.#handle(decoded.msg, "dc"));
  }

  async #handle(msg: DecodedPeerMessage, via: "socket" | "dc"): Promise<void> {
    if (this.#closed) return;
    // A session that is not ours belongs to another (older) connection (spec §2.6).
    if (msg.session !== undefined && msg.session !== null && msg.session !== this.#o.session) {
      this.#log.warn({ via, got: msg.session }, "dropped a message for another session");
      return;
    }
    switch (msg.kind) {
      case "description":
        if (msg.description.type !== "answer") {
          this.#log.warn({ via, type: msg.description.type }, "dropped a description that is not an answer");
          return;
        }
        await this.#pc.setRemoteDescription(msg.description);
        await this.#addCandidates(this.#earlyIce.splice(0), "early");
        this.#tracksNegotiated = Object.keys(this.#tracks).length > 0;
        this.#log.debug({ via, tracksNegotiated: this.#tracksNegotiated }, "answer applied");
        return;
      case "candidates":
        if (this.#pc.remoteDescription) await this.#addCandidates(msg.candidates, via);
        else this.#earlyIce.push(...msg.candidates.slice(0, MAX_EARLY_ICE - this.#earlyIce.length));
        return;
      case "settings":
        // The viewer's media request (spec §4.2): add what it asks for and renegotiate; the screen
        // only if we share one and the viewer allows screen video (spec §4.7).
        if (this.#addTracks({ audio: msg.audio, video: msg.video, screen: (this.#o.screen ?? false) && msg.screenVideo })) await this.#sendOffer();
        return;
      case "ping":
        this.#send(pongMessage(msg.value), via === "dc");
        return;
      case "keyframe":
        this.#log.debug({ via }, "keyframe requested: pre-encoded media, the next one is at most 1 s away");
        return;
      case "bye":
      case "hangup":
        this.close(`viewer sent ${msg.kind}`, false);
        return;
      default:
        this.#log.debug({ via, kind: msg.kind }, "ignored a peer message");
    }
  }

  async #addCandidates(candidates: readonly IceCandidate[], via: string): Promise<void> {
    for (const c of candidates) {
      if (c.candidate === "") continue; // end-of-candidates marker (spec §2.4)
      await this.#pc.addIceCandidate(c).catch((err: unknown) => this.#log.warn({ err: String(err), via }, "remote candidate rejected"));
    }
  }

  #forward(frame: MediaFrameEvent): void {
    const track = frame.kind === "video" ? this.#tracks.video : this.#tracks.audio;
    // The shared screen shows the camera's clip: same frames, its own track (writeRtp clones).
    const screen = frame.kind === "video" ? this.#tracks.screen : undefined;
    if (!track || !this.#tracksNegotiated || this.#pc.connectionState !== "connected") return;
    if (this.#mediaStartedAt === undefined) {
      // Start on a keyframe (audio-only viewers start at once), like a fresh encoder would.
      const waitsForKeyframe = this.#tracks.video !== undefined && (frame.kind !== "video" || !frame.keyframe);
      if (waitsForKeyframe) return;
      this.#mediaStartedAt = Date.now();
      this.#log.info({ at: this.#mediaStartedAt }, "media started");
      this.#o.onMediaStarted(this, this.#mediaStartedAt);
    }
    for (const packet of frame.packets) {
      track.writeRtp(packet);
      screen?.writeRtp(packet);
    }
    this.#spans[frame.kind].add(frame.packets[0]!.header.timestamp, frame.clockRate, frame.frameTicks);
    this.#packetsSent += frame.packets.length;
    if (frame.kind === "video") this.#videoFramesSent++;
  }
}

/** Media-clock span of the frames sent on one track (uint32 RTP timestamp wrap-safe). */
class MediaSpan {
  #ticks = 0;
  #last: number | undefined;
  #clockRate = 1;
  #frameTicks = 0;

  add(timestamp: number, clockRate: number, frameTicks: number): void {
    if (this.#last !== undefined) this.#ticks += (timestamp - this.#last) >>> 0;
    this.#last = timestamp;
    this.#clockRate = clockRate;
    this.#frameTicks = frameTicks;
  }

  get seconds(): number {
    return this.#last === undefined ? 0 : (this.#ticks + this.#frameTicks) / this.#clockRate;
  }
}
