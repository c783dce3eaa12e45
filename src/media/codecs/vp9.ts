/**
 * VP9 over RTP (RFC 9628): payload descriptor in flexible (F=1, Chrome) and non-flexible (F=0,
 * GStreamer) mode, and the uncompressed frame header (VP9 bitstream spec §6.2) for keyframe and size.
 * Layer frames of one picture (spatial SVC, each starting with B=1) are joined into a superframe.
 */
import { BitReader } from "./BitReader.ts";
import type { VideoCodecModule } from "./types.ts";

export interface Vp9Descriptor {
  readonly start: boolean;
  readonly end: boolean;
  readonly interPicturePredicted: boolean;
  readonly headerLength: number;
}

/** RFC 9628 §4.2; throws RangeError on a truncated descriptor. */
export function parseVp9Descriptor(p: Buffer): Vp9Descriptor {
  let off = 0;
  const at = () => {
    const v = p[off++];
    if (v === undefined) throw new RangeError("VP9 payload descriptor truncated");
    return v;
  };
  const b0 = at();
  const [i, pBit, l, f, b, e, v] = [0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02].map((m) => (b0 & m) !== 0) as boolean[];
  if (i && at() & 0x80) at(); // M=1: 15-bit picture id
  if (l) {
    at(); // TID U SID D
    if (!f) at(); // TL0PICIDX (non-flexible only)
  }
  if (f && pBit) {
    for (let n = 0; n < 3 && at() & 0x01; n++); // up to 3 P_DIFF, N bit chains them
  }
  if (v) {
    const ss = at();
    const layers = (ss >> 5) + 1;
    if (ss & 0x10) off += 4 * layers; // Y: WIDTH/HEIGHT per spatial layer
    if (ss & 0x08) {
      const groups = at();
      for (let g = 0; g < groups; g++) {
        // Read first: `off += f(at())` would add to the offset from before at() advanced it.
        const refs = (at() >> 2) & 0x03; // T U R: R P_DIFF bytes follow
        off += refs;
      }
    }
  }
  if (off >= p.length) throw new RangeError("VP9 payload descriptor without payload");
  return { start: !!b, end: !!e, interPicturePredicted: !!pBit, headerLength: off };
}

/** Keyframe flag and size of a VP9 frame (first frame of a superframe). */
export function parseVp9FrameHeader(frame: Buffer): { keyframe: boolean; width?: number; height?: number } {
  const r = new BitReader(frame);
  if (r.bits(2) !== 2) throw new RangeError("VP9 frame marker missing");
  const profile = r.bit() | (r.bit() << 1);
  if (profile === 3) r.bit();
  if (r.bit()) return { keyframe: false }; // show_existing_frame
  if (r.bit() !== 0) return { keyframe: false }; // frame_type NON_KEY
  r.skip(2); // show_frame, error_resilient_mode
  if (r.bits(24) !== 0x498342) throw new RangeError("VP9 keyframe without sync code");
  if (profile >= 2) r.bit();
  const colorSpace = r.bits(3);
  if (colorSpace !== 7) {
    r.bit();
    if (profile === 1 || profile === 3) r.skip(3);
  } else if (profile === 1 || profile === 3) r.bit();
  return { keyframe: true, width: r.bits(16) + 1, height: r.bits(16) + 1 };
}

/** Superframe index (VP9 spec Annex B) so several layer frames travel as one Matroska block. */
export function vp9Superframe(frames: readonly Buffer[]): Buffer {
  if (frames.length === 1) return frames[0] as Buffer;
  const max = Math.max(...frames.map((f) => f.length));
  const bytes = max < 0x100 ? 1 : max < 0x10000 ? 2 : max < 0x1000000 ? 3 : 4;
  const marker = 0xc0 | ((bytes - 1) << 3) | (frames.length - 1);
  const index = Buffer.alloc(2 + bytes * frames.length);
  index[0] = marker;
  frames.forEach((f, k) => index.writeUIntLE(f.length, 1 + k * bytes, bytes));
  index[index.length - 1] = marker;
  return Buffer.concat([...frames, index]);
}

export const vp9: VideoCodecModule = {
  codecId: "V_VP9",
  docType: "webm",
  startsFrame(payload) {
    return parseVp9Descriptor(payload).start;
  },
  buildFrame(payloads) {
    const layers: Buffer[][] = [];
    for (const p of payloads) {
      const d = parseVp9Descriptor(p);
      if (d.start || layers.length === 0) layers.push([]);
      (layers[layers.length - 1] as Buffer[]).push(p.subarray(d.headerLength));
    }
    const frames = layers.map((l) => Buffer.concat(l));
    const h = parseVp9FrameHeader(frames[0] as Buffer);
    return { data: vp9Superframe(frames), keyframe: h.keyframe, width: h.width, height: h.height };
  },
};
