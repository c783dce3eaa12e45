/**
 * Delays for retrying, pure. Reconnects: 1 s doubling to 30 s with equal jitter, so a room of
 * recorders that lost the server together does not come back in lockstep (spec §1.4: the SDK
 * uses min(1000·2^(n-1), 30000)). Re-plays: 10 s doubling to 5 min, because a publisher that
 * does not offer is usually full (`&maxviewers`) and must not be flooded (spec §8.8).
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** 0 = exact delays; 0.5 = each delay is drawn from [50 %, 100 %] of the nominal one. */
  readonly jitter: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, jitter: 0.5 };
export const REPLAY_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000, jitter: 0 };

/** Delay before retry number `attempt` (0 = the first retry). `random` in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number = Math.random()): number {
  const nominal = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(nominal * (1 - policy.jitter + policy.jitter * random));
}
