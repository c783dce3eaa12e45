/**
 * A keyed work queue (style.md §10, pepr `queue.ts`): each key (`namespace/name`) is processed by
 * at most one handler at a time; adding a key that is queued or running coalesces into one more
 * pass; delayed adds keep the earliest deadline. Handlers never throw into the queue: failures
 * are the caller's to translate into a delayed retry.
 */
export type Handler = (key: string) => Promise<void>;

export class WorkQueue {
  readonly #handler: Handler;
  readonly #concurrency: number;
  readonly #ready: string[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  /** Keys added while running: run again when the current pass ends. */
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  #active = 0;
  #closed = false;

  constructor(handler: Handler, concurrency = 2) {
    this.#handler = handler;
    this.#concurrency = concurrency;
  }

  get depth(): number {
    return this.#ready.length;
  }

  add(key: string, delayMs = 0): void {
    if (this.#closed) return;
    if (delayMs > 0) return this.#addLater(key, delayMs);
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#ready.push(key);
    this.#pump();
  }

  /** Forget a key's pending delayed add (its object is gone). */
  forget(key: string): void {
    const t = this.#timers.get(key);
    if (t) clearTimeout(t.timer);
    this.#timers.delete(key);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#ready.length = 0;
    this.#queued.clear();
  }

  #addLater(key: string, delayMs: number): void {
    const at = Date.now() + delayMs;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  #pump(): void {
    while (!this.#closed && this.#active < this.#concurrency && this.#ready.length > 0) {
      const key = this.#ready.shift()!;
      this.#queued.delete(key);
      this.#running.add(key);
      this.#active++;
      void this.#handler(key).finally(() => {
        this.#active--;
        this.#running.delete(key);
        if (this.#dirty.delete(key)) this.add(key);
        this.#pump();
      });
    }
  }
}
