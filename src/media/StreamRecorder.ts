/**
 * The recording pipeline of one stream: RTP/RTCP per track in, Matroska/WebM segments and JSON
 * sidecars out. Camera tracks and screen-share tracks go to separate series of files. Nothing
 * that a sender puts in a packet can make pushRtp throw: bad input is logged (rate-limited) and
 * dropped.
 */
import type { Logger } from "pino";
import { VIDEO_CODECS } from "./codecs/index.ts";
import { audioTrackFormat } from "./codecs/audio.ts";
import { SegmentSeries, type SeriesTrack } from "./SegmentSeries.ts";
import type { SyncReference } from "./TrackClock.ts";
import { TrackPipeline, type MediaFrame } from "./TrackPipeline.ts";
import type {
  RecorderEvent, RecorderStats, RtpInput, SenderReportInput, SidecarInfo, StreamRecorderOptions, TrackRole, TrackSink, TrackSpec,
} from "./types.ts";

export interface StreamRecorder {
  addTrack(spec: TrackSpec): TrackSink;
  stats(): RecorderStats;
  /**
   * The publisher's label for the sidecars of the open segments and of every later one. It comes
   * in the publisher's `info` data-channel message, after the offer that created the recorder.
   */
  setLabel(label: string): void;
  /** Flushes and finalizes every open segment. Idempotent. */
  close(): Promise<void>;
  readonly closed: boolean;
}

/** Largest RTP payload we accept (an MTU-sized packet is ~1200 bytes; jumbo frames stay far below). */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** At most one "bad packet" log line per track per this many ms. */
const BAD_PACKET_LOG_INTERVAL_MS = 5000;

export function createStreamRecorder(opts: StreamRecorderOptions, log: Logger): StreamRecorder {
  return new Recorder(opts, log.child({ component: "recorder" }));
}

const NOOP_SINK: TrackSink = { pushRtp() {}, pushSenderReport() {} };

class Recorder implements StreamRecorder {
  readonly #opts: StreamRecorderOptions;
  readonly #log: Logger;
  readonly #sync: SyncReference = {};
  readonly #pipelines = new Map<string, TrackPipeline>();
  readonly #series = new Map<TrackRole, SegmentSeries>();
  #firstFrameWallMs: number | undefined;
  #lastMediaAt: number | undefined;
  #firstKeyframeSeen = false;
  #closing: Promise<void> | undefined;
  #stopped = false;
  #videoCodec: string | undefined;
  #audioCodec: string | undefined;
  #sidecar: SidecarInfo;

