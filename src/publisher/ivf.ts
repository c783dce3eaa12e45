/**
 * IVF reader (the container libvpx and `ffmpeg -f ivf` write): a 32-byte file header, then
 * per frame a 12-byte header (size, 64-bit pts) and the frame. Pure: bytes in, frames out.
 */
export interface IvfFile {
  readonly fourcc: string;
  readonly width: number;
  readonly height: number;
  /** Frame rate as timebase denominator / numerator (e.g. 30/1). */
  readonly fps: number;
  readonly frames: readonly Buffer[];
}

const FILE_HEADER = 32;
const FRAME_HEADER = 12;

export function parseIvf(buf: Buffer): IvfFile {
  if (buf.length < FILE_HEADER || buf.toString("latin1", 0, 4) !== "DKIF") throw new Error("not an IVF file");
  const headerLength = buf.readUInt16LE(6);
  const rate = buf.readUInt32LE(16);
  const scale = buf.readUInt32LE(20);
  const frames: Buffer[] = [];
  let at = headerLength;
  while (at + FRAME_HEADER <= buf.length) {
    const size = buf.readUInt32LE(at);
    const start = at + FRAME_HEADER;
    if (start + size > buf.length) throw new Error(`IVF frame ${frames.length} truncated`);
    frames.push(buf.subarray(start, start + size));
    at = start + size;
  }
  return {
    fourcc: buf.toString("latin1", 8, 12),
    width: buf.readUInt16LE(12),
    height: buf.readUInt16LE(14),
    fps: scale > 0 ? rate / scale : 0,
    frames,
  };
}

/** VP8 key frames have the inverse key-frame bit (bit 0 of the first byte) cleared (RFC 6386 §9.1). */
export function isVp8Keyframe(frame: Buffer): boolean {
  return frame.length > 0 && (frame[0]! & 0x01) === 0;
}
