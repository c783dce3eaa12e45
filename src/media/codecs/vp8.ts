/**
 * VP8 over RTP (RFC 7741): payload descriptor and the keyframe header (RFC 6386 §9.1).
 */
import type { VideoCodecModule } from "./types.ts";

interface Vp8Descriptor {
  readonly start: boolean;
  readonly partitionId: number;
  readonly headerLength: number;
}

/** RFC 7741 §4.2; throws RangeError on a truncated descriptor. */
export function parseVp8Descriptor(p: Buffer): Vp8Descriptor {
  const b0 = byteAt(p, 0);
  let off = 1;
  if (b0 & 0x80) {
    const x = byteAt(p, off++);
    if (x & 0x80) off += byteAt(p, off) & 0x80 ? 2 : 1; // I: PictureID, 7 or 15 bits
    if (x & 0x40) off++; // L: TL0PICIDX
    if (x & 0x30) off++; // T or K: TID/Y/KEYIDX
  }
  if (off >= p.length) throw new RangeError("VP8 payload descriptor without payload");
  return { start: (b0 & 0x10) !== 0, partitionId: b0 & 0x0f, headerLength: off };
}

/** Keyframe flag and, for keyframes, the frame size from the uncompressed data chunk. */
export function parseVp8FrameHeader(frame: Buffer): { keyframe: boolean; width?: number; height?: number } {
  const keyframe = (byteAt(frame, 0) & 0x01) === 0;
  if (!keyframe) return { keyframe };
  if (frame.length < 10 || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) {
    throw new RangeError("VP8 keyframe without start code");
  }
  return { keyframe, width: frame.readUInt16LE(6) & 0x3fff, height: frame.readUInt16LE(8) & 0x3fff };
}

export const vp8: VideoCodecModule = {
  codecId: "V_VP8",
  docType: "webm",
  startsFrame(payload) {
    const d = parseVp8Descriptor(payload);
    return d.start && d.partitionId === 0;
  },
  buildFrame(payloads) {
    const data = Buffer.concat(payloads.map((p) => p.subarray(parseVp8Descriptor(p).headerLength)));
    const h = parseVp8FrameHeader(data);
    return { data, keyframe: h.keyframe, width: h.width, height: h.height };
  },
};

function byteAt(b: Buffer, i: number): number {
  const v = b[i];
  if (v === undefined) throw new RangeError("VP8 payload truncated");
  return v;
}
