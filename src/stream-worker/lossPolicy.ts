/**
 * What a worker does when its publisher connection is lost without a `bye` (pure; the worker
 * owns the clock). The server never announces departures (spec §2.3, §8.6), so a lost
 * connection does not prove the publisher left: on a flaky network she is still in the room and
 * the browser viewer simply plays her again 5 s later (spec §8.6). The worker does the same a
 * bounded number of times (spec §8.8: never flood `play`), and only when the budget is spent
 * does the loss count as a departure (`peer-lost`).
 */

export interface LossPolicy {
  /** Requests for the stream per streak of losses. */
  readonly maxAttempts: number;
  /** Wait before the first request; it doubles with each attempt of a streak. */
  readonly firstDelayMs: number;
  /** A connection that stayed up this long ends the streak: the next loss starts a new budget. */
  readonly stableMs: number;
  /** After asking, no offer within this long is a failed attempt (the publisher may be gone). */
  readonly offerWaitMs: number;
}

/**
 * 3 attempts, 2 s / 4 s / 8 s after the loss was confirmed (3 s rebuild grace first: the first
 * request goes out 5 s after the loss, as the browser's). The offer wait covers one re-play by
 * the signaler (10 s, WorkerLinks). A connection up 30 s (three times the inactivity timeout)
 * was not part of the same outage.
 */
export const DEFAULT_LOSS_POLICY: LossPolicy = { maxAttempts: 3, firstDelayMs: 2000, stableMs: 30_000, offerWaitMs: 15_000 };

export interface Loss {
  /** Attempts already made in the current streak. */
  readonly attempts: number;
  /** How long the lost connection had been connected; undefined if it never connected or no offer came. */
  readonly connectedForMs?: number;
}

export type LossDecision =
  /** Ask the signaler to `play` again after `delayMs`; this is attempt `attempt` of `of`. */
  | { readonly action: "ask-again"; readonly attempt: number; readonly of: number; readonly delayMs: number }
  /** Budget spent: the worker ends with `peer-lost`. */
  | { readonly action: "end"; readonly attempts: number };

export function afterLoss(policy: LossPolicy, loss: Loss): LossDecision {
  const stable = loss.connectedForMs !== undefined && loss.connectedForMs >= policy.stableMs;
  const used = stable ? 0 : loss.attempts;
  if (used >= policy.maxAttempts) return { action: "end", attempts: used };
  return { action: "ask-again", attempt: used + 1, of: policy.maxAttempts, delayMs: policy.firstDelayMs * 2 ** used };
}
