/**
 * EBML primitives (RFC 8794): element ids, variable-size integers and typed element bodies.
 * Pure: every function returns a Buffer; nothing here knows about files.
 */

/** Bytes of an element id as written (ids already carry their length marker bits). */
export function idBytes(id: number): Buffer {
  const len = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const b = Buffer.alloc(len);
  b.writeUIntBE(id, 0, len);
  return b;
}

/** Element data size as an EBML vint, in the shortest form unless `width` forces 1..8 bytes. */
export function sizeVint(size: number, width?: number): Buffer {
  let len = width ?? 1;
  // 2^(7*len) - 1 is reserved for "unknown size", so a size must stay strictly below it.
  while (width === undefined && size >= 2 ** (7 * len) - 1) len++;
  if (len > 8 || size >= 2 ** (7 * len) - 1) throw new RangeError(`EBML size ${size} does not fit in ${len} bytes`);
  const b = Buffer.alloc(len);
  let v = size;
  for (let i = len - 1; i >= 0; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  b[0] = (b[0] ?? 0) | (0x80 >> (len - 1));
  return b;
}

/** The 8-byte "unknown size" marker (RFC 8794 §6.2), for elements whose end is not known yet. */
export const UNKNOWN_SIZE = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export function element(id: number, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  return Buffer.concat([idBytes(id), sizeVint(body.length), body]);
}

export function uintElement(id: number, value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError("uint element must not be negative");
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return element(id, Buffer.from(bytes));
}

/** Signed 8-byte integer element (DateUTC). */
export function intElement(id: number, value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(value);
  return element(id, b);
}

/** 8-byte float element; fixed width so it can be patched in place (Duration). */
export function floatElement(id: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(value);
  return element(id, b);
}

export function stringElement(id: number, value: string): Buffer {
  return element(id, Buffer.from(value, "utf8"));
}

export function binaryElement(id: number, value: Buffer): Buffer {
  return element(id, value);
}

/** A Void element filling exactly `total` bytes (total >= 2), used to reserve space. */
export function voidElement(total: number): Buffer {
  if (total < 2) throw new RangeError("a Void element needs at least 2 bytes");
  // 1 id byte + size vint; with an 8-byte size field any total from 9 up works, below that use 1 byte.
  const sizeLen = total - 1 - 1 <= 126 ? 1 : 8;
  const dataLen = total - 1 - sizeLen;
  return Buffer.concat([Buffer.from([0xec]), sizeVint(dataLen, sizeLen), Buffer.alloc(dataLen)]);
}
