import type { CandidateJson } from "./iceBundling.ts";
import type { SessionId } from "./session.ts";

/**
 * ICE that arrived before its offer (spec §2.6: the SDK keeps it 15 s, ≤ 100 per peer, ≤ 500
 * keys). Bounded so a stranger cannot grow our memory: extra candidates are dropped, oldest
 * first per peer; at most `MAX_PEERS` peers are remembered.
 */
export const PENDING_ICE_TTL_MS = 15_000;
export const PENDING_ICE_PER_PEER = 100;
export const PENDING_ICE_PEERS = 8;

interface Entry {
  readonly session: SessionId | undefined;
  readonly candidate: CandidateJson;
  readonly at: number;
}

export class PendingIce {
  readonly #byPeer = new Map<string, Entry[]>();

  /** Returns how many candidates were dropped to stay within bounds. */
  push(uuid: string, session: SessionId | undefined, candidates: readonly CandidateJson[], now = Date.now()): number {
    let dropped = 0;
    if (!this.#byPeer.has(uuid) && this.#byPeer.size >= PENDING_ICE_PEERS) {
      const oldest = this.#byPeer.keys().next().value as string;
      dropped += this.#byPeer.get(oldest)?.length ?? 0;
      this.#byPeer.delete(oldest);
    }
    const list = this.#byPeer.get(uuid) ?? [];
    for (const candidate of candidates) list.push({ session, candidate, at: now });
    while (list.length > PENDING_ICE_PER_PEER) {
      list.shift();
      dropped++;
    }
    this.#byPeer.set(uuid, list);
    return dropped;
  }

  /** Removes and returns the fresh candidates of `uuid` that belong to `session`. */
  take(uuid: string, session: SessionId, now = Date.now()): CandidateJson[] {
    const list = this.#byPeer.get(uuid) ?? [];
    this.#byPeer.delete(uuid);
    return list
      .filter((e) => now - e.at <= PENDING_ICE_TTL_MS && (e.session === undefined || e.session === session))
      .map((e) => e.candidate);
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byPeer.values()) n += list.length;
    return n;
  }
}
