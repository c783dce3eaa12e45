/**
 * Transparent chunking of bus payloads larger than the NATS server's `max_payload` (1 MB by
 * default; operators sometimes lower it). An SDP with many codecs and candidates is tens of KB,
 * a roster snapshot of a full room (~80 streams) a few tens of KB, so chunking is rare — but a
 * message is never dropped for being large (docs/nats.md, "Large payloads").
 *
 * Wire form: the JSON bytes are cut into pieces; each piece travels as its own NATS message on
 * the same subject, with the header `Rr-Chunk: <id>;<index>;<count>`. A sender's messages reach a
 * subscriber in order on one connection, but the assembler does not rely on it. Pieces of a
 * message lost to a reconnect never complete and expire.
 */

export const CHUNK_HEADER = "Rr-Chunk";

export interface ChunkTag {
  readonly id: string;
  readonly index: number;
  readonly count: number;
}

/** Upper bounds, so a misbehaving sender cannot make a receiver hold unbounded memory. */
export interface AssemblerLimits {
  /** Largest reassembled message. @default 16 MiB */
  readonly maxMessageBytes: number;
  /** All incomplete messages together. @default 64 MiB */
  readonly maxPendingBytes: number;
  /** An incomplete message is forgotten after this long. @default 30000 */
  readonly expireMs: number;
}

export const DEFAULT_ASSEMBLER_LIMITS: AssemblerLimits = { maxMessageBytes: 16 << 20, maxPendingBytes: 64 << 20, expireMs: 30_000 };

const MAX_CHUNKS = 4096;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function formatChunkTag(t: ChunkTag): string {
  return `${t.id};${t.index};${t.count}`;
}

export function parseChunkTag(v: string): ChunkTag | undefined {
  const [id, index, count, ...rest] = v.split(";");
  if (rest.length > 0 || id === undefined || !ID.test(id) || index === undefined || count === undefined) return undefined;
  const i = Number(index);
  const n = Number(count);
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n) || n < 1 || n > MAX_CHUNKS || i < 0 || i >= n) return undefined;
  return { id, index: i, count: n };
}

/** Cut `bytes` into pieces of at most `maxChunkBytes` (views, no copies). */
export function splitPayload(bytes: Uint8Array, maxChunkBytes: number): Uint8Array[] {
  if (!(maxChunkBytes >= 1)) throw new TypeError(`maxChunkBytes must be >= 1, got ${maxChunkBytes}`);
  const pieces: Uint8Array[] = [];
  for (let off = 0; off < bytes.length; off += maxChunkBytes) pieces.push(bytes.subarray(off, off + maxChunkBytes));
  if (pieces.length > MAX_CHUNKS) throw new RangeError(`payload of ${bytes.length} bytes needs more than ${MAX_CHUNKS} chunks`);
  return pieces;
}

interface Partial {
  readonly count: number;
  readonly pieces: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  readonly firstAt: number;
}

export type AddResult =
  | { readonly kind: "complete"; readonly bytes: Uint8Array }
  | { readonly kind: "pending" }
  | { readonly kind: "rejected"; readonly reason: string };

/** Collects the pieces of chunked messages; one per subscription. Time is passed in. */
export class ChunkAssembler {
  readonly #limits: AssemblerLimits;
  readonly #partials = new Map<string, Partial>();
  #pendingBytes = 0;

  constructor(limits: AssemblerLimits = DEFAULT_ASSEMBLER_LIMITS) {
    this.#limits = limits;
  }

  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  add(tag: ChunkTag, piece: Uint8Array, now: number): AddResult {
    this.#expire(now);
    let p = this.#partials.get(tag.id);
    if (!p) {
      p = { count: tag.count, pieces: new Array(tag.count).fill(undefined), received: 0, bytes: 0, firstAt: now };
      this.#partials.set(tag.id, p);
    }
    if (p.count !== tag.count) return this.#drop(tag.id, `chunk count changed from ${p.count} to ${tag.count}`);
    if (p.pieces[tag.index] !== undefined) return { kind: "pending" }; // a duplicate: ignore
    if (p.bytes + piece.length > this.#limits.maxMessageBytes) return this.#drop(tag.id, `message exceeds ${this.#limits.maxMessageBytes} bytes`);
    if (this.#pendingBytes + piece.length > this.#limits.maxPendingBytes) return this.#drop(tag.id, `pending chunks exceed ${this.#limits.maxPendingBytes} bytes`);
    p.pieces[tag.index] = piece.slice(); // the transport may reuse its buffer
    p.received++;
    p.bytes += piece.length;
    this.#pendingBytes += piece.length;
    if (p.received < p.count) return { kind: "pending" };
    this.#forget(tag.id);
    const out = new Uint8Array(p.bytes);
    let off = 0;
    for (const piece of p.pieces as Uint8Array[]) {
      out.set(piece, off);
      off += piece.length;
    }
    return { kind: "complete", bytes: out };
  }

  #expire(now: number): void {
    for (const [id, p] of this.#partials) if (now - p.firstAt > this.#limits.expireMs) this.#forget(id);
  }

  #drop(id: string, reason: string): AddResult {
    this.#forget(id);
    return { kind: "rejected", reason };
  }

  #forget(id: string): void {
    const p = this.#partials.get(id);
    if (!p) return;
    this.#pendingBytes -= p.bytes;
    this.#partials.delete(id);
  }
}
