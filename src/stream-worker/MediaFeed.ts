import { RtcpSrPacket, type RTCPeerConnection, type RTCRtpReceiver, type RTCTrackEvent } from "werift";
import type { Logger } from "../observability/logger.ts";
import type { TrackRole } from "../media/types.ts";
import type { WorkerRecorder } from "./recorderPort.ts";
import type { WorkerMetrics } from "./WorkerMetrics.ts";
import { codecOfMime } from "./codecNames.ts";
import { ntpToUnixMs } from "./ntp.ts";
import { buildRemb, REMB_BITRATE_BPS, REMB_INTERVAL_MS } from "./remb.ts";

/** Ask for a keyframe when none was written this long after the first video packet. */
export const FIRST_KEYFRAME_GRACE_MS = 1000;

export interface MediaFeedOptions {
  readonly pc: RTCPeerConnection;
  readonly recorder: WorkerRecorder;
  /** Role of the track on `mid`, from the offer being applied (spec §4.7). */
  readonly roleOf: (mid: string | undefined) => TrackRole;
  readonly metrics: WorkerMetrics;
  readonly log: Logger;
  /** Sends `{"keyframe":true}` on the data channel if it is open (spec §4.5). */
  readonly requestKeyframeOnDataChannel: () => void;
  /** Every media packet: liveness and "last media" bookkeeping. */
  readonly onMedia: (atMs: number) => void;
}

interface FedTrack {
  readonly receiver: RTCRtpReceiver;
  readonly kind: "audio" | "video";
  ssrc?: number;
}

/**
 * Moves media from werift's tracks into the recorder: tracks are mapped by KIND, never by mid
 * number (mids depend on the settings, notes/werift-vdoninja.md "Renegotiation"), RTP goes to
 * `pushRtp` (RTX already unwrapped by werift; duplicates are the recorder's to drop), sender
 * reports go to `pushSenderReport` with NTP decoded correctly. It also sends REMB every second
 * once video flows, and PLI when the recorder (or the first-keyframe watchdog) asks.
 */
export class MediaFeed {
  readonly #o: MediaFeedOptions;
  readonly #tracks = new Map<string, FedTrack>();
  readonly #unsubscribes: Array<() => void> = [];
  /** Feedback we sent: NACK batches (werift's receiver) and keyframe requests. */
  readonly feedback = { nacks: 0, plis: 0 };
  #firstKeyframeSeen = false;
  #keyframeWatchdog: NodeJS.Timeout | undefined;
  #remb: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(o: MediaFeedOptions) {
    this.#o = o;
    const onTrack = (ev: RTCTrackEvent) => this.#onTrack(ev);
    o.pc.addEventListener("track", onTrack);
    this.#unsubscribes.push(() => o.pc.removeEventListener("track", onTrack));
  }

  /** The recorder wrote its first keyframe: stop the watchdog. */
  firstKeyframe(): void {
    this.#firstKeyframeSeen = true;
    clearTimeout(this.#keyframeWatchdog);
  }

  /** PLI on the track's receiver plus `{"keyframe":true}` on the DC (design "Recording"). */
  requestKeyframe(trackId: string): void {
    const t = this.#tracks.get(trackId) ?? [...this.#tracks.values()].find((x) => x.kind === "video");
    if (this.#closed || !t || t.ssrc === undefined) return;
    t.receiver.sendRtcpPLI(t.ssrc).catch((err: unknown) => this.#o.log.debug({ err }, "PLI not sent"));
    this.feedback.plis++;
    this.#o.metrics.pliSent();
    this.#o.requestKeyframeOnDataChannel();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#keyframeWatchdog);
    clearInterval(this.#remb);
    for (const u of this.#unsubscribes) u();
  }

  #onTrack(ev: RTCTrackEvent): void {
    const { track, transceiver } = ev;
    const mid = transceiver.mid ?? undefined;
    const kind = track.kind;
    const codecParams = track.codec;
    const log = this.#o.log.child({ mid, kind });
    if (this.#closed || (kind !== "audio" && kind !== "video")) return;
    const codec = codecParams ? codecOfMime(kind, codecParams.mimeType) : undefined;
    if (!codecParams || !codec) {
      log.warn({ mimeType: codecParams?.mimeType }, "track with a codec we cannot record: ignored");
      return;
    }
    const id = mid ?? `${kind}${this.#tracks.size}`;
    if (this.#tracks.has(id)) return;
    const role = this.#o.roleOf(mid);
    const sink = this.#o.recorder.addTrack({
      id,
      kind,
      codec,
      clockRate: codecParams.clockRate,
      ...(codecParams.channels !== undefined ? { channels: codecParams.channels } : {}),
      role,
    });
    const fed: FedTrack = { receiver: transceiver.receiver, kind };
    this.#tracks.set(id, fed);
    log.info({ codec, role }, "track added to the recording");

    const rtp = track.onReceiveRtp.subscribe((packet) => {
      if (this.#closed) return;
      const now = Date.now();
      // Padding-only packets carry no media and break werift-style depacketizers
      // (notes/werift-vdoninja.md "Padding bug").
      if (packet.payload.length === 0) return;
      const first = fed.ssrc === undefined;
      fed.ssrc = packet.header.ssrc;
      this.#o.metrics.rtp(kind, packet.payload.length);
      this.#o.onMedia(now);
      sink.pushRtp({
        sequenceNumber: packet.header.sequenceNumber,
        timestamp: packet.header.timestamp,
        marker: packet.header.marker,
        payloadType: packet.header.payloadType,
        ssrc: packet.header.ssrc,
        payload: packet.payload,
        arrivalMs: now,
      });
      if (first && kind === "video") this.#videoStarted(id);
    });
    const rtcp = track.onReceiveRtcp.subscribe((packet) => {
      if (this.#closed || !(packet instanceof RtcpSrPacket)) return;
      sink.pushSenderReport({ ntpMs: ntpToUnixMs(packet.senderInfo.ntpTimestamp), rtpTimestamp: packet.senderInfo.rtpTimestamp });
    });
    const lost = kind === "video" ? transceiver.receiver.onPacketLost.subscribe(() => {
      this.feedback.nacks++;
      this.#o.metrics.nackSent();
    }) : undefined;
    this.#unsubscribes.push(rtp.unSubscribe, rtcp.unSubscribe, () => lost?.unSubscribe());
  }

  #videoStarted(trackId: string): void {
    // The browser's first video packet is usually already a keyframe (notes: 35/35 runs), so a
    // PLI only when it is late.
    if (!this.#firstKeyframeSeen && !this.#keyframeWatchdog) {
      this.#keyframeWatchdog = setTimeout(() => {
        if (!this.#firstKeyframeSeen) this.requestKeyframe(trackId);
      }, FIRST_KEYFRAME_GRACE_MS);
    }
    this.#remb ??= setInterval(() => this.#sendRemb(), REMB_INTERVAL_MS);
    this.#sendRemb();
  }

  #sendRemb(): void {
    const video = [...this.#tracks.values()].filter((t) => t.kind === "video" && t.ssrc !== undefined);
    const first = video[0];
    if (this.#closed || !first) return;
    const packet = buildRemb(first.receiver.rtcpSsrc, video.map((t) => t.ssrc as number), REMB_BITRATE_BPS);
    first.receiver.dtlsTransport.sendRtcp([packet]).catch((err: unknown) => this.#o.log.debug({ err }, "REMB not sent"));
  }
}
