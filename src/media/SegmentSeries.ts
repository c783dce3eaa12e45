/**
 * The segments of one role (camera, or screen share) of a stream: opens the first segment on the
 * first video keyframe (or first audio frame when the role has no video), and starts a new one at
 * a keyframe only when the time/size limit asked for is reached, a track joined late, or the
 * codec's Matroska mapping forbids the change inside one track (AV1 sequence header; VP8/VP9 size
 * and H.264 parameter sets change in-band). Survives disk errors by dropping media and retrying a
 * new segment every DISK_RETRY_MS. Each sidecar lists the connection's files so far, in order.
 *
 * Audio that arrives before the first video keyframe is dropped (and counted): a segment starts
 * with a picture, and the interleaver already keeps audio and video within one cluster of each other.
 */
import { basename } from "node:path";
import type { Logger } from "pino";
import { Interleaver } from "./Interleaver.ts";
import type { DocType, TrackHeader } from "./mkv/matroska.ts";
import { Segment, type SegmentTrack } from "./Segment.ts";
import type { PieceStart } from "./sidecar.ts";
import type { MediaFrame } from "./TrackPipeline.ts";
import type { RecorderEvent, SidecarInfo, StreamRecorderOptions, TrackRole, TrackSpec } from "./types.ts";

/** How long the interleaver may hold a frame waiting for a silent track. */
const INTERLEAVE_HOLD_MS = 500;
export const DISK_RETRY_MS = 3000;

export interface SeriesTrack {
  readonly spec: TrackSpec;
  readonly codecId: string;
  readonly docType: DocType;
  /** Static part of the track header (audio); video fills size and CodecPrivate from its keyframe. */
  readonly base: Omit<TrackHeader, "number">;
}

export interface SeriesHooks {
  readonly onEvent: (e: RecorderEvent) => void;
  /** Ask the role's video tracks for a keyframe (rate-limited by each pipeline). */
  readonly requestKeyframe: (nowMs: number) => void;
}

type Queued = MediaFrame & { readonly trackKey: string; readonly leads: boolean };

export class SegmentSeries {
  readonly role: TrackRole;
  readonly #opts: StreamRecorderOptions;
  readonly #hooks: SeriesHooks;
  readonly #log: Logger;
  readonly #tracks: SeriesTrack[] = [];
  readonly #interleaver = new Interleaver<Queued>(INTERLEAVE_HOLD_MS);
  /** Latest keyframe facts of each video track (size, CodecPrivate, config identity). */
  readonly #videoState = new Map<string, MediaFrame>();
  #segment: Segment | undefined;
  #seq = 0;
  /** File names of this connection's segments, in order. */
  readonly #files: string[] = [];
  #done = { bytes: 0, frames: 0, keyframes: 0, durationMs: 0 };
  #framesDropped = 0;
  #segments = 0;
  #diskError: string | undefined;
  #retryAtMs = 0;
  #rotationRequested = false;
  #closed = false;
  #sidecar: SidecarInfo;

  constructor(role: TrackRole, opts: StreamRecorderOptions, hooks: SeriesHooks, log: Logger) {
    this.role = role;
    this.#opts = opts;
    this.#sidecar = opts.sidecar;
    this.#hooks = hooks;
    this.#log = log;
  }

  addTrack(t: SeriesTrack): void {
    this.#tracks.push(t);
    this.#interleaver.addTrack(t.spec.id);
  }

