/** MSB-first bit reader for codec headers; throws RangeError when reading past the end. */
export class BitReader {
  readonly #buf: Buffer;
  #bit = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  get bitsLeft(): number {
    return this.#buf.length * 8 - this.#bit;
  }

  get bytePosition(): number {
    return Math.ceil(this.#bit / 8);
  }

  bit(): number {
    const byte = this.#buf[this.#bit >> 3];
    if (byte === undefined) throw new RangeError("bitstream truncated");
    const v = (byte >> (7 - (this.#bit & 7))) & 1;
    this.#bit++;
    return v;
  }

  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }

  skip(n: number): void {
    if (n > this.bitsLeft) throw new RangeError("bitstream truncated");
    this.#bit += n;
  }

  /** Unsigned Exp-Golomb (H.264 ue(v)). */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new RangeError("Exp-Golomb code too long");
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** Signed Exp-Golomb (H.264 se(v)). */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** Removes H.264 emulation-prevention bytes (00 00 03 → 00 00) so the RBSP can be bit-parsed. */
export function unescapeRbsp(nal: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const b of nal) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}
