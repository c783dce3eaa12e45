/** How each audio codec goes into a file: its Matroska track header and the container it needs. */
import type { DocType, TrackHeader } from "../mkv/matroska.ts";
import type { TrackSpec } from "../types.ts";
import { ACM_CODEC_ID, G7XX, waveFormatEx } from "./g7xx.ts";
import { OPUS_CODEC_ID, OPUS_SAMPLE_RATE, OPUS_SEEK_PREROLL_NS, opusHead } from "./opus.ts";

export interface AudioTrackFormat {
  readonly docType: DocType;
  readonly header: Omit<TrackHeader, "number">;
}

/** The track format for a negotiated audio track, or undefined when we cannot record it as sent. */
export function audioTrackFormat(spec: TrackSpec): AudioTrackFormat | undefined {
  if (spec.codec === "opus") {
    if (spec.clockRate !== OPUS_SAMPLE_RATE) return undefined;
    return {
      docType: "webm",
      header: {
        kind: "audio", codecId: OPUS_CODEC_ID, codecPrivate: opusHead(2), sampleRate: OPUS_SAMPLE_RATE, channels: 2,
        codecDelayNs: 0, seekPreRollNs: OPUS_SEEK_PREROLL_NS,
      },
    };
  }
  if (spec.codec !== "pcmu" && spec.codec !== "pcma" && spec.codec !== "g722") return undefined;
  const f = G7XX[spec.codec];
  if (spec.clockRate !== f.rtpClockRate) return undefined;
  return {
    docType: "matroska",
    header: { kind: "audio", codecId: ACM_CODEC_ID, codecPrivate: waveFormatEx(f), sampleRate: f.sampleRate, channels: 1 },
  };
}