  push(frame: MediaFrame): void {
    if (this.#closed) return;
    const leads = frame.track.kind === "video" && frame.keyframe;
    for (const f of this.#interleaver.push({ ...frame, trackKey: frame.track.id, leads })) this.#write(f);
  }

  /** The publisher's label for this and every later segment's sidecar (see StreamRecorder.setLabel). */
  setLabel(label: string): void {
    if (this.#closed) return;
    this.#sidecar = { ...this.#sidecar, label };
    const seg = this.#segment;
    if (!seg) return;
    try {
      seg.setLabel(label);
    } catch (err) {
      this.#onDiskError(err, seg.startWallMs + seg.durationMs);
    }
  }

  /** Writes what is queued and finalizes the current segment. Idempotent. */
  close(): void {
    if (this.#closed) return;
    for (const f of this.#interleaver.drain()) this.#write(f);
    this.#closed = true;
    this.#closeSegment();
  }

  get stats() {
    const s = this.#segment;
    const video = [...this.#videoState.values()].at(-1);
    return {
      bytesWritten: this.#done.bytes + (s?.bytes ?? 0),
      framesWritten: this.#done.frames + (s?.frames ?? 0),
      keyframes: this.#done.keyframes + (s?.keyframes ?? 0),
      durationMs: this.#done.durationMs + (s?.durationMs ?? 0),
      framesDropped: this.#framesDropped,
      segments: this.#segments,
      currentFile: s?.path,
      width: video?.width,
      height: video?.height,
      diskError: this.#diskError,
    };
  }

  #primaryVideo(): SeriesTrack | undefined {
    return this.#tracks.find((t) => t.spec.kind === "video");
  }

  #write(f: Queued): void {
    const primary = this.#primaryVideo();
    const isStart = primary ? f.track.id === primary.spec.id && f.keyframe : true;
    if (isStart && f.track.kind === "video") this.#videoState.set(f.track.id, f);

    let startedBy: PieceStart = this.#diskError !== undefined ? "disk-error" : "connection";
    const rotation = this.#segment && isStart ? this.#rotationCause(f) : undefined;
    if (rotation) {
      startedBy = rotation;
      this.#closeSegment();
    }
    if (!this.#segment) {
      if (!isStart && this.#diskError !== undefined && f.wallMs >= this.#retryAtMs) this.#hooks.requestKeyframe(f.wallMs);
      if (!isStart || f.wallMs < this.#retryAtMs || !this.#openSegment(f, startedBy)) {
        this.#framesDropped++;
        return;
      }
    }
    const seg = this.#segment as Segment;
    if (!seg.hasTrack(f.track.id)) {
      this.#framesDropped++; // a track that joined after this segment started: next segment
      return;
    }
    try {
      seg.write(f);
    } catch (err) {
      this.#onDiskError(err, f.wallMs);
      this.#framesDropped++;
      return;
    }
    if (!this.#rotationRequested && this.#limitReached(seg)) {
      this.#rotationRequested = true;
      this.#hooks.requestKeyframe(f.wallMs);
    }
  }

  #limitReached(seg: Segment): boolean {
    const { segmentSeconds, segmentBytes } = this.#opts;
    return (segmentSeconds > 0 && seg.durationMs >= segmentSeconds * 1000) || (segmentBytes > 0 && seg.bytes >= segmentBytes);
  }

  /** Why the current segment must end at this keyframe, if it must. */
  #rotationCause(f: Queued): PieceStart | undefined {
    const seg = this.#segment as Segment;
    if (this.#limitReached(seg)) return "segment-limit";
    // A track that joined later gets in with the next segment.
    if (this.#tracks.some((t) => !seg.hasTrack(t.spec.id))) return "new-track";
    // A configuration the codec's mapping requires constant per track (AV1 sequence header).
    const opened = this.#openedConfig.get(f.track.id);
    return f.configKey !== undefined && opened !== undefined && f.configKey !== opened ? "codec-config" : undefined;
  }

  readonly #openedConfig = new Map<string, string>();

  #openSegment(start: Queued, startedBy: PieceStart): boolean {
    const tracks: SegmentTrack[] = [];
    for (const t of this.#tracks) {
      const header = this.#headerFor(t, tracks.length + 1);
      if (header) tracks.push({ id: t.spec.id, codec: t.spec.codec, header });
    }
    const docType: DocType = tracks.some((t) => this.#tracks.find((x) => x.spec.id === t.id)?.docType === "matroska") ? "matroska" : "webm";
    try {
      this.#segment = new Segment({
        dir: this.#opts.dir, seq: ++this.#seq, role: this.role, docType, tracks, startWallMs: start.wallMs, sidecar: this.#sidecar,
        startedBy, earlierFiles: this.#files,
      });
    } catch (err) {
      this.#seq--;
      this.#onDiskError(err, start.wallMs);
      return false;
    }
    this.#segments++;
    this.#files.push(basename(this.#segment.path));
    this.#rotationRequested = false;
    this.#openedConfig.clear();
    for (const [id, v] of this.#videoState) if (v.configKey) this.#openedConfig.set(id, v.configKey);
    if (this.#diskError !== undefined) {
      this.#log.info({ file: this.#segment.path }, "disk writable again");
      this.#diskError = undefined;
      this.#hooks.onEvent({ type: "disk-recovered" });
    }
    this.#log.info({ file: this.#segment.path, tracks: tracks.map((t) => t.codec) }, "segment opened");
    this.#hooks.onEvent({ type: "segment-opened", file: this.#segment.path });
    return true;
  }

  /** A video track enters a segment only once its keyframe told us its size (and CodecPrivate). */
  #headerFor(t: SeriesTrack, number: number): TrackHeader | undefined {
    if (t.spec.kind !== "video") return { ...t.base, number };
    const v = this.#videoState.get(t.spec.id);
    if (!v) return undefined;
    return { ...t.base, number, width: v.width, height: v.height, ...(v.codecPrivate ? { codecPrivate: v.codecPrivate } : {}) };
  }

  #closeSegment(): void {
    const seg = this.#segment;
    if (!seg) return;
    this.#segment = undefined;
    try {
      seg.close();
    } catch (err) {
      seg.abandon();
      this.#onDiskError(err, seg.startWallMs + seg.durationMs);
    }
    this.#done.bytes += seg.bytes;
    this.#done.frames += seg.frames;
    this.#done.keyframes += seg.keyframes;
    this.#done.durationMs += seg.durationMs;
    this.#log.info({ file: seg.path, bytes: seg.bytes, durationSec: seg.durationMs / 1000 }, "segment closed");
    this.#hooks.onEvent({ type: "segment-closed", file: seg.path, bytes: seg.bytes, durationSec: seg.durationMs / 1000 });
  }

  #onDiskError(err: unknown, nowMs: number): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#retryAtMs = nowMs + DISK_RETRY_MS;
    const seg = this.#segment;
    if (seg) {
      this.#segment = undefined;
      seg.abandon();
      this.#done.bytes += seg.bytes;
      this.#done.frames += seg.frames;
      this.#done.durationMs += seg.durationMs;
    }
    if (this.#diskError === undefined) {
      this.#log.error({ err, dir: this.#opts.dir }, "disk error: dropping media, will retry a new segment");
      this.#hooks.onEvent({ type: "disk-error", error: message });
    }
    this.#diskError = message;
  }
}
