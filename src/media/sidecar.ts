/**
 * The JSON sidecar beside each segment (`<segment base name>.json`), so recordings of one room can
 * be lined up later by wall clock. `finalized` is false while the segment is being written.
 */
import type { SidecarInfo, TrackRole } from "./types.ts";

export interface SidecarTrack {
  readonly number: number;
  readonly kind: "audio" | "video";
  readonly codec: string;
  readonly codecId: string;
}

export interface ResolutionChange {
  /** Seconds from the segment start. */
  readonly atSec: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Why a file of a connection begins: the connection's first frame, a `--segment`/`--segment-size`
 * limit, a track that joined after the previous file opened, a change the codec's Matroska mapping
 * forbids inside one track (AV1 sequence header), or a new file after a disk error.
 */
export type PieceStart = "connection" | "segment-limit" | "new-track" | "codec-config" | "disk-error";

/** Where a file sits among the files of one publisher connection (one role). */
export interface ConnectionPiece {
  /** 1-based position of this file among the connection's files. */
  readonly index: number;
  readonly startedBy: PieceStart;
  /** File names of the connection's files up to and including this one, in order. */
  readonly files: readonly string[];
}

export interface SegmentSidecar {
  readonly version: 1;
  readonly room: string;
  readonly streamId: string;
  readonly label?: string;
  readonly peerUuid?: string;
  readonly role: TrackRole;
  readonly file: string;
  readonly container: "webm" | "matroska";
  readonly start: string;
  readonly startEpochMs: number;
  readonly end: string | null;
  readonly endEpochMs: number | null;
  readonly durationSec: number;
  readonly videoCodec: string | null;
  readonly audioCodec: string | null;
  readonly tracks: readonly SidecarTrack[];
  readonly resolution: { readonly width: number; readonly height: number } | null;
  readonly resolutionChanges: readonly ResolutionChange[];
  readonly piece: ConnectionPiece;
  readonly bytes: number;
  readonly frames: { readonly video: number; readonly audio: number };
  readonly finalized: boolean;
}

export interface SidecarState {
  readonly file: string;
  readonly role: TrackRole;
  readonly container: "webm" | "matroska";
  readonly startEpochMs: number;
  readonly durationMs: number;
  readonly tracks: readonly SidecarTrack[];
  readonly resolutionChanges: readonly ResolutionChange[];
  readonly piece: ConnectionPiece;
  readonly bytes: number;
  readonly videoFrames: number;
  readonly audioFrames: number;
  readonly finalized: boolean;
}

export function buildSidecar(info: SidecarInfo, s: SidecarState): SegmentSidecar {
  const endMs = s.startEpochMs + s.durationMs;
  const first = s.resolutionChanges[0];
  return {
    version: 1,
    room: info.room,
    streamId: info.streamId,
    ...(info.label !== undefined ? { label: info.label } : {}),
    ...(info.peerUuid !== undefined ? { peerUuid: info.peerUuid } : {}),
    role: s.role,
    file: s.file,
    container: s.container,
    start: new Date(s.startEpochMs).toISOString(),
    startEpochMs: s.startEpochMs,
    end: s.durationMs > 0 ? new Date(endMs).toISOString() : null,
    endEpochMs: s.durationMs > 0 ? endMs : null,
    durationSec: s.durationMs / 1000,
    videoCodec: s.tracks.find((t) => t.kind === "video")?.codec ?? null,
    audioCodec: s.tracks.find((t) => t.kind === "audio")?.codec ?? null,
    tracks: s.tracks,
    resolution: first ? { width: first.width, height: first.height } : null,
    resolutionChanges: s.resolutionChanges,
    piece: s.piece,
    bytes: s.bytes,
    frames: { video: s.videoFrames, audio: s.audioFrames },
    finalized: s.finalized,
  };
}
