/** What every video codec module provides to the frame assembler and the muxer. */
import type { DocType } from "../mkv/matroska.ts";

export interface VideoFrameData {
  /** The sample as Matroska stores it for this codec. */
  readonly data: Buffer;
  readonly keyframe: boolean;
  readonly width?: number;
  readonly height?: number;
  /** CodecPrivate derived from this keyframe's in-band config (avcC, av1C). */
  readonly codecPrivate?: Buffer;
  /**
   * Identity of the configuration that the codec's Matroska mapping requires to stay the same for
   * a whole track (AV1: the sequence header, docs/recording.md "Changes inside a connection"):
   * when it changes the recorder must start a new file. Unset for codecs whose changes may
   * travel in-band (VP8, VP9, H.264).
   */
  readonly configKey?: string;
}

export interface VideoCodecModule {
  readonly codecId: string;
  /** Least-capable container that may hold this codec (H.264 is not allowed in WebM). */
  readonly docType: DocType;
  /** Does this RTP payload begin a frame? (Needed to accept a frame after a loss.) Throws on garbage. */
  startsFrame(payload: Buffer): boolean;
  /** Builds one frame from the in-order payloads of one RTP timestamp. Throws on garbage. */
  buildFrame(payloads: readonly Buffer[]): VideoFrameData;
}
