/**
 * AV1 over RTP (AV1 RTP payload format v1.0, §4.4–4.5) into Matroska `V_AV1` blocks (AV1-in-
 * Matroska codec mapping): one temporal unit per block in the low-overhead bitstream format
 * (every OBU with obu_has_size_field=1, no temporal delimiters), and an `av1C` CodecPrivate
 * (AV1CodecConfigurationRecord) built from the keyframe's sequence header OBU.
 */
import { BitReader } from "./BitReader.ts";
import type { VideoCodecModule } from "./types.ts";

const OBU = { sequenceHeader: 1, temporalDelimiter: 2, frameHeader: 3, frame: 6, tileList: 8 } as const;

export interface Av1Aggregation {
  /** Z: the first element continues an OBU from the previous packet. */
  readonly continuation: boolean;
  /** Y: the last element continues in the next packet. */
  readonly continues: boolean;
  /** The OBU elements (or fragments) of this packet. */
  readonly elements: readonly Buffer[];
}

/** Aggregation header (Z|Y|W|N) and OBU elements of one payload (§4.4); throws RangeError on garbage. */
export function parseAv1Payload(p: Buffer): Av1Aggregation {
  const h = p[0];
  if (h === undefined) throw new RangeError("empty AV1 payload");
  const w = (h >> 4) & 0x03;
  const elements: Buffer[] = [];
  let off = 1;
  while (off < p.length) {
    // W=0: every element has a length; otherwise the W-th (last) element takes the rest.
    const last = w !== 0 && elements.length === w - 1;
    let len = p.length - off;
    if (!last) {
      const [v, n] = leb128(p, off);
      off += n;
      len = v;
    }
    if (off + len > p.length) throw new RangeError("AV1 OBU element overruns the packet");
    elements.push(p.subarray(off, off + len));
    off += len;
    if (last) break;
  }
  if (w !== 0 && elements.length !== w) throw new RangeError("AV1 packet holds fewer OBU elements than W says");
  return { continuation: (h & 0x80) !== 0, continues: (h & 0x40) !== 0, elements };
}

/** LEB128 (AV1 spec §4.10.5): [value, bytes read]; throws on truncation or more than 8 bytes. */
export function leb128(b: Buffer, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[at + i];
    if (byte === undefined) throw new RangeError("LEB128 truncated");
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (!(byte & 0x80)) return [value, i + 1];
  }
  throw new RangeError("LEB128 longer than 8 bytes");
}

