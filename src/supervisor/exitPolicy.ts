/**
 * What a worker's exit means, pure (style.md §7 "classify, then act"), and the restart
 * backoff: 1 s, 2 s, … 30 s, reset once a worker stayed up for 60 s.
 */
import { EXIT_CONFIG } from "../config/errors.ts";
import type { WorkerExit } from "./WorkerProcess.ts";

/** `room-recorder worker` exit code when another worker already records the stream. */
export const EXIT_DUPLICATE = 3;
/**
 * `room-recorder worker` exit code when the publisher kept offering but no ICE pair ever
 * connected (EndReason "ice-failed"; the cause is in the worker's last heartbeat). She is still
 * in the room, so unlike exit 0 this is retried with backoff, for as long as the stream is there.
 */
export const EXIT_ICE_FAILED = 4;

export const ExitVerdict = {
  /** Exit 0: the connection ended (bye, peer lost, superseded, stopped). Not restarted for this publisher UUID. */
  finished: "finished",
  /** Exit 42: bad config; restarting cannot help. */
  badConfig: "bad-config",
  /** Exit 3: someone else records this stream. */
  duplicate: "duplicate",
  /** Exit 4: no ICE pair connected (TURN unreachable or refusing us, or checks timed out). Restart with backoff. */
  iceFailed: "ice-failed",
  /** Any other code, or a signal: restart with backoff. */
  crashed: "crashed",
} as const;
export type ExitVerdict = (typeof ExitVerdict)[keyof typeof ExitVerdict];

export function classifyExit(exit: Pick<WorkerExit, "code" | "signal">): ExitVerdict {
  if (exit.signal !== null) return ExitVerdict.crashed;
  if (exit.code === 0) return ExitVerdict.finished;
  if (exit.code === EXIT_CONFIG) return ExitVerdict.badConfig;
  if (exit.code === EXIT_DUPLICATE) return ExitVerdict.duplicate;
  if (exit.code === EXIT_ICE_FAILED) return ExitVerdict.iceFailed;
  return ExitVerdict.crashed;
}

export interface RestartPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A worker up this long resets the backoff. */
  readonly healthyMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialMs: 1000, maxMs: 30_000, healthyMs: 60_000 };

/** Delay before restart number `attempt` (0-based). */
export function restartDelay(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
}
