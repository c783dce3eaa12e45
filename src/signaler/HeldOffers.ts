/**
 * Offers a publisher made before its stream had a worker, and the messages (ICE) that follow
 * them from the same peer, held until the worker says `ready` (pure; the caller owns time).
 *
 * Why: in the fan-out dialect (spec §2.7) there is no listing; publishers already in the room
 * offer as soon as they see our `joinroom`. Playing the stream later does not help: a
 * publisher with a pending connection ignores a second request (spec §8.2, "keener"). So the
 * unprompted offer is handed to the worker instead of a `play`.
 *
 * Bounded like the SDK's early-ICE queue (spec §2.6: 15 s, ≤100 per peer, ≤500 keys) plus a
 * size budget, because every message is a stranger's frame of up to 512 KiB: a hold past its
 * TTL is forgotten, a peer's messages past the limits are dropped, and a new hold that would
 * exceed the totals is refused. A hold is never evicted for a newcomer: a flood of fake offers
 * cannot push out a real publisher's.
 */
export const HELD_TTL_MS = 15_000;
export const HELD_MESSAGES_PER_PEER = 100;
export const HELD_CHARS_PER_PEER = 1024 * 1024;
export const HELD_PEERS = 256;
export const HELD_CHARS_TOTAL = 32 * 1024 * 1024;

export const HoldOutcome = {
  held: "held",
  /** The peer's hold already has `HELD_MESSAGES_PER_PEER` messages or `HELD_CHARS_PER_PEER` chars. */
  peerFull: "peer-full",
  /** `HELD_PEERS` holds or `HELD_CHARS_TOTAL` chars held in all. */
  full: "full",
} as const;
export type HoldOutcome = (typeof HoldOutcome)[keyof typeof HoldOutcome];

interface Hold<T> {
  /** The stream key the offer announced. */
  readonly key: string;
  readonly since: number;
  readonly messages: T[];
  chars: number;
}

export class HeldOffers<T> {
  readonly #byPeer = new Map<string, Hold<T>>();
  #chars = 0;

  /**
   * An offer from `uuid` for stream `key` with no worker to take it. A newer offer from the
   * same peer replaces its hold: the publisher built a new connection (spec §2.6, new session).
   */
  offer(uuid: string, key: string, message: T, chars: number, now: number): HoldOutcome {
    this.prune(now);
    this.#forget(uuid);
    if (this.#byPeer.size >= HELD_PEERS || this.#chars + chars > HELD_CHARS_TOTAL) return HoldOutcome.full;
    if (chars > HELD_CHARS_PER_PEER) return HoldOutcome.peerFull;
    this.#byPeer.set(uuid, { key, since: now, messages: [message], chars });
    this.#chars += chars;
    return HoldOutcome.held;
  }

  /** A later message from `uuid`; undefined when that peer has no live hold (not ours to keep). */
  follow(uuid: string, message: T, chars: number, now: number): HoldOutcome | undefined {
    const hold = this.#fresh(uuid, now);
    if (!hold) return undefined;
    if (hold.messages.length >= HELD_MESSAGES_PER_PEER || hold.chars + chars > HELD_CHARS_PER_PEER) return HoldOutcome.peerFull;
    if (this.#chars + chars > HELD_CHARS_TOTAL) return HoldOutcome.full;
    hold.messages.push(message);
    hold.chars += chars;
    this.#chars += chars;
    return HoldOutcome.held;
  }

  /** Removes and returns what `uuid` sent for stream `key`, in order; [] when nothing fresh. */
  take(uuid: string, key: string, now: number): T[] {
    const hold = this.#fresh(uuid, now);
    if (!hold || hold.key !== key) return [];
    this.#forget(uuid);
    return hold.messages;
  }

  /** Forgets holds past their TTL; returns how many messages went with them. */
  prune(now: number): number {
    let expired = 0;
    for (const [uuid, hold] of this.#byPeer) {
      if (now - hold.since < HELD_TTL_MS) continue;
      expired += hold.messages.length;
      this.#forget(uuid);
    }
    return expired;
  }

  clear(): void {
    this.#byPeer.clear();
    this.#chars = 0;
  }

  /** Peers with a hold (expired ones included until the next prune). */
  get peers(): number {
    return this.#byPeer.size;
  }

  get chars(): number {
    return this.#chars;
  }

  #fresh(uuid: string, now: number): Hold<T> | undefined {
    const hold = this.#byPeer.get(uuid);
    if (hold && now - hold.since >= HELD_TTL_MS) {
      this.#forget(uuid);
      return undefined;
    }
    return hold;
  }

  #forget(uuid: string): void {
    const hold = this.#byPeer.get(uuid);
    if (!hold) return;
    this.#chars -= hold.chars;
    this.#byPeer.delete(uuid);
  }
}
