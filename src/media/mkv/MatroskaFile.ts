/**
 * One Matroska/WebM file on disk, written append-only with whole, known-size Clusters.
 *
 * Layout: EBML header | Segment(size) | SeekHead in reserved space | Info | Tracks | Cluster… | Cues.
 * After every cluster the Segment size and Duration are patched in place, so a process killed at
 * any moment leaves a file that parses up to its last complete cluster. `finalize()` appends Cues
 * and links them from the SeekHead. Writes are synchronous: one worker process records one stream,
 * a cluster is written at most about once a second, and a synchronous write keeps ordering and
 * error reporting trivial (an fs error surfaces as an exception at the call that caused it).
 */
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { voidElement } from "./ebml.ts";
import {
  cluster, cues, durationValue, ebmlHeader, Id, info, seekHead, segmentSize, segmentStart, tracks,
  type BlockInput, type CueInput, type DocType, type TrackHeader,
} from "./matroska.ts";

export interface MatroskaFileOptions {
  readonly docType: DocType;
  readonly tracks: readonly TrackHeader[];
  readonly dateUtcMs: number;
  readonly app: string;
}

/** Room for a SeekHead with three entries (Info, Tracks, Cues) of up to 8-byte positions. */
const SEEKHEAD_RESERVED_BYTES = 96;

export class MatroskaFile {
  readonly path: string;
  #fd: number | undefined;
  #position = 0;
  readonly #segmentSizeAt: number;
  readonly #segmentDataStart: number;
  readonly #seekHeadAt: number;
  readonly #infoPos: number;
  readonly #tracksPos: number;
  readonly #durationAt: number;
  readonly #cues: CueInput[] = [];
  #durationMs = 0;

  /** Creates the file (truncating) and writes everything up to the first cluster; throws fs errors. */
  constructor(path: string, opts: MatroskaFileOptions) {
    this.path = path;
    this.#fd = openSync(path, "w");
    try {
      this.#append(ebmlHeader(opts.docType));
      const seg = segmentStart();
      this.#segmentSizeAt = this.#position + seg.length - 8;
      this.#append(seg);
      this.#segmentDataStart = this.#position;
      this.#seekHeadAt = this.#position;
      const i = info({ durationMs: 0, dateUtcMs: opts.dateUtcMs, app: opts.app });
      this.#infoPos = SEEKHEAD_RESERVED_BYTES;
      this.#durationAt = this.#segmentDataStart + this.#infoPos + i.durationOffset;
      const t = tracks(opts.tracks);
      this.#tracksPos = this.#infoPos + i.bytes.length;
      this.#append(this.#reservedSeekHead(false));
      this.#append(i.bytes);
      this.#append(t);
      this.#patchSizes();
    } catch (err) {
      this.abandon();
      throw err;
    }
  }

  /** Bytes in the file so far. */
  get bytes(): number {
    return this.#position;
  }

  get closed(): boolean {
    return this.#fd === undefined;
  }

  /**
   * Appends one whole cluster, then patches Segment size and Duration.
   * `cueTrack` adds a cue pointing at this cluster (video keyframes; audio in audio-only files).
   */
  writeCluster(timestampMs: number, blocks: readonly BlockInput[], durationMs: number, cueTrack?: number): number {
    const bytes = cluster(timestampMs, blocks);
    const at = this.#position - this.#segmentDataStart;
    this.#append(bytes);
    if (cueTrack !== undefined) this.#cues.push({ timeMs: timestampMs, track: cueTrack, clusterPosition: at });
    this.#durationMs = durationMs;
    this.#patchSizes();
    return bytes.length;
  }

  /** Appends Cues, links them from the SeekHead, patches sizes, closes. Idempotent. */
  finalize(): void {
    if (this.#fd === undefined) return;
    try {
      if (this.#cues.length > 0) {
        const cuesPos = this.#position - this.#segmentDataStart;
        this.#append(cues(this.#cues));
        this.#write(this.#reservedSeekHead(true, cuesPos), this.#seekHeadAt);
      }
      this.#patchSizes();
    } finally {
      this.abandon();
    }
  }

  /** Closes the descriptor without writing anything more (after a disk error). Idempotent. */
  abandon(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // The descriptor is gone either way; the write error that led here was already reported.
    }
  }

  #reservedSeekHead(withCues: boolean, cuesPos = 0): Buffer {
    const entries: { id: number; position: number }[] = [
      { id: Id.Info, position: this.#infoPos },
      { id: Id.Tracks, position: this.#tracksPos },
    ];
    if (withCues) entries.push({ id: Id.Cues, position: cuesPos });
    const head = seekHead(entries);
    return Buffer.concat([head, voidElement(SEEKHEAD_RESERVED_BYTES - head.length)]);
  }

  #patchSizes(): void {
    this.#write(segmentSize(this.#position - this.#segmentDataStart), this.#segmentSizeAt);
    this.#write(durationValue(this.#durationMs), this.#durationAt);
  }

  #append(buf: Buffer): void {
    try {
      this.#write(buf, this.#position);
    } catch (err) {
      // A disk that filled up mid-cluster leaves part of it behind: cut it off, so the file ends
      // with its last whole cluster (the one the patched Segment size already describes).
      if (this.#fd !== undefined) {
        try {
          ftruncateSync(this.#fd, this.#position);
        } catch {
          // Nothing more to do; the reader still stops at the Segment size.
        }
      }
      throw err;
    }
    this.#position += buf.length;
  }

  #write(buf: Buffer, at: number): void {
    if (this.#fd === undefined) throw new Error(`write after close: ${this.path}`);
    let done = 0;
    while (done < buf.length) done += writeSync(this.#fd, buf, done, buf.length - done, at + done);
  }
}
