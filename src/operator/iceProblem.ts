/**
 * A stream whose worker finds no ICE path to the publisher (issue 12), as the stream's
 * reason/message in status, the Degraded/Ready conditions and a Warning Event. The cause comes
 * from the worker's heartbeat (`iceFailure`, classified by stream-worker/iceFailure.ts), which it
 * sends while it asks the publisher again and once more as it exits with EXIT_ICE_FAILED.
 */
import { IceFailureCause, type Heartbeat } from "../bus/messages.ts";

/** CamelCase reasons, one per cause, for conditions and Events. */
export const IceProblemReason = {
  turnUnreachable: "TurnUnreachable",
  turnAuth: "TurnAuthFailed",
  timeout: "IceTimeout",
} as const;
export type IceProblemReason = (typeof IceProblemReason)[keyof typeof IceProblemReason];

const REASON_OF: Readonly<Record<IceFailureCause, IceProblemReason>> = {
  [IceFailureCause.turnUnreachable]: IceProblemReason.turnUnreachable,
  [IceFailureCause.turnAuth]: IceProblemReason.turnAuth,
  [IceFailureCause.timeout]: IceProblemReason.timeout,
};

export const ICE_PROBLEM_REASONS: ReadonlySet<string> = new Set(Object.values(IceProblemReason));

export interface IceProblem {
  readonly reason: IceProblemReason;
  readonly message: string;
}

/** The ICE problem the worker reported last, if its last connection attempt found no pair. */
export function iceProblem(hb: Heartbeat | undefined): IceProblem | undefined {
  const failure = hb?.iceFailure;
  const reason = failure && REASON_OF[failure.cause];
  // The heartbeat crossed the bus: an unknown cause from another version is no reason to show.
  return reason ? { reason, message: `no ICE path to the publisher: ${failure.detail}` } : undefined;
}
