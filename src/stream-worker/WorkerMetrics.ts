import { createRequire } from "node:module";
import type { Registry } from "prom-client";
import type { TrackKind } from "../media/types.ts";
import type { EndReason, IceFailureCause } from "../bus/messages.ts";

/**
 * The worker's Prometheus metrics (design "Observability"). One worker records one stream, so
 * labels stay low-cardinality: kind, state, reason; never stream ids or peers.
 */
const CONNECTION_STATES = ["new", "connecting", "connected", "disconnected", "failed", "closed"] as const;
const ICE_STATES = ["new", "checking", "connected", "completed", "disconnected", "failed", "closed"] as const;

/** Recorder totals the worker mirrors into counters. */
export interface RecorderTotals {
  readonly framesWritten: number;
  readonly bytesWritten: number;
  readonly keyframes: number;
  readonly rotations: number;
  /** Files opened (rotations plus one per recorder that wrote anything). */
  readonly segments: number;
  readonly packetsLost: number;
}

/** The totals that have a counter. */
const COUNTED_TOTALS = ["framesWritten", "bytesWritten", "keyframes", "rotations", "packetsLost"] as const;
type CountedTotal = (typeof COUNTED_TOTALS)[number];

/**
 * prom-client (with @opentelemetry/api and tdigest, ≈ 90 modules and ≈ 4 MiB) is loaded only
 * when the registry is first read: a worker spawned by `record` serves no /metrics and never
 * loads it (issue 7). `require`, because `registry` is a synchronous getter; prom-client is
 * CommonJS.
 */
const require = createRequire(import.meta.url);

export class WorkerMetrics {
  /**
   * Everything is counted in plain numbers and read by the registry at scrape time: on the
   * packet path prom-client would hash the label object on every `inc` (issue 7).
   */
  readonly #rtp = { audio: { packets: 0, bytes: 0 }, video: { packets: 0, bytes: 0 } };
  #nacks = 0;
  #plis = 0;
  readonly #recorded: Record<CountedTotal, number> = { framesWritten: 0, bytesWritten: 0, keyframes: 0, rotations: 0, packetsLost: 0 };
  #lastTotals: RecorderTotals | undefined;
  #connection: string | undefined;
  #ice: string | undefined;
  readonly #ended = new Map<EndReason, number>();
  #askedAgain = 0;
  readonly #iceFailures = new Map<IceFailureCause, number>();
  #registry: Registry | undefined;

  /** On the packet path: two additions, nothing else. */
  rtp(kind: TrackKind, payloadBytes: number): void {
    const c = this.#rtp[kind];
    c.packets++;
    c.bytes += payloadBytes;
  }

  nackSent(): void {
    this.#nacks++;
  }

  pliSent(): void {
    this.#plis++;
  }

  connectionState(state: string): void {
    this.#connection = state;
  }

  iceState(state: string): void {
    this.#ice = state;
  }

  /** A lost connection made the worker ask for the stream again (lossPolicy.ts). */
  askedAgain(): void {
    this.#askedAgain++;
  }

  /** A connection attempt found no working ICE pair (iceFailure.ts). */
  iceFailed(cause: IceFailureCause): void {
    this.#iceFailures.set(cause, (this.#iceFailures.get(cause) ?? 0) + 1);
  }

  ended(reason: EndReason): void {
    this.#ended.set(reason, (this.#ended.get(reason) ?? 0) + 1);
  }

  /** Mirror the recorder's running totals; counters never go down, a new recorder adds to them. */
  recorder(totals: RecorderTotals): void {
    for (const name of COUNTED_TOTALS) {
      const before = this.#lastTotals?.[name] ?? 0;
      if (totals[name] > before) this.#recorded[name] += totals[name] - before;
    }
    this.#lastTotals = totals;
  }

  /** Built on first read, then kept; every scrape reads the current numbers. */
  get registry(): Registry {
    this.#registry ??= this.#buildRegistry();
    return this.#registry;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  #buildRegistry(): Registry {
    const prom = require("prom-client") as typeof import("prom-client");
    const registry = new prom.Registry();
    const total = (name: string, help: string, value: () => number) =>
      new prom.Counter({ name, help, registers: [registry], collect() {
        this.reset();
        this.inc(value());
      } });
    const totalBy = (name: string, help: string, label: string, values: () => Iterable<readonly [string, number]>) =>
      new prom.Counter({ name, help, labelNames: [label], registers: [registry], collect() {
        this.reset();
        for (const [v, n] of values()) if (n > 0) this.inc({ [label]: v }, n);
      } });
    /** 1 for the current state, 0 for the others; no series before the first state. */
    const oneOf = (name: string, help: string, states: readonly string[], current: () => string | undefined) =>
      new prom.Gauge({ name, help, labelNames: ["state"], registers: [registry], collect() {
        const now = current();
        if (now !== undefined) for (const s of states) this.set({ state: s }, s === now ? 1 : 0);
      } });
    const perKind = (field: "packets" | "bytes") => (["audio", "video"] as const).map((kind) => [kind, this.#rtp[kind][field]] as const);
    totalBy("rr_worker_rtp_packets_total", "RTP packets received", "kind", () => perKind("packets"));
    totalBy("rr_worker_rtp_bytes_total", "RTP payload bytes received", "kind", () => perKind("bytes"));
    total("rr_worker_nack_sent_total", "Generic NACK batches sent for lost video packets", () => this.#nacks);
    total("rr_worker_pli_sent_total", "keyframe requests sent (RTCP PLI)", () => this.#plis);
    total("rr_worker_packets_lost_total", "RTP packets the recorder never received", () => this.#recorded.packetsLost);
    total("rr_worker_keyframes_total", "video keyframes written", () => this.#recorded.keyframes);
    total("rr_worker_frames_written_total", "frames written to files", () => this.#recorded.framesWritten);
    total("rr_worker_bytes_written_total", "bytes written to files", () => this.#recorded.bytesWritten);
    total("rr_worker_segment_rotations_total", "segments opened after the first", () => this.#recorded.rotations);
    oneOf("rr_worker_connection_state", "1 for the peer connection's current state", CONNECTION_STATES, () => this.#connection);
    oneOf("rr_worker_ice_state", "1 for the ICE connection's current state", ICE_STATES, () => this.#ice);
    totalBy("rr_worker_ended_total", "connections ended, by reason", "reason", () => this.#ended);
    totalBy("rr_worker_ice_failures_total", "connection attempts in which no ICE candidate pair succeeded, by cause", "cause", () => this.#iceFailures);
    total("rr_worker_asked_again_total", "times a lost connection made the worker ask for the stream again", () => this.#askedAgain);
    return registry;
  }
}
