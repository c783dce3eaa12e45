/**
 * One track's path from RTP to timed frames: reorder/dedupe → frame assembly (video: group by RTP
 * timestamp, complete at the marker) → keyframe gate → wall-clock time.
 *
 * A video frame with a hole is dropped, and so is every frame after it until the next keyframe,
 * so the file never holds a picture decoded from missing references (the silent smear described
 * in notes/werift-vdoninja.md "Recording pitfalls"). A keyframe is then requested, rate-limited.
 */
import type { VideoCodecModule, VideoFrameData } from "./codecs/types.ts";
import { DEFAULT_REORDER, ReorderBuffer, type ReorderOutput } from "./ReorderBuffer.ts";
import { TrackClock, type SyncReference } from "./TrackClock.ts";
import type { RtpInput, TrackSpec } from "./types.ts";

export interface MediaFrame extends Partial<VideoFrameData> {
  readonly track: TrackSpec;
  readonly data: Buffer;
  readonly keyframe: boolean;
  readonly wallMs: number;
}

export interface TrackPipelineHooks {
  readonly onFrame: (f: MediaFrame) => void;
  readonly onKeyframeNeeded: (trackId: string) => void;
  readonly onBadPacket: (reason: string) => void;
}

/** Minimum spacing of keyframe requests per track (a PLI takes ~45 ms to answer; see notes). */
export const KEYFRAME_REQUEST_INTERVAL_MS = 1000;

interface FrameInProgress {
  readonly timestamp: number;
  readonly arrivalMs: number;
  readonly payloads: Buffer[];
  broken: boolean;
}

export class TrackPipeline {
  readonly spec: TrackSpec;
  readonly clock: TrackClock;
  readonly #video: VideoCodecModule | undefined;
  readonly #hooks: TrackPipelineHooks;
  readonly #reorder = new ReorderBuffer(DEFAULT_REORDER);
  #current: FrameInProgress | undefined;
  #waitingForKeyframe = true;
  #lastKeyframeRequestMs = Number.NEGATIVE_INFINITY;
  #framesDropped = 0;

  constructor(spec: TrackSpec, video: VideoCodecModule | undefined, sync: SyncReference, hooks: TrackPipelineHooks) {
    this.spec = spec;
    this.#video = video;
    this.#hooks = hooks;
    this.clock = new TrackClock(spec.clockRate, sync);
  }

  get framesDropped(): number {
    return this.#framesDropped;
  }

  get packetsLost(): number {
    return this.#reorder.counters.lost;
  }

  push(pkt: RtpInput): void {
    this.#consume(this.#reorder.push(pkt));
  }

  /** End of stream: releases held packets; an unfinished frame is dropped. */
  flush(): void {
    this.#consume(this.#reorder.flush());
    if (this.#current) this.#drop();
    this.#current = undefined;
  }

  /** Asks the sender for a keyframe unless one was asked for within the interval. */
  requestKeyframe(nowMs: number): void {
    if (!this.#video || nowMs - this.#lastKeyframeRequestMs < KEYFRAME_REQUEST_INTERVAL_MS) return;
    this.#lastKeyframeRequestMs = nowMs;
    this.#hooks.onKeyframeNeeded(this.spec.id);
  }

  #consume(out: readonly ReorderOutput[]): void {
    for (const o of out) {
      if (o.type === "lost") this.#onLoss();
      else if (this.#video) this.#onVideoPacket(o.pkt);
      else this.#emit({ data: o.pkt.payload, keyframe: true }, o.pkt);
    }
  }

  #onLoss(): void {
    if (!this.#video) return; // audio: the hole stays a timestamp gap
    if (this.#current) this.#current.broken = true;
    this.#waitingForKeyframe = true;
  }

  #onVideoPacket(pkt: RtpInput): void {
    const video = this.#video as VideoCodecModule;
    if (this.#current && this.#current.timestamp !== pkt.timestamp) {
      this.#drop(); // its marker never came
      this.#waitingForKeyframe = true;
      this.#current = undefined;
    }
    if (!this.#current) {
      let starts = false;
      try {
        starts = video.startsFrame(pkt.payload);
      } catch (err) {
        this.#hooks.onBadPacket((err as Error).message);
      }
      this.#current = { timestamp: pkt.timestamp, arrivalMs: pkt.arrivalMs, payloads: [], broken: !starts };
    }
    this.#current.payloads.push(pkt.payload);
    if (pkt.marker) {
      const frame = this.#current;
      this.#current = undefined;
      this.#complete(frame, video, pkt.arrivalMs);
    }
  }

  #complete(frame: FrameInProgress, video: VideoCodecModule, nowMs: number): void {
    let built: VideoFrameData | undefined;
    if (!frame.broken) {
      try {
        built = video.buildFrame(frame.payloads);
      } catch (err) {
        this.#hooks.onBadPacket((err as Error).message);
      }
    }
    if (!built) {
      this.#framesDropped++;
      this.#waitingForKeyframe = true;
      this.requestKeyframe(nowMs);
      return;
    }
    if (this.#waitingForKeyframe && !built.keyframe) {
      this.#framesDropped++;
      this.requestKeyframe(nowMs);
      return;
    }
    this.#waitingForKeyframe = false;
    this.#emit(built, { timestamp: frame.timestamp, arrivalMs: frame.arrivalMs });
  }

  #drop(): void {
    this.#framesDropped++;
  }

  #emit(f: VideoFrameData, at: { timestamp: number; arrivalMs: number }): void {
    this.#hooks.onFrame({ ...f, track: this.spec, wallMs: this.clock.wallMs(at.timestamp, at.arrivalMs) });
  }
}
