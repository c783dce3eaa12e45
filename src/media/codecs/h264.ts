/**
 * H.264 over RTP (RFC 6184, packetization-mode 0 and 1: single NAL, STAP-A, FU-A) into Matroska
 * `V_MPEG4/ISO/AVC` samples: 4-byte length-prefixed NAL units (AVCC) plus an avcC CodecPrivate
 * (ISO/IEC 14496-15 §5.3.3) built from the keyframe's SPS/PPS.
 *
 * Every sample keeps the NAL units it came with, SPS and PPS included, so a parameter-set change
 * mid-stream (a new resolution) travels in-band in its IDR's block, the way 14496-15 allows it
 * ('avc3'-style); the file's avcC stays that of its first keyframe. No configKey, so no split.
 */
import { BitReader, unescapeRbsp } from "./BitReader.ts";
import type { VideoCodecModule } from "./types.ts";

const NAL = { idr: 5, sps: 7, pps: 8, stapA: 24, fuA: 28 } as const;

/** Splits one RTP payload into NAL units; FU-A fragments come back tagged for reassembly. */
type PayloadPart = { nal: Buffer } | { fragment: Buffer; start: boolean; end: boolean; header: number };

function parsePayload(p: Buffer): PayloadPart[] {
  const b0 = p[0];
  if (b0 === undefined) throw new RangeError("empty H.264 payload");
  const type = b0 & 0x1f;
  if (type >= 1 && type <= 23) return [{ nal: p }];
  if (type === NAL.stapA) {
    const out: PayloadPart[] = [];
    let off = 1;
    while (off + 2 <= p.length) {
      const len = p.readUInt16BE(off);
      off += 2;
      if (len === 0 || off + len > p.length) throw new RangeError("STAP-A unit overruns the packet");
      out.push({ nal: p.subarray(off, off + len) });
      off += len;
    }
    return out;
  }
  if (type === NAL.fuA) {
    const fu = p[1];
    if (fu === undefined || p.length < 3) throw new RangeError("FU-A without payload");
    return [{ fragment: p.subarray(2), start: (fu & 0x80) !== 0, end: (fu & 0x40) !== 0, header: (b0 & 0xe0) | (fu & 0x1f) }];
  }
  throw new RangeError(`unsupported H.264 packetization (NAL type ${type})`);
}

/** NAL units of one access unit, FU-A fragments joined; throws if a fragment run is broken. */
export function h264NalUnits(payloads: readonly Buffer[]): Buffer[] {
  const nals: Buffer[] = [];
  let pending: Buffer[] | undefined;
  for (const p of payloads) {
    for (const part of parsePayload(p)) {
      if ("nal" in part) {
        if (pending) throw new RangeError("FU-A interrupted");
        nals.push(part.nal);
        continue;
      }
      if (part.start) {
        if (pending) throw new RangeError("FU-A restarted before its end");
        pending = [Buffer.from([part.header])];
      } else if (!pending) {
        throw new RangeError("FU-A continuation without start");
      }
      pending.push(part.fragment);
      if (part.end) {
        nals.push(Buffer.concat(pending));
        pending = undefined;
      }
    }
  }
  if (pending) throw new RangeError("FU-A without end");
  return nals;
}

export interface SpsInfo {
  readonly width: number;
  readonly height: number;
}

/** Frame size from a sequence parameter set (H.264 §7.3.2.1.1), cropping applied. */
export function parseSps(nal: Buffer): SpsInfo {
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profile = r.bits(8);
  r.skip(16); // constraint flags, level_idc
  r.ue(); // seq_parameter_set_id
  let chromaFormat = 1;
  let separateColourPlane = 0;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
    chromaFormat = r.ue();
    if (chromaFormat === 3) separateColourPlane = r.bit();
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.bit(); // qpprime_y_zero_transform_bypass_flag
    if (r.bit()) {
      for (let i = 0; i < (chromaFormat === 3 ? 12 : 8); i++) if (r.bit()) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.bit();
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (!frameMbsOnly) r.bit();
  r.bit(); // direct_8x8_inference_flag
  let [cl, cr, ct, cb] = [0, 0, 0, 0];
  if (r.bit()) [cl, cr, ct, cb] = [r.ue(), r.ue(), r.ue(), r.ue()];
  const chromaArrayType = separateColourPlane ? 0 : chromaFormat;
  const cropX = chromaArrayType === 0 ? 1 : chromaFormat === 3 ? 1 : 2;
  const cropY = (chromaArrayType === 0 ? 1 : chromaFormat === 1 ? 2 : 1) * (2 - frameMbsOnly);
  return {
    width: widthMbs * 16 - (cl + cr) * cropX,
    height: (2 - frameMbsOnly) * heightMapUnits * 16 - (ct + cb) * cropY,
  };
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** AVCDecoderConfigurationRecord with 4-byte NAL lengths. */
export function avcC(sps: readonly Buffer[], pps: readonly Buffer[]): Buffer {
  const first = sps[0];
  if (!first || first.length < 4) throw new RangeError("avcC needs an SPS");
  const parts: Buffer[] = [Buffer.from([1, first[1] ?? 0, first[2] ?? 0, first[3] ?? 0, 0xff, 0xe0 | sps.length])];
  for (const s of sps) parts.push(u16(s.length), s);
  parts.push(Buffer.from([pps.length]));
  for (const p of pps) parts.push(u16(p.length), p);
  return Buffer.concat(parts);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export const h264: VideoCodecModule = {
  codecId: "V_MPEG4/ISO/AVC",
  docType: "matroska",
  startsFrame(payload) {
    const [part] = parsePayload(payload);
    return part !== undefined && ("nal" in part || part.start);
  },
  buildFrame(payloads) {
    const nals = h264NalUnits(payloads);
    const types = nals.map((n) => (n[0] ?? 0) & 0x1f);
    const keyframe = types.includes(NAL.idr);
    const data = Buffer.concat(nals.flatMap((n) => [u32(n.length), n]));
    const sps = nals.filter((_, i) => types[i] === NAL.sps);
    const pps = nals.filter((_, i) => types[i] === NAL.pps);
    if (!keyframe || sps.length === 0 || pps.length === 0) return { data, keyframe };
    const size = parseSps(sps[0] as Buffer);
    return {
      data, keyframe, width: size.width, height: size.height,
      codecPrivate: avcC(sps, pps),
    };
  },
};

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
