/**
 * Matroska/WebM element builders (RFC 9559; WebM = the VP8/VP9/AV1 + Opus subset).
 * Pure: layout decisions (where things go, what gets patched) live in MatroskaFile.ts.
 */
import {
  binaryElement, element, floatElement, idBytes, intElement, sizeVint, stringElement, uintElement, UNKNOWN_SIZE,
} from "./ebml.ts";

export const Id = {
  EBML: 0x1a45dfa3, EBMLVersion: 0x4286, EBMLReadVersion: 0x42f7, EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3, DocType: 0x4282, DocTypeVersion: 0x4287, DocTypeReadVersion: 0x4285,
  Segment: 0x18538067, SeekHead: 0x114d9b74, Seek: 0x4dbb, SeekID: 0x53ab, SeekPosition: 0x53ac,
  Info: 0x1549a966, TimestampScale: 0x2ad7b1, Duration: 0x4489, MuxingApp: 0x4d80, WritingApp: 0x5741,
  DateUTC: 0x4461, Tracks: 0x1654ae6b, TrackEntry: 0xae, TrackNumber: 0xd7, TrackUID: 0x73c5,
  TrackType: 0x83, FlagLacing: 0x9c, Name: 0x536e, CodecID: 0x86, CodecPrivate: 0x63a2, CodecDelay: 0x56aa,
  SeekPreRoll: 0x56bb, Video: 0xe0, PixelWidth: 0xb0, PixelHeight: 0xba, Audio: 0xe1,
  SamplingFrequency: 0xb5, Channels: 0x9f, Cluster: 0x1f43b675, Timestamp: 0xe7, SimpleBlock: 0xa3,
  Cues: 0x1c53bb6b, CuePoint: 0xbb, CueTime: 0xb3, CueTrackPositions: 0xb7, CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
} as const;

export type DocType = "webm" | "matroska";

export interface TrackHeader {
  readonly number: number;
  readonly kind: "audio" | "video";
  /** Matroska CodecID, e.g. V_VP8, V_MPEG4/ISO/AVC, A_OPUS. */
  readonly codecId: string;
  readonly codecPrivate?: Buffer;
  readonly width?: number;
  readonly height?: number;
  readonly sampleRate?: number;
  readonly channels?: number;
  /** Nanoseconds (A_OPUS requires CodecDelay and SeekPreRoll in WebM). */
  readonly codecDelayNs?: number;
  readonly seekPreRollNs?: number;
  readonly name?: string;
}

export function ebmlHeader(docType: DocType): Buffer {
  return element(
    Id.EBML,
    uintElement(Id.EBMLVersion, 1),
    uintElement(Id.EBMLReadVersion, 1),
    uintElement(Id.EBMLMaxIDLength, 4),
    uintElement(Id.EBMLMaxSizeLength, 8),
    stringElement(Id.DocType, docType),
    uintElement(Id.DocTypeVersion, 4),
    uintElement(Id.DocTypeReadVersion, 2),
  );
}

/** Segment id + 8-byte size field: unknown until the first patch, so a torn file still parses. */
export function segmentStart(): Buffer {
  return Buffer.concat([idBytes(Id.Segment), UNKNOWN_SIZE]);
}

/** Patch value for the Segment size field (always 8 bytes wide). */
export function segmentSize(size: number): Buffer {
  return sizeVint(size, 8);
}

/** SeekHead pointing at top-level elements; positions are relative to the Segment data start. */
export function seekHead(entries: ReadonlyArray<{ id: number; position: number }>): Buffer {
  return element(
    Id.SeekHead,
    ...entries.map((e) => element(Id.Seek, binaryElement(Id.SeekID, idBytes(e.id)), uintElement(Id.SeekPosition, e.position))),
  );
}

/** Milliseconds between the Unix epoch and the Matroska epoch 2001-01-01T00:00:00Z. */
const MATROSKA_EPOCH_MS = Date.UTC(2001, 0, 1);

/** Info with TimestampScale 1 ms. Returns the offset of the Duration float inside the element. */
export function info(opts: { durationMs: number; dateUtcMs: number; app: string }): { bytes: Buffer; durationOffset: number } {
  const head = Buffer.concat([
    uintElement(Id.TimestampScale, 1_000_000),
    stringElement(Id.MuxingApp, opts.app),
    stringElement(Id.WritingApp, opts.app),
    intElement(Id.DateUTC, BigInt(Math.round(opts.dateUtcMs - MATROSKA_EPOCH_MS)) * 1_000_000n),
  ]);
  const duration = floatElement(Id.Duration, opts.durationMs);
  const bytes = element(Id.Info, head, duration);
  // Duration's 8 float bytes are the last 8 bytes of the element.
  return { bytes, durationOffset: bytes.length - 8 };
}

export function durationValue(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(ms);
  return b;
}

export function tracks(list: readonly TrackHeader[]): Buffer {
  return element(Id.Tracks, ...list.map(trackEntry));
}

function trackEntry(t: TrackHeader): Buffer {
  const parts = [
    uintElement(Id.TrackNumber, t.number),
    uintElement(Id.TrackUID, t.number),
    uintElement(Id.TrackType, t.kind === "video" ? 1 : 2),
    uintElement(Id.FlagLacing, 0),
    stringElement(Id.CodecID, t.codecId),
  ];
  if (t.name) parts.push(stringElement(Id.Name, t.name));
  if (t.codecPrivate) parts.push(binaryElement(Id.CodecPrivate, t.codecPrivate));
  if (t.codecDelayNs !== undefined) parts.push(uintElement(Id.CodecDelay, t.codecDelayNs));
  if (t.seekPreRollNs !== undefined) parts.push(uintElement(Id.SeekPreRoll, t.seekPreRollNs));
  if (t.kind === "video") {
    parts.push(element(Id.Video, uintElement(Id.PixelWidth, t.width ?? 0), uintElement(Id.PixelHeight, t.height ?? 0)));
  } else {
    parts.push(element(Id.Audio, floatElement(Id.SamplingFrequency, t.sampleRate ?? 48000), uintElement(Id.Channels, t.channels ?? 2)));
  }
  return element(Id.TrackEntry, ...parts);
}

export interface BlockInput {
  readonly track: number;
  /** Relative to the cluster timestamp, ms; must fit int16. */
  readonly relativeMs: number;
  readonly keyframe: boolean;
  readonly data: Buffer;
}

export function simpleBlock(b: BlockInput): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0x80 | b.track; // track numbers stay below 127: a 1-byte vint
  head.writeInt16BE(b.relativeMs, 1);
  head[3] = b.keyframe ? 0x80 : 0;
  return element(Id.SimpleBlock, head, b.data);
}

/** A whole Cluster with a known size, so a reader never depends on what follows it. */
export function cluster(timestampMs: number, blocks: readonly BlockInput[]): Buffer {
  return element(Id.Cluster, uintElement(Id.Timestamp, timestampMs), ...blocks.map(simpleBlock));
}

export interface CueInput {
  readonly timeMs: number;
  readonly track: number;
  /** Cluster position relative to the Segment data start. */
  readonly clusterPosition: number;
}

export function cues(list: readonly CueInput[]): Buffer {
  return element(
    Id.Cues,
    ...list.map((c) =>
      element(
        Id.CuePoint,
        uintElement(Id.CueTime, c.timeMs),
        element(Id.CueTrackPositions, uintElement(Id.CueTrack, c.track), uintElement(Id.CueClusterPosition, c.clusterPosition)),
      ),
    ),
  );
}
