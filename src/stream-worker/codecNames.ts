import type { AudioCodec, TrackKind, VideoCodec } from "../media/types.ts";

const BY_MIME: Record<string, VideoCodec | AudioCodec> = {
  "video/vp8": "vp8",
  "video/vp9": "vp9",
  "video/av1": "av1",
  "video/h264": "h264",
  "audio/opus": "opus",
  "audio/pcmu": "pcmu",
  "audio/pcma": "pcma",
  "audio/g722": "g722",
};

/** The recorder's codec name for a negotiated mime type, or undefined for one we cannot record. */
export function codecOfMime(kind: TrackKind, mimeType: string): VideoCodec | AudioCodec | undefined {
  const mime = mimeType.toLowerCase();
  return mime.startsWith(`${kind}/`) ? BY_MIME[mime] : undefined;
}