  constructor(opts: StreamRecorderOptions, log: Logger) {
    this.#opts = opts;
    this.#sidecar = opts.sidecar;
    this.#log = log;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  addTrack(spec: TrackSpec): TrackSink {
    const log = this.#log.child({ track: spec.id, kind: spec.kind, codec: spec.codec });
    if (this.#closing || this.#pipelines.has(spec.id)) {
      log.warn("track ignored: recorder closed or track id already added");
      return NOOP_SINK;
    }
    const seriesTrack = this.#seriesTrack(spec);
    if (!seriesTrack) {
      log.warn("codec not recordable, track ignored");
      return NOOP_SINK;
    }
    const role: TrackRole = spec.role === "screen" ? "screen" : "camera";
    const series = this.#seriesFor(role);
    series.addTrack(seriesTrack);
    if (spec.kind === "video") this.#videoCodec ??= spec.codec;
    else this.#audioCodec ??= spec.codec;

    let lastBadLogMs = Number.NEGATIVE_INFINITY;
    const pipeline = new TrackPipeline(spec, VIDEO_CODECS[spec.codec], this.#sync, {
      onFrame: (f) => this.#onFrame(series, f),
      onKeyframeNeeded: (id) => this.#requestKeyframe(id),
      onBadPacket: (reason) => {
        const now = Date.now();
        if (now - lastBadLogMs < BAD_PACKET_LOG_INTERVAL_MS) return;
        lastBadLogMs = now;
        log.warn({ reason }, "malformed RTP payload dropped");
      },
    });
    this.#pipelines.set(spec.id, pipeline);
    log.info("track added");
    return {
      pushRtp: (pkt) => this.#pushRtp(pipeline, pkt, log),
      pushSenderReport: (sr) => this.#pushSenderReport(pipeline, sr),
    };
  }

  stats(): RecorderStats {
    const all = [...this.#series.values()].map((s) => s.stats);
    const camera = this.#series.get("camera")?.stats ?? all[0];
    const sum = (f: (s: (typeof all)[number]) => number) => all.reduce((n, s) => n + f(s), 0);
    const pipelines = [...this.#pipelines.values()];
    const diskError = all.find((s) => s.diskError !== undefined)?.diskError;
    return {
      bytesWritten: sum((s) => s.bytesWritten),
      framesWritten: sum((s) => s.framesWritten),
      framesDropped: sum((s) => s.framesDropped) + pipelines.reduce((n, p) => n + p.framesDropped, 0),
      packetsLost: pipelines.reduce((n, p) => n + p.packetsLost, 0),
      keyframes: sum((s) => s.keyframes),
      segments: sum((s) => s.segments),
      durationSec: (camera?.durationMs ?? 0) / 1000,
      ...(camera?.currentFile ? { currentFile: camera.currentFile } : {}),
      ...(camera?.width ? { width: camera.width, height: camera.height } : {}),
      ...(this.#videoCodec ? { videoCodec: this.#videoCodec } : {}),
      ...(this.#audioCodec ? { audioCodec: this.#audioCodec } : {}),
      ...(this.#lastMediaAt ? { lastMediaAt: this.#lastMediaAt } : {}),
      ...(diskError ? { diskError } : {}),
    };
  }

  setLabel(label: string): void {
    if (this.#closing || this.#sidecar.label === label) return;
    this.#sidecar = { ...this.#sidecar, label };
    for (const s of this.#series.values()) s.setLabel(label);
  }

  close(): Promise<void> {
    // Never rejects: the worker must be able to exit cleanly whatever the disk did.
    this.#closing ??= Promise.resolve()
      .then(() => this.#finish())
      .catch((err: unknown) => this.#log.error({ err }, "recorder close failed"));
    return this.#closing;
  }

  #finish(): void {
    for (const p of this.#pipelines.values()) p.flush();
    this.#stopped = true;
    for (const s of this.#series.values()) s.close();
    this.#log.info(this.stats(), "recorder closed");
  }

  #pushRtp(pipeline: TrackPipeline, pkt: RtpInput, log: Logger): void {
    if (this.#stopped || this.#closing) return;
    try {
      if (!isValidRtp(pkt)) {
        log.warn({ seq: pkt?.sequenceNumber }, "invalid RTP input dropped");
        return;
      }
      this.#lastMediaAt = pkt.arrivalMs;
      pipeline.push(pkt);
    } catch (err) {
      // Never let a packet take the worker down; this is a bug if it ever logs.
      log.error({ err }, "recorder failed on a packet; packet dropped");
    }
  }

  #pushSenderReport(pipeline: TrackPipeline, sr: SenderReportInput): void {
    if (this.#stopped) return;
    pipeline.clock.senderReport(Number(sr?.ntpMs), Number(sr?.rtpTimestamp));
  }

  #onFrame(series: SegmentSeries, f: MediaFrame): void {
    if (this.#stopped) return;
    this.#firstFrameWallMs ??= f.wallMs;
    const max = this.#opts.maxDurationSeconds;
    if (max > 0 && f.wallMs - this.#firstFrameWallMs >= max * 1000) {
      this.#stopped = true;
      this.#log.info({ maxDurationSeconds: max }, "maximum duration reached, finalizing");
      for (const s of this.#series.values()) s.close();
      this.#emit({ type: "max-duration" });
      return;
    }
    series.push(f);
    if (!this.#firstKeyframeSeen && f.track.kind === "video" && f.keyframe) {
      const file = series.stats.currentFile;
      if (file) {
        this.#firstKeyframeSeen = true;
        this.#emit({ type: "first-keyframe", file, atMs: f.wallMs });
      }
    }
  }

  #seriesFor(role: TrackRole): SegmentSeries {
    let s = this.#series.get(role);
    if (!s) {
      s = new SegmentSeries(role, { ...this.#opts, sidecar: this.#sidecar }, {
        onEvent: (e) => this.#emit(e),
        requestKeyframe: (now) => {
          for (const p of this.#pipelines.values()) {
            if (p.spec.kind === "video" && (p.spec.role === "screen" ? "screen" : "camera") === role) p.requestKeyframe(now);
          }
        },
      }, this.#log.child({ role }));
      this.#series.set(role, s);
    }
    return s;
  }

  #seriesTrack(spec: TrackSpec): SeriesTrack | undefined {
    if (spec.kind === "video") {
      const m = VIDEO_CODECS[spec.codec];
      if (!m || spec.clockRate <= 0) return undefined;
      return { spec, codecId: m.codecId, docType: m.docType, base: { kind: "video", codecId: m.codecId } };
    }
    const audio = audioTrackFormat(spec);
    return audio ? { spec, codecId: audio.header.codecId, docType: audio.docType, base: audio.header } : undefined;
  }

  #requestKeyframe(trackId: string): void {
    try {
      this.#opts.requestKeyframe(trackId);
    } catch (err) {
      this.#log.warn({ err, track: trackId }, "requestKeyframe callback threw");
    }
  }

  #emit(e: RecorderEvent): void {
    try {
      this.#opts.onEvent?.(e);
    } catch (err) {
      this.#log.warn({ err, event: e.type }, "recorder event listener threw");
    }
  }
}

function isValidRtp(p: RtpInput): boolean {
  return (
    typeof p === "object" && p !== null &&
    Number.isInteger(p.sequenceNumber) && p.sequenceNumber >= 0 && p.sequenceNumber <= 0xffff &&
    Number.isInteger(p.timestamp) && p.timestamp >= 0 && p.timestamp <= 0xffffffff &&
    Buffer.isBuffer(p.payload) && p.payload.length <= MAX_PAYLOAD_BYTES &&
    Number.isFinite(p.arrivalMs)
  );
}
