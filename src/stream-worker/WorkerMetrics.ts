import { Counter, Gauge, Registry } from "prom-client";
import type { TrackKind } from "../media/types.ts";
import type { EndReason } from "../bus/messages.ts";

/**
 * The worker's Prometheus metrics (design "Observability"). One worker records one stream, so
 * labels stay low-cardinality: kind, state, reason; never stream ids or peers.
 */
const CONNECTION_STATES = ["new", "connecting", "connected", "disconnected", "failed", "closed"] as const;
const ICE_STATES = ["new", "checking", "connected", "completed", "disconnected", "failed", "closed"] as const;

/** Recorder totals the worker mirrors into counters (deltas are added at each heartbeat). */
export interface RecorderTotals {
  readonly framesWritten: number;
  readonly bytesWritten: number;
  readonly keyframes: number;
  readonly rotations: number;
  /** Files opened (rotations plus one per recorder that wrote anything). */
  readonly segments: number;
  readonly packetsLost: number;
}

export class WorkerMetrics {
  readonly registry = new Registry();
  /**
   * Per-packet counts are plain numbers, moved into the counters when scraped (`collect`):
   * prom-client hashes the label object on every `inc`, twice per packet (issue 7).
   */
  readonly #rtpCounts = { audio: { packets: 0, bytes: 0 }, video: { packets: 0, bytes: 0 } };
  readonly #rtpMirrored = { audio: { packets: 0, bytes: 0 }, video: { packets: 0, bytes: 0 } };
  readonly #packets: Counter = new Counter({
    name: "rr_worker_rtp_packets_total", help: "RTP packets received", labelNames: ["kind"], registers: [this.registry], collect: () => this.#mirrorRtp(),
  });
  readonly #bytes = new Counter({ name: "rr_worker_rtp_bytes_total", help: "RTP payload bytes received", labelNames: ["kind"], registers: [this.registry], collect: () => this.#mirrorRtp() });
  readonly #nacks = new Counter({ name: "rr_worker_nack_sent_total", help: "Generic NACK batches sent for lost video packets", registers: [this.registry] });
  readonly #plis = new Counter({ name: "rr_worker_pli_sent_total", help: "keyframe requests sent (RTCP PLI)", registers: [this.registry] });
  readonly #lost = new Counter({ name: "rr_worker_packets_lost_total", help: "RTP packets the recorder never received", registers: [this.registry] });
  readonly #keyframes = new Counter({ name: "rr_worker_keyframes_total", help: "video keyframes written", registers: [this.registry] });
  readonly #frames = new Counter({ name: "rr_worker_frames_written_total", help: "frames written to files", registers: [this.registry] });
  readonly #written = new Counter({ name: "rr_worker_bytes_written_total", help: "bytes written to files", registers: [this.registry] });
  readonly #rotations = new Counter({ name: "rr_worker_segment_rotations_total", help: "segments opened after the first", registers: [this.registry] });
  readonly #connection = new Gauge({ name: "rr_worker_connection_state", help: "1 for the peer connection's current state", labelNames: ["state"], registers: [this.registry] });
  readonly #ice = new Gauge({ name: "rr_worker_ice_state", help: "1 for the ICE connection's current state", labelNames: ["state"], registers: [this.registry] });
  readonly #ended = new Counter({ name: "rr_worker_ended_total", help: "connections ended, by reason", labelNames: ["reason"], registers: [this.registry] });
  #mirrored: RecorderTotals = { framesWritten: 0, bytesWritten: 0, keyframes: 0, rotations: 0, segments: 0, packetsLost: 0 };

  /** On the packet path: two additions, nothing else. */
  rtp(kind: TrackKind, payloadBytes: number): void {
    const c = this.#rtpCounts[kind];
    c.packets++;
    c.bytes += payloadBytes;
  }

  #mirrorRtp(): void {
    for (const kind of ["audio", "video"] as const) {
      const now = this.#rtpCounts[kind];
      const before = this.#rtpMirrored[kind];
      if (now.packets > before.packets) this.#packets.inc({ kind }, now.packets - before.packets);
      if (now.bytes > before.bytes) this.#bytes.inc({ kind }, now.bytes - before.bytes);
      this.#rtpMirrored[kind] = { ...now };
    }
  }

  nackSent(): void {
    this.#nacks.inc();
  }

  pliSent(): void {
    this.#plis.inc();
  }

  connectionState(state: string): void {
    for (const s of CONNECTION_STATES) this.#connection.set({ state: s }, s === state ? 1 : 0);
  }

  iceState(state: string): void {
    for (const s of ICE_STATES) this.#ice.set({ state: s }, s === state ? 1 : 0);
  }

  ended(reason: EndReason): void {
    this.#ended.inc({ reason });
  }

  /** Mirror the recorder's running totals; totals never go down, a new recorder adds to them. */
  recorder(totals: RecorderTotals): void {
    const add = (c: Counter, now: number, before: number) => {
      if (now > before) c.inc(now - before);
    };
    add(this.#frames, totals.framesWritten, this.#mirrored.framesWritten);
    add(this.#written, totals.bytesWritten, this.#mirrored.bytesWritten);
    add(this.#keyframes, totals.keyframes, this.#mirrored.keyframes);
    add(this.#rotations, totals.rotations, this.#mirrored.rotations);
    add(this.#lost, totals.packetsLost, this.#mirrored.packetsLost);
    this.#mirrored = totals;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
