/**
 * One publisher's media: the fixture clips looped forever, packetized once with werift's
 * packetizers and paced in real time, fanned out to every viewer of that publisher (each
 * viewer's track clones the packets it is given, so one source serves all).
 *
 * Pre-encoded media cannot make a keyframe on demand: keyframes come every second (1 s GOP,
 * scripts/make-fixtures.sh), which bounds how long a PLI or `{"keyframe":true}` waits.
 */
import { H264Packetizer, OpusPacketizer, Vp8Packetizer, type RtpPacket } from "werift/nonstandard";
import type { Clip } from "./clips.ts";
import { frameMs } from "./clips.ts";

export interface MediaFrameEvent {
  readonly kind: "audio" | "video";
  readonly keyframe: boolean;
  readonly clockRate: number;
  /** RTP ticks this frame lasts. */
  readonly frameTicks: number;
  readonly packets: readonly RtpPacket[];
}
export type MediaSink = (frame: MediaFrameEvent) => void;

export interface MediaLoopStats {
  readonly packetsSent: number;
  readonly framesSent: number;
  /** Wall-clock ms when pacing began. */
  readonly startedAt: number;
}

interface Packetizer {
  packetize(data: Buffer, rtpTimestamp: number): RtpPacket[];
}

/** Pacing tick: short enough that a 33 ms video frame leaves within a few ms of its due time. */
const TICK_MS = 5;

class ClipCursor {
  readonly clip: Clip;
  readonly #packetizer: Packetizer;
  readonly #frameMs: number;
  readonly #timestampBase = Math.floor(Math.random() * 0xffffffff);
  #next = 0;

  constructor(clip: Clip) {
    this.clip = clip;
    this.#frameMs = frameMs(clip);
    this.#packetizer =
      clip.codec === "vp8" ? new Vp8Packetizer() : clip.codec === "h264" ? new H264Packetizer({ inputFormat: "annexb" }) : new OpusPacketizer();
  }

  /** Frames due by `elapsedMs` since the start, in order. */
  *due(elapsedMs: number): Generator<MediaFrameEvent> {
    while (this.#next * this.#frameMs <= elapsedMs) {
      const frame = this.clip.frames[this.#next % this.clip.frames.length]!;
      const timestamp = (this.#timestampBase + this.#next * this.clip.frameTicks) >>> 0;
      this.#next++;
      const packets = this.#packetizer.packetize(frame.data, timestamp);
      yield { kind: this.clip.kind, keyframe: frame.keyframe, clockRate: this.clip.clockRate, frameTicks: this.clip.frameTicks, packets };
    }
  }
}

export class MediaLoop {
  readonly #cursors: ClipCursor[];
  readonly #sinks = new Set<MediaSink>();
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #startedMono = 0;
  #packetsSent = 0;
  #framesSent = 0;
  #closed = false;

  constructor(clips: readonly Clip[]) {
    this.#cursors = clips.map((c) => new ClipCursor(c));
  }

  /** Idempotent; media is produced (and counted) only while started, with or without viewers. */
  start(): void {
    if (this.#timer || this.#closed) return;
    this.#startedAt = Date.now();
    this.#startedMono = performance.now();
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  subscribe(sink: MediaSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  stats(): MediaLoopStats {
    return { packetsSent: this.#packetsSent, framesSent: this.#framesSent, startedAt: this.#startedAt };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#sinks.clear();
  }

  #tick(): void {
    const elapsed = performance.now() - this.#startedMono;
    for (const cursor of this.#cursors) {
      for (const frame of cursor.due(elapsed)) {
        this.#framesSent++;
        this.#packetsSent += frame.packets.length;
        for (const sink of this.#sinks) sink(frame);
      }
    }
  }
}
