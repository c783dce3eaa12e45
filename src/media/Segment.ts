/**
 * One segment: a Matroska/WebM file plus its JSON sidecar. Frames come in already interleaved in
 * wall-clock order; the segment turns them into clusters (a new one at every video keyframe and
 * at least every CLUSTER_MAX_MS), written whole as soon as the next one starts, so a SIGKILL loses
 * at most about one cluster. All fs errors are thrown to the caller (SegmentSeries handles them).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { MatroskaFile } from "./mkv/MatroskaFile.ts";
import type { BlockInput, DocType, TrackHeader } from "./mkv/matroska.ts";
import { buildSidecar, type ConnectionPiece, type PieceStart, type ResolutionChange, type SidecarTrack } from "./sidecar.ts";
import { extensionFor, segmentBaseName } from "./segmentName.ts";
import type { MediaFrame } from "./TrackPipeline.ts";
import type { SidecarInfo, TrackRole } from "./types.ts";

export const CLUSTER_MAX_MS = 1000;
/** Block timestamps are int16 relative to the cluster; stay well inside. */
const CLUSTER_HARD_LIMIT_MS = 30_000;
/** Rewrite the sidecar of an open segment this often (media time). */
const SIDECAR_REFRESH_MS = 5000;
/**
 * How long the last frame of a track is taken to last when the Duration is computed: the interval
 * before it, but no more than this. A frame lasts until the next one, which the last frame has
 * not got; after a stall (an encoder dropping frames under load, a publisher hanging up) the
 * interval before it can be a second, and the file would claim a second of media it lacks.
 */
const LAST_FRAME_MAX_MS = 100;
const MUXING_APP = "room-recorder";

export interface SegmentTrack {
  readonly id: string;
  readonly codec: string;
  readonly header: TrackHeader;
}

export interface SegmentOptions {
  readonly dir: string;
  readonly seq: number;
  readonly role: TrackRole;
  readonly docType: DocType;
  readonly tracks: readonly SegmentTrack[];
  readonly startWallMs: number;
  readonly sidecar: SidecarInfo;
  readonly startedBy: PieceStart;
  /** File names of the connection's earlier files, in order. */
  readonly earlierFiles: readonly string[];
}

export class Segment {
  readonly path: string;
  readonly startWallMs: number;
  readonly #opts: SegmentOptions;
  readonly #sidecarPath: string;
  readonly #file: MatroskaFile;
  readonly #numbers = new Map<string, TrackHeader>();
  readonly #lastTs = new Map<number, number>();
  readonly #lastDelta = new Map<number, number>();
  readonly #resolutionChanges: ResolutionChange[] = [];
  readonly #piece: ConnectionPiece;
  #blocks: BlockInput[] = [];
  #clusterTs = 0;
  #clusterCue: number | undefined;
  #clustersWritten = 0;
  #durationMs = 0;
  #videoFrames = 0;
  #audioFrames = 0;
  #keyframes = 0;
  #lastSidecarMs = 0;
  #lastSize: string | undefined;
  #closed = false;
  #sidecarInfo: SidecarInfo;

