import { RTCPeerConnection, type DtlsKeys, type RTCDataChannel } from "werift";
import type { WorkerConfig } from "../config/types.ts";
import type { RecorderEvent } from "../media/types.ts";
import type { Logger } from "../observability/logger.ts";
import {
  byeMessage, decodePeerPayload, iceMessage, keyframeRequestMessage, parseJsonFrame, parsePeerMessage, pingMessage, sdpMessage, settingsMessage,
  type DecodedPeerMessage, type IceCandidate, type Json, type PayloadKey, type SessionDescription,
} from "../protocol/index.ts";
import { acceptBundleOnly } from "./bundleOnly.ts";
import { createDtlsCertificate } from "./dtlsCertificate.ts";
import { IceBundler } from "./iceBundling.ts";
import { IceObserver } from "./IceObserver.ts";
import { DEFAULT_LIVENESS, Liveness } from "./liveness.ts";
import { MediaFeed } from "./MediaFeed.ts";
import { describeOffer, parseScreenIndexes, roleOf, type OfferShape } from "./offer.ts";
import { peerConfig, selectIceServers } from "./peerConfig.ts";
import type { WorkerRecorder } from "./recorderPort.ts";
import type { ConnectionId } from "./session.ts";
import type { WorkerMetrics } from "./WorkerMetrics.ts";

/** The one data channel we use (spec §4.1); `chunked` and file-transfer channels are ignored. */
const CONTROL_LABEL = "sendChannel";
/** What we call ourselves in the settings object (spec §8.3: operators can see who records). */
const RECORDER_LABEL = "room-recorder";
/**
 * One DTLS certificate per worker process, as werift keeps one, but made with node:crypto: given
 * keys, werift never loads its X.509 stack (issue 7, patches/README.md).
 */
let workerDtlsKeys: DtlsKeys | undefined;

export interface PeerSessionOptions {
  readonly id: ConnectionId;
  readonly config: WorkerConfig;
  readonly key: PayloadKey | undefined;
  readonly recorder: WorkerRecorder;
  readonly metrics: WorkerMetrics;
  readonly log: Logger;
  /** A handshake message for the publisher through the signaler's socket (UUID already set). */
  readonly sendViaBus: (payload: Json) => void;
  /** A valid message that arrived on `sendChannel`, decrypted. */
  readonly onDataChannelMessage: (msg: DecodedPeerMessage) => void;
  readonly onConnected: () => void;
  /** The publisher is gone (connection failed/closed, disconnected too long, no media, pings). */
  readonly onLost: (why: string) => void;
  readonly onRecorderEvent: (e: RecorderEvent) => void;
}

/**
 * One RTCPeerConnection with one publisher session (spec §2.6): answers its offers (the first
 * and every renegotiation, serialized and applied only in `stable`, spec §4.6), trickles ICE
 * both ways, runs `sendChannel`, feeds the recorder and watches liveness.
 */
export class PeerSession {
  readonly id: ConnectionId;
  readonly recorder: WorkerRecorder;
  readonly #o: PeerSessionOptions;
  readonly #pc: RTCPeerConnection;
  readonly #ice: IceBundler;
  readonly #feed: MediaFeed;
  readonly #liveness: Liveness;
  /** Candidate types, the selected pair, and why ICE failed if it did. */
  readonly ice: IceObserver;
  #dc: RTCDataChannel | undefined;
  #shape: OfferShape = { media: [], dataChannel: false };
  #screen: ReadonlySet<number> = new Set();
  /** Offers and remote ICE run one after another, in arrival order. */
  #chain: Promise<void> = Promise.resolve();
  #connected = false;
  #closed = false;
  /** Candidates werift gathered before our first answer went out: a browser rejects ICE that
   * arrives before the answer ("remote description was null"), seen under load in
   * test/interop-chromium.test.ts. Undefined once the answer is sent. */
  #beforeAnswer: IceCandidate[] | undefined = [];

