/**
 * The contract between the stream worker (which owns the RTCPeerConnection) and the recording
 * pipeline (which owns the files). The worker feeds RTP/RTCP per track; the recorder
 * reorders, depacketizes, muxes, rotates and finalizes, and asks for keyframes through a
 * callback. Nothing here knows about werift, the bus or the handshake.
 */
export type VideoCodec = "vp8" | "vp9" | "av1" | "h264";
export type AudioCodec = "opus" | "pcmu" | "pcma" | "g722";
export type TrackKind = "audio" | "video";
/** `screen` marks a screen-share video/audio track (spec §4.7). */
export type TrackRole = "camera" | "screen";

export interface TrackSpec {
  /** Stable id for this track within the connection (e.g. the mid). */
  readonly id: string;
  readonly kind: TrackKind;
  readonly codec: VideoCodec | AudioCodec;
  readonly clockRate: number;
  readonly channels?: number;
  readonly role: TrackRole;
}

/** One RTP packet as the recorder needs it (already SRTP-decrypted, RTX already unwrapped). */
export interface RtpInput {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly ssrc: number;
  readonly payload: Buffer;
  /** Wall-clock arrival, ms since epoch. */
  readonly arrivalMs: number;
}

/** An RTCP sender report, with the NTP time already decoded correctly (ms since epoch). */
export interface SenderReportInput {
  readonly ntpMs: number;
  readonly rtpTimestamp: number;
}

export interface TrackSink {
  pushRtp(pkt: RtpInput): void;
  pushSenderReport(sr: SenderReportInput): void;
}

export interface SidecarInfo {
  readonly room: string;
  readonly streamId: string;
  readonly label?: string;
  readonly peerUuid?: string;
}

export interface RecorderStats {
  readonly bytesWritten: number;
  readonly framesWritten: number;
  readonly framesDropped: number;
  readonly packetsLost: number;
  readonly keyframes: number;
  readonly segments: number;
  readonly currentFile?: string;
  readonly durationSec: number;
  readonly width?: number;
  readonly height?: number;
  readonly videoCodec?: string;
  readonly audioCodec?: string;
  readonly lastMediaAt?: number;
  readonly diskError?: string;
}

export type RecorderEvent =
  | { readonly type: "segment-opened"; readonly file: string }
  | { readonly type: "segment-closed"; readonly file: string; readonly bytes: number; readonly durationSec: number }
  | { readonly type: "first-keyframe"; readonly file: string; readonly atMs: number }
  | { readonly type: "disk-error"; readonly error: string }
  | { readonly type: "disk-recovered" }
  | { readonly type: "max-duration" };

export interface StreamRecorderOptions {
  /** Directory of this stream: `<out>/<roomDir>/<streamKey>/`; created if missing. */
  readonly dir: string;
  readonly sidecar: SidecarInfo;
  /** 0 = never rotate by time. */
  readonly segmentSeconds: number;
  /** 0 = never rotate by size. */
  readonly segmentBytes: number;
  /** 0 = unlimited; emits `max-duration` when reached. */
  readonly maxDurationSeconds: number;
  /** Called when a keyframe is needed (start, rotation, unrepairable loss). Rate-limited by the recorder. */
  readonly requestKeyframe: (trackId: string) => void;
  readonly onEvent?: (e: RecorderEvent) => void;
}