  constructor(opts: SegmentOptions) {
    this.#opts = opts;
    this.#sidecarInfo = opts.sidecar;
    this.startWallMs = opts.startWallMs;
    const base = segmentBaseName(opts.startWallMs, opts.seq, opts.role);
    this.path = join(opts.dir, `${base}.${extensionFor(opts.docType)}`);
    this.#sidecarPath = join(opts.dir, `${base}.json`);
    const files = [...opts.earlierFiles, basename(this.path)];
    this.#piece = { index: files.length, startedBy: opts.startedBy, files };
    for (const t of opts.tracks) this.#numbers.set(t.id, t.header);
    mkdirSync(opts.dir, { recursive: true });
    this.#file = new MatroskaFile(this.path, {
      docType: opts.docType, tracks: opts.tracks.map((t) => t.header), dateUtcMs: opts.startWallMs, app: MUXING_APP,
    });
    for (const t of opts.tracks) {
      if (t.header.kind === "video" && t.header.width) this.#noteResolution(0, t.header.width, t.header.height ?? 0);
    }
    this.#writeSidecar(false);
  }

  get bytes(): number {
    return this.#file.bytes + this.#blocks.reduce((n, b) => n + b.data.length + 8, 0);
  }
  get durationMs(): number {
    return this.#durationMs;
  }
  get frames(): number {
    return this.#videoFrames + this.#audioFrames;
  }
  get keyframes(): number {
    return this.#keyframes;
  }
  get closed(): boolean {
    return this.#closed;
  }
  hasTrack(id: string): boolean {
    return this.#numbers.has(id);
  }

  /** Adds one frame; may write the previous cluster. Throws fs errors. */
  write(f: MediaFrame): void {
    const header = this.#numbers.get(f.track.id);
    if (!header || this.#closed) return;
    const n = header.number;
    // Per track strictly increasing, never before the segment start (late audio lands at 0).
    const last = this.#lastTs.get(n);
    let ts = Math.max(0, Math.round(f.wallMs - this.startWallMs));
    if (last !== undefined && ts <= last) ts = last + 1;
    if (last !== undefined) this.#lastDelta.set(n, ts - last);
    this.#lastTs.set(n, ts);

    const video = header.kind === "video";
    const startsCluster =
      this.#blocks.length === 0 ||
      (video && f.keyframe) ||
      ts - this.#clusterTs >= CLUSTER_MAX_MS ||
      Math.abs(ts - this.#clusterTs) >= CLUSTER_HARD_LIMIT_MS;
    if (startsCluster) {
      this.#flushCluster();
      this.#clusterTs = ts;
      const audioOnly = !this.#opts.tracks.some((t) => t.header.kind === "video");
      this.#clusterCue = (video && f.keyframe) || audioOnly ? n : undefined;
    }
    this.#blocks.push({ track: n, relativeMs: ts - this.#clusterTs, keyframe: f.keyframe, data: f.data });
    if (video) {
      this.#videoFrames++;
      if (f.keyframe) this.#keyframes++;
      if (f.width && f.height) this.#noteResolution(ts, f.width, f.height);
    } else this.#audioFrames++;
    this.#durationMs = Math.max(this.#durationMs, ts + Math.min(this.#lastDelta.get(n) ?? 0, LAST_FRAME_MAX_MS));
    // The first frame (the keyframe the segment opens on) goes to disk at once: a file with a
    // header but no cluster is unreadable (ffmpeg fails with "End of file"), and a kill in the
    // first second of a segment would otherwise leave exactly that.
    if (this.#clustersWritten === 0) this.#flushCluster();
  }

  /** Writes the last cluster, Cues, sizes and the final sidecar. Idempotent; throws fs errors. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#flushCluster();
      this.#file.finalize();
      this.#writeSidecar(true);
    } finally {
      this.#file.abandon();
    }
  }

  /** The publisher's label, known only after the segment opened: rewrites the sidecar at once. Throws fs errors. */
  setLabel(label: string): void {
    if (this.#closed) return;
    this.#sidecarInfo = { ...this.#sidecarInfo, label };
    this.#writeSidecar(false);
  }

  /** Gives up on the file after a disk error: what was flushed stays readable. Idempotent. */
  abandon(): void {
    this.#closed = true;
    this.#blocks = [];
    this.#file.abandon();
  }

  #flushCluster(): void {
    if (this.#blocks.length === 0) return;
    const blocks = this.#blocks;
    this.#blocks = [];
    this.#file.writeCluster(this.#clusterTs, blocks, this.#durationMs, this.#clusterCue);
    this.#clustersWritten++;
    if (this.#durationMs - this.#lastSidecarMs >= SIDECAR_REFRESH_MS) this.#writeSidecar(false);
  }

  #noteResolution(atMs: number, width: number, height: number): void {
    const key = `${width}x${height}`;
    if (key === this.#lastSize) return;
    this.#lastSize = key;
    this.#resolutionChanges.push({ atSec: atMs / 1000, width, height });
  }

  #writeSidecar(finalized: boolean): void {
    this.#lastSidecarMs = this.#durationMs;
    const tracks: SidecarTrack[] = this.#opts.tracks.map((t) => ({
      number: t.header.number, kind: t.header.kind, codec: t.codec, codecId: t.header.codecId,
    }));
    const body = buildSidecar(this.#sidecarInfo, {
      file: basename(this.path),
      role: this.#opts.role,
      container: this.#opts.docType,
      startEpochMs: this.startWallMs,
      durationMs: this.#durationMs,
      tracks,
      resolutionChanges: this.#resolutionChanges,
      piece: this.#piece,
      bytes: this.#file.bytes,
      videoFrames: this.#videoFrames,
      audioFrames: this.#audioFrames,
      finalized,
    });
    // Write-then-rename: a reader (or a crash) never sees half a sidecar.
    const tmp = `${this.#sidecarPath}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(tmp, this.#sidecarPath);
  }
}
