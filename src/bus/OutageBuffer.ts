/**
 * Publishes held while the NATS connection is down, in order, bounded in bytes: when full, the
 * oldest go first (a stale heartbeat matters less than the newest `ended`).
 */
export interface BufferedPublish<O> {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly opts: O;
}

export class OutageBuffer<O = unknown> {
  readonly #maxBytes: number;
  #items: BufferedPublish<O>[] = [];
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#items.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Appends `item`; returns how many older items were dropped to make room. */
  push(item: BufferedPublish<O>): number {
    this.#items.push(item);
    this.#bytes += item.data.length;
    let dropped = 0;
    while (this.#bytes > this.#maxBytes && this.#items.length > 1) {
      this.#bytes -= this.#items.shift()!.data.length;
      dropped++;
    }
    return dropped;
  }

  /** Everything held, oldest first; the buffer is empty afterwards. */
  take(): BufferedPublish<O>[] {
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    return items;
  }
}