  constructor(o: PeerSessionOptions) {
    this.#o = o;
    this.id = o.id;
    this.recorder = o.recorder;
    workerDtlsKeys ??= createDtlsCertificate();
    this.#pc = new RTCPeerConnection({ ...peerConfig(o.config.ice, o.config.preferCodec), dtls: { keys: workerDtlsKeys } });
    this.ice = new IceObserver(this.#pc, selectIceServers(o.config.ice.iceServers).find((s) => /^turns?:/i.test(s.urls)));
    this.#ice = new IceBundler((candidates) => this.send(iceMessage({ uuid: o.id.uuid, session: o.id.session, candidates, key: o.key })), () => this.dataChannelOpen);
    this.#liveness = new Liveness(
      { ...DEFAULT_LIVENESS, inactivityMs: o.config.inactivityMs },
      (value) => this.sendOnDataChannel(pingMessage(value)),
      (why) => this.#lost(why),
    );
    this.#feed = new MediaFeed({
      pc: this.#pc,
      recorder: o.recorder,
      roleOf: (mid) => roleOf(this.#shape, mid, this.#screen),
      metrics: o.metrics,
      log: o.log,
      requestKeyframeOnDataChannel: () => this.sendOnDataChannel(keyframeRequestMessage()),
      onMedia: (at) => this.#liveness.media(at),
    });
    this.#pc.onIceCandidate.subscribe((c) => {
      if (!c?.candidate) return;
      this.ice.localCandidate(c.candidate);
      if (this.#beforeAnswer) this.#beforeAnswer.push(c.toJSON() as IceCandidate);
      else this.#ice.add(c.toJSON() as IceCandidate);
    });
    this.#pc.connectionStateChange.subscribe((state) => {
      o.metrics.connectionState(state);
      this.#liveness.connectionState(state);
      if (state === "connected" && !this.#connected) {
        this.#connected = true;
        o.onConnected();
      }
    });
    this.#pc.iceConnectionStateChange.subscribe((state) => o.metrics.iceState(state));
    this.#pc.onDataChannel.subscribe((dc) => this.#attachDataChannel(dc));
  }

  get connected(): boolean {
    return this.#connected;
  }

  get feedback(): { readonly nacks: number; readonly plis: number } {
    return this.#feed.feedback;
  }

  get dataChannelOpen(): boolean {
    return this.#dc?.readyState === "open";
  }

  get connectionState(): string {
    return this.#pc.connectionState;
  }

  /** Apply an offer (first or renegotiation) and answer it on the DC if open, else the bus. */
  applyOffer(description: SessionDescription, screen: readonly number[] | undefined): Promise<void> {
    return this.#enqueue("offer", async () => {
      if (description.type !== "offer") {
        this.#o.log.warn({ type: description.type }, "peer sent a non-offer description: ignored (we never offer)");
        return;
      }
      if (this.#pc.signalingState !== "stable") await this.#pc.signalingStateChange.watch((s) => s === "stable", 5000);
      this.#shape = describeOffer(description.sdp);
      this.#screen = parseScreenIndexes(screen);
      this.ice.remoteCandidates(description.sdp.match(/^a=candidate:/gm)?.length ?? 0);
      await this.#pc.setRemoteDescription({ type: description.type, sdp: acceptBundleOnly(description.sdp) });
      await this.#pc.setLocalDescription(await this.#pc.createAnswer());
      const sdp = this.#pc.localDescription?.sdp;
      if (sdp === undefined) throw new Error("werift produced no local description");
      this.send(sdpMessage({ uuid: this.id.uuid, session: this.id.session, description: { type: "answer", sdp }, key: this.#o.key }));
      const early = this.#beforeAnswer ?? [];
      this.#beforeAnswer = undefined;
      for (const c of early) this.#ice.add(c);
      this.#o.log.info({ media: this.#shape.media.map((m) => m.kind), dataChannel: this.#shape.dataChannel }, "answered offer");
    });
  }

  /** Remote ICE; end-of-candidates markers (empty `candidate`) are skipped (spec §2.4). */
  addCandidates(candidates: readonly IceCandidate[]): Promise<void> {
    return this.#enqueue("ice", async () => {
      for (const c of candidates) {
        if (c.candidate === "") continue;
        try {
          await this.#pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined });
          this.ice.remoteCandidates(1);
        } catch (err) {
          this.#o.log.warn({ err: String(err), sdpMid: c.sdpMid }, "remote ICE candidate rejected");
        }
      }
    });
  }

  /** Prefer the data channel once open (spec §2.5 step 7, §8.4). */
  send(payload: Json): void {
    if (this.#closed) return;
    if (!this.sendOnDataChannel(payload)) this.#o.sendViaBus(payload);
  }

  /** Returns false when the channel is not open. */
  sendOnDataChannel(payload: Json): boolean {
    const dc = this.#dc;
    if (this.#closed || !dc || dc.readyState !== "open") return false;
    try {
      dc.send(JSON.stringify(payload));
      return true;
    } catch (err) {
      this.#o.log.warn({ err: String(err) }, "data channel send failed");
      return false;
    }
  }

  requestKeyframe(trackId: string): void {
    this.#feed.requestKeyframe(trackId);
  }

  recorderEvent(e: RecorderEvent): void {
    if (e.type === "first-keyframe") this.#feed.firstKeyframe();
  }

  pong(value: unknown): void {
    this.#liveness.pong(value);
  }

  /** Tell the publisher we are leaving (spec §8.5). */
  sayBye(): void {
    this.sendOnDataChannel(byeMessage());
  }

  /** Stops everything but the recorder (the caller finalizes it). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ice.close();
    this.#liveness.close();
    this.#feed.close();
    await this.#pc.close().catch((err: unknown) => this.#o.log.debug({ err }, "pc.close failed"));
  }

  #enqueue(what: string, job: () => Promise<void>): Promise<void> {
    const run = async () => {
      if (this.#closed) return;
      try {
        await job();
      } catch (err) {
        this.#o.log.warn({ err: String(err), what }, "could not apply the publisher's signaling");
      }
    };
    this.#chain = this.#chain.then(run);
    return this.#chain;
  }

  #attachDataChannel(dc: RTCDataChannel): void {
    if (dc.label !== CONTROL_LABEL || this.#dc) {
      this.#o.log.debug({ label: dc.label }, "ignoring data channel");
      return;
    }
    this.#dc = dc;
    const opened = () => {
      this.#ice.flush();
      this.sendOnDataChannel(
        settingsMessage({ label: RECORDER_LABEL, screenVideo: this.#o.config.screenShare, screenAudio: this.#o.config.screenShare }),
      );
      this.#o.log.info("data channel open: settings sent");
    };
    dc.stateChanged.subscribe((state) => {
      if (state === "open") opened();
      if (state === "closed" && !this.#closed) this.#lost("data channel closed");
    });
    dc.onMessage.subscribe((data) => this.#onDataChannelData(data));
    if (dc.readyState === "open") opened();
  }

  #onDataChannelData(data: string | Buffer): void {
    if (this.#closed) return;
    if (typeof data !== "string") return; // binary = webp frames in image mode (spec §4.1)
    const frame = parseJsonFrame(data);
    const parsed = frame.ok ? parsePeerMessage(frame.msg, { requireUUID: false }) : frame;
    const decoded = parsed.ok ? decodePeerPayload(parsed.msg, this.#o.key) : parsed;
    if (!decoded.ok) {
      this.#o.log.warn({ error: decoded.error, bytes: data.length }, "malformed data channel message dropped");
      return;
    }
    this.#o.onDataChannelMessage(decoded.msg);
  }

  #lost(why: string): void {
    if (this.#closed) return;
    this.#o.onLost(why);
  }
}