export function leb128Bytes(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

interface Obu {
  readonly type: number;
  /** The 1- or 2-byte OBU header, with obu_has_size_field cleared. */
  readonly header: Buffer;
  readonly payload: Buffer;
}

/** Splits a whole OBU as sent over RTP (size field optional, §5) into header and payload. */
function parseObu(o: Buffer): Obu {
  const h = o[0];
  if (h === undefined || h & 0x80) throw new RangeError("AV1 OBU forbidden bit set or empty OBU");
  const headerLength = h & 0x04 ? 2 : 1;
  if (o.length < headerLength) throw new RangeError("AV1 OBU header truncated");
  let payload = o.subarray(headerLength);
  if (h & 0x02) {
    const [size, n] = leb128(o, headerLength);
    if (headerLength + n + size > o.length) throw new RangeError("AV1 OBU size overruns the element");
    payload = o.subarray(headerLength + n, headerLength + n + size);
  }
  const header = Buffer.from(o.subarray(0, headerLength));
  header[0] = h & ~0x02;
  return { type: (h >> 3) & 0x0f, header, payload };
}

/** The whole OBUs of one temporal unit, fragments joined across packets (Z/Y bits). */
export function av1Obus(payloads: readonly Buffer[]): Buffer[] {
  const obus: Buffer[] = [];
  let pending: Buffer[] | undefined;
  for (const p of payloads) {
    const agg = parseAv1Payload(p);
    agg.elements.forEach((e, i) => {
      const first = i === 0;
      const last = i === agg.elements.length - 1;
      if (first && agg.continuation) {
        if (!pending) throw new RangeError("AV1 OBU continuation without its start");
        pending.push(e);
      } else {
        if (pending) throw new RangeError("AV1 OBU fragment not continued");
        pending = [e];
      }
      if (!(last && agg.continues)) {
        obus.push(Buffer.concat(pending));
        pending = undefined;
      }
    });
  }
  if (pending) throw new RangeError("AV1 temporal unit ends inside an OBU");
  return obus;
}

export interface Av1SequenceHeader {
  readonly width: number;
  readonly height: number;
  readonly reducedStillPictureHeader: boolean;
  /** av1C bytes 1–3: profile/level, tier…chroma sample position, no initial presentation delay. */
  readonly configBytes: Buffer;
}

/** Parses a sequence header OBU payload (AV1 spec §5.5) as far as av1C and the frame size need. */
export function parseAv1SequenceHeader(payload: Buffer): Av1SequenceHeader {
  const r = new BitReader(payload);
  const profile = r.bits(3);
  r.bit(); // still_picture
  const reduced = r.bit() === 1;
  let level0 = 0;
  let tier0 = 0;
  let decoderModelInfo = false;
  let bufferDelayLength = 0;
  if (reduced) level0 = r.bits(5);
  else {
    if (r.bit()) {
      // timing_info
      r.skip(64);
      if (r.bit()) uvlc(r);
      decoderModelInfo = r.bit() === 1;
      if (decoderModelInfo) {
        bufferDelayLength = r.bits(5) + 1;
        r.skip(32 + 5 + 5);
      }
    }
    const initialDisplayDelay = r.bit() === 1;
    const points = r.bits(5) + 1;
    for (let i = 0; i < points; i++) {
      r.skip(12); // operating_point_idc
      const level = r.bits(5);
      const tier = level > 7 ? r.bit() : 0;
      if (i === 0) [level0, tier0] = [level, tier];
      if (decoderModelInfo && r.bit()) r.skip(2 * bufferDelayLength + 1);
      if (initialDisplayDelay && r.bit()) r.skip(4);
    }
  }
  const wBits = r.bits(4) + 1;
  const hBits = r.bits(4) + 1;
  const width = r.bits(wBits) + 1;
  const height = r.bits(hBits) + 1;
  let frameIdNumbers = false;
  if (!reduced) frameIdNumbers = r.bit() === 1;
  if (frameIdNumbers) r.skip(7);
  r.skip(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
  if (!reduced) {
    r.skip(4); // interintra, masked compound, warped motion, dual filter
    const orderHint = r.bit() === 1;
    if (orderHint) r.skip(2);
    const forceScreenContent = r.bit() ? 2 : r.bit();
    if (forceScreenContent > 0 && !r.bit()) r.bit(); // seq_choose_integer_mv, seq_force_integer_mv
    if (orderHint) r.skip(3);
  }
  r.skip(3); // superres, cdef, restoration
  const c = colorConfig(r, profile);
  const configBytes = Buffer.from([
    (profile << 5) | level0,
    (tier0 << 7) | (c.highBitdepth << 6) | (c.twelveBit << 5) | (c.mono << 4) | (c.ssx << 3) | (c.ssy << 2) | c.chromaPosition,
    0, // no initial_presentation_delay
  ]);
  return { width, height, reducedStillPictureHeader: reduced, configBytes };
}

function colorConfig(r: BitReader, profile: number) {
  const highBitdepth = r.bit();
  const twelveBit = profile === 2 && highBitdepth ? r.bit() : 0;
  const mono = profile === 1 ? 0 : r.bit();
  let [cp, tc, mc] = [2, 2, 2];
  if (r.bit()) [cp, tc, mc] = [r.bits(8), r.bits(8), r.bits(8)];
  if (mono) return { highBitdepth, twelveBit, mono, ssx: 1, ssy: 1, chromaPosition: 0 };
  if (cp === 1 && tc === 13 && mc === 0) return { highBitdepth, twelveBit, mono, ssx: 0, ssy: 0, chromaPosition: 0 };
  r.bit(); // color_range
  let [ssx, ssy] = [1, 1];
  if (profile === 1) [ssx, ssy] = [0, 0];
  else if (profile === 2) {
    if (twelveBit) {
      ssx = r.bit();
      ssy = ssx ? r.bit() : 0;
    } else [ssx, ssy] = [1, 0];
  }
  const chromaPosition = ssx && ssy ? r.bits(2) : 0;
  return { highBitdepth, twelveBit, mono, ssx, ssy, chromaPosition };
}

function uvlc(r: BitReader): void {
  let zeros = 0;
  while (r.bit() === 0) if (++zeros >= 32) return;
  r.skip(zeros);
}

/** AV1CodecConfigurationRecord: marker/version, profile…chroma, no delay, then the sequence header OBU. */
export function av1C(seq: Av1SequenceHeader, sequenceHeaderObu: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x81]), seq.configBytes, sequenceHeaderObu]);
}

/** Is the first frame of this temporal unit a KEY_FRAME (uncompressed header, AV1 spec §5.9.2)? */
function isKeyFrameHeader(payload: Buffer, reduced: boolean): boolean {
  if (reduced) return true;
  const r = new BitReader(payload);
  if (r.bit()) return false; // show_existing_frame
  return r.bits(2) === 0; // frame_type KEY_FRAME
}

function withSize(o: Obu): Buffer {
  const header = Buffer.from(o.header);
  header[0] = (header[0] ?? 0) | 0x02;
  return Buffer.concat([header, leb128Bytes(o.payload.length), o.payload]);
}

export const av1: VideoCodecModule = {
  codecId: "V_AV1",
  docType: "webm",
  startsFrame(payload) {
    return !parseAv1Payload(payload).continuation;
  },
  buildFrame(payloads) {
    const obus = av1Obus(payloads).map(parseObu).filter((o) => o.type !== OBU.temporalDelimiter && o.type !== OBU.tileList);
    if (obus.length === 0) throw new RangeError("AV1 temporal unit without OBUs");
    const data = Buffer.concat(obus.map(withSize));
    const seqObu = obus.find((o) => o.type === OBU.sequenceHeader);
    const frameObu = obus.find((o) => o.type === OBU.frame || o.type === OBU.frameHeader);
    // A keyframe we can start a file on carries its sequence header (WebRTC senders repeat it).
    if (!seqObu || !frameObu) return { data, keyframe: false };
    const seq = parseAv1SequenceHeader(seqObu.payload);
    if (!isKeyFrameHeader(frameObu.payload, seq.reducedStillPictureHeader)) return { data, keyframe: false };
    const seqBytes = withSize(seqObu);
    return {
      data, keyframe: true, width: seq.width, height: seq.height,
      codecPrivate: av1C(seq, seqBytes),
      // AV1-in-Matroska: a track is one coded video sequence, every sequence header in it
      // bit-identical; a different one (a new maximum size) must start a new file.
      configKey: seqBytes.toString("base64"),
    };
  },
};
