/**
 * Merges the frames of several tracks into one wall-clock-ordered sequence for the muxer.
 * A frame leaves when every track has something queued (a k-way merge: nothing earlier can still
 * come), or when it is older than the newest queued frame by more than `holdMs` (a silent or
 * stalled track must not hold the file back).
 */
export interface Timed {
  readonly trackKey: string;
  readonly wallMs: number;
  /** Goes before frames of the same instant (a video keyframe: a segment may start on it). */
  readonly leads?: boolean;
}

export class Interleaver<T extends Timed> {
  readonly #holdMs: number;
  readonly #tracks = new Set<string>();
  #queue: T[] = [];

  constructor(holdMs: number) {
    this.#holdMs = holdMs;
  }

  addTrack(key: string): void {
    this.#tracks.add(key);
  }

  push(item: T): T[] {
    this.#tracks.add(item.trackKey);
    // Insert after every queued frame with an earlier time, and after those of the same time
    // unless this one leads: audio of the keyframe's instant then lands in the keyframe's segment.
    let i = this.#queue.length;
    while (i > 0 && goesBefore(item, this.#queue[i - 1] as T)) i--;
    this.#queue.splice(i, 0, item);
    const out: T[] = [];
    while (this.#queue.length > 0 && this.#headReady()) out.push(this.#queue.shift() as T);
    return out;
  }

  drain(): T[] {
    const out = this.#queue;
    this.#queue = [];
    return out;
  }

  #headReady(): boolean {
    const head = this.#queue[0] as T;
    const newest = this.#queue[this.#queue.length - 1] as T;
    if (newest.wallMs - head.wallMs > this.#holdMs) return true;
    const queued = new Set(this.#queue.map((q) => q.trackKey));
    for (const t of this.#tracks) if (!queued.has(t)) return false;
    return true;
  }
}

function goesBefore(a: Timed, b: Timed): boolean {
  return a.wallMs < b.wallMs || (a.wallMs === b.wallMs && a.leads === true && b.leads !== true);
}
