/**
 * Per-track RTP reorder and dedupe buffer. Packets leave in sequence order; a gap is held open for
 * a bounded window (time or count) so NACK retransmissions can fill it, then declared lost.
 * Duplicates (RTX probes resend old packets, notes/werift-vdoninja.md) and packets older than what
 * was already released are dropped. Padding-only packets keep their sequence slot (so they do not
 * look like loss) but are never released as media.
 */
import type { RtpInput } from "./types.ts";

export type ReorderOutput = { readonly type: "packet"; readonly pkt: RtpInput } | { readonly type: "lost"; readonly count: number };

export interface ReorderOptions {
  /** Hold a gap open at most this long after the oldest waiting packet arrived. */
  readonly windowMs: number;
  /** … or until this many packets wait behind it. */
  readonly maxPackets: number;
}

export const DEFAULT_REORDER: ReorderOptions = { windowMs: 300, maxPackets: 512 };

export interface ReorderCounters {
  readonly duplicates: number;
  readonly late: number;
  readonly lost: number;
  readonly padding: number;
}

/** Sequence numbers further than this from the expected one mean the sender restarted. */
const RESYNC_DISTANCE = 3000;

export class ReorderBuffer {
  readonly #opts: ReorderOptions;
  readonly #waiting = new Map<number, RtpInput>();
  #highest: number | undefined;
  #next: number | undefined;
  #duplicates = 0;
  #late = 0;
  #lost = 0;
  #padding = 0;

  constructor(opts: ReorderOptions = DEFAULT_REORDER) {
    this.#opts = opts;
  }

  get counters(): ReorderCounters {
    return { duplicates: this.#duplicates, late: this.#late, lost: this.#lost, padding: this.#padding };
  }

  push(pkt: RtpInput): ReorderOutput[] {
    const ext = this.#extend(pkt.sequenceNumber);
    if (this.#next === undefined) this.#next = ext;
    if (Math.abs(ext - this.#next) > RESYNC_DISTANCE) {
      // A jump this large is a new sender (or a broken one), not loss: start over from here.
      const out = this.flush();
      this.#highest = ext;
      this.#next = ext;
      return [...out, ...this.push(pkt)];
    }
    if (ext < this.#next) {
      this.#late++;
      return [];
    }
    if (this.#waiting.has(ext)) {
      this.#duplicates++;
      return [];
    }
    this.#waiting.set(ext, pkt);
    return this.#release(pkt.arrivalMs);
  }

  /** Releases everything still held (end of stream), declaring the holes lost. */
  flush(): ReorderOutput[] {
    return this.#release(Number.POSITIVE_INFINITY);
  }

  #release(nowMs: number): ReorderOutput[] {
    const out: ReorderOutput[] = [];
    while (this.#waiting.size > 0 && this.#next !== undefined) {
      const pkt = this.#waiting.get(this.#next);
      if (pkt) {
        this.#waiting.delete(this.#next);
        this.#next++;
        if (pkt.payload.length === 0) this.#padding++;
        else out.push({ type: "packet", pkt });
        continue;
      }
      if (!this.#gapExpired(nowMs)) break;
      const first = Math.min(...this.#waiting.keys());
      const count = first - this.#next;
      this.#lost += count;
      out.push({ type: "lost", count });
      this.#next = first;
    }
    return out;
  }

  #gapExpired(nowMs: number): boolean {
    if (this.#waiting.size >= this.#opts.maxPackets) return true;
    let oldest = Number.POSITIVE_INFINITY;
    for (const p of this.#waiting.values()) oldest = Math.min(oldest, p.arrivalMs);
    return nowMs - oldest >= this.#opts.windowMs;
  }

  #extend(seq: number): number {
    if (this.#highest === undefined) {
      this.#highest = seq;
      return seq;
    }
    let delta = (seq - (this.#highest & 0xffff)) & 0xffff;
    if (delta >= 0x8000) delta -= 0x10000;
    const ext = this.#highest + delta;
    if (ext > this.#highest) this.#highest = ext;
    return ext;
  }
}
