/**
 * What the signaler knows about each stream's worker, and when to `play` (pure; the caller
 * owns time and the socket). Rules (design "Data flow" step 3, spec §8.2, §8.7):
 * - play only after the worker said `ready`, so no offer is ever lost;
 * - never twice for a stream that is connected or pending on this socket;
 * - no offer within the re-play delay → play again, backing off (REPLAY_BACKOFF);
 * - a new socket forgets pending plays (the server's play queue was per socket): every
 *   worker that is not connected is played once more;
 * - a worker whose connection was lost asks for the stream again with a higher `rearm` in its
 *   `ready` (stream-worker/lossPolicy.ts): that is a new request, played even though the same
 *   instance was connected; the same `rearm` again is a repeat.
 */
import { backoffDelay, REPLAY_BACKOFF } from "./backoff.ts";

export const LinkPhase = {
  /** Subscribed and waiting; not played on this socket yet. */
  ready: "ready",
  /** `play` sent on this socket; waiting for the publisher's offer. */
  playing: "playing",
  /** Offer routed to the worker; it is negotiating. */
  offered: "offered",
  connected: "connected",
} as const;
export type LinkPhase = (typeof LinkPhase)[keyof typeof LinkPhase];

interface Link {
  instance: string;
  /** The highest `rearm` this instance sent. */
  rearm: number;
  phase: LinkPhase;
  /** Plays sent since the last offer (for the re-play backoff). */
  plays: number;
  playedAt: number;
}

export class WorkerLinks {
  readonly #links = new Map<string, Link>();

  /** A worker said `ready`. True when it should be played now (if its stream is live). */
  ready(key: string, instance: string, rearm = 0): boolean {
    const link = this.#links.get(key);
    if (link?.instance === instance) {
      // An older request arriving late says nothing new.
      if (rearm < link.rearm) return false;
      // The same process repeating itself (answer to `hello`, or a retry): nothing new.
      if (rearm === link.rearm && link.phase !== LinkPhase.ready) return false;
    }
    this.#links.set(key, { instance, rearm, phase: LinkPhase.ready, plays: 0, playedAt: 0 });
    return true;
  }

  connected(key: string, instance: string): void {
    const link = this.#links.get(key);
    if (link && link.instance !== instance) return;
    this.#links.set(key, { instance, rearm: link?.rearm ?? 0, phase: LinkPhase.connected, plays: 0, playedAt: 0 });
  }

  /** The worker ended; false when it was an older instance than the one we track. */
  ended(key: string, instance: string): boolean {
    const link = this.#links.get(key);
    if (!link || link.instance !== instance) return false;
    this.#links.delete(key);
    return true;
  }

  /** Whether `key` may be played now: its worker is ready and not yet played on this socket. */
  playable(key: string): boolean {
    return this.#links.get(key)?.phase === LinkPhase.ready;
  }

  played(key: string, now: number): void {
    const link = this.#links.get(key);
    if (!link) return;
    link.phase = LinkPhase.playing;
    link.plays += 1;
    link.playedAt = now;
  }

  /**
   * A publisher's message reached this stream's worker: stop re-playing, or never play when
   * the publisher offered first (a held fan-out offer, spec §2.7).
   */
  offered(key: string): void {
    const link = this.#links.get(key);
    if (link?.phase === LinkPhase.playing || link?.phase === LinkPhase.ready) {
      link.phase = LinkPhase.offered;
      link.plays = 0;
    }
  }

  /** Streams whose play got no offer in time: the caller plays them again. */
  due(now: number): string[] {
    const keys: string[] = [];
    for (const [key, link] of this.#links) {
      if (link.phase === LinkPhase.playing && now - link.playedAt >= backoffDelay(REPLAY_BACKOFF, link.plays - 1)) keys.push(key);
    }
    return keys;
  }

  /** A new socket: everything not connected goes back to `ready`. Returns those keys. */
  newSocket(): string[] {
    const keys: string[] = [];
    for (const [key, link] of this.#links) {
      if (link.phase === LinkPhase.connected) continue;
      link.phase = LinkPhase.ready;
      link.plays = 0;
      keys.push(key);
    }
    return keys;
  }

  isConnected(key: string): boolean {
    return this.#links.get(key)?.phase === LinkPhase.connected;
  }

  phaseOf(key: string): LinkPhase | undefined {
    return this.#links.get(key)?.phase;
  }

  keys(): string[] {
    return [...this.#links.keys()];
  }
}
