/**
 * At most one worker records a stream, even when two are started for it by mistake (a
 * supervisor restarted mid-start, an operator and a developer both running one, a pod
 * rescheduled while the old one still lives). Transport-agnostic: NATS and IPC alike.
 *
 * Protocol on `rr.<scope>.<rec>.stream.<key>.claim` (docs/nats.md, "Claims"):
 * 1. the newcomer subscribes to the claim subject, then requests on it with
 *    `{ type: "claim", instance, since }`;
 * 2. a worker that holds the stream answers `{ type: "owned", instance, since }`: the newcomer
 *    gives up (EndReason `duplicate`);
 * 3. two newcomers at once both see each other's claim (each subscribed before asking): the
 *    older `(since, instance)` answers as if it owned the stream, the younger gives up silently;
 * 4. no answer within the window: the stream is ours, and we answer claims until released.
 */
import type { Bus, BusMessage, Subscription } from "./Bus.ts";
import { BusTimeoutError } from "./errors.ts";
import { subjects, type SubjectScope } from "./subjects.ts";
import type { Logger } from "../observability/logger.ts";

export interface Claimant {
  readonly instance: string;
  /** Wall-clock ms when the claimant started to claim. */
  readonly since: number;
}

export type ClaimResult =
  | { readonly won: true; readonly claim: StreamClaim }
  | { readonly won: false; readonly owner: Claimant };

/** How long a newcomer waits for an owner's answer. @default 1000 */
export const DEFAULT_CLAIM_WINDOW_MS = 1000;

/** The older claim wins; equal times are broken by instance id, so exactly one side wins. */
export function claimWins(mine: Claimant, theirs: Claimant): boolean {
  return mine.since !== theirs.since ? mine.since < theirs.since : mine.instance < theirs.instance;
}

export function parseClaimant(v: unknown, type: "claim" | "owned"): Claimant | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.type !== type || typeof o.instance !== "string" || o.instance.length === 0 || o.instance.length > 128) return undefined;
  if (typeof o.since !== "number" || !Number.isFinite(o.since)) return undefined;
  return { instance: o.instance, since: o.since };
}

/** A held claim: answers newcomers until `release()`. */
export class StreamClaim {
  readonly #sub: Subscription;
  #released = false;

  constructor(sub: Subscription) {
    this.#sub = sub;
  }

  get released(): boolean {
    return this.#released;
  }

  /** Idempotent. After it, a newcomer may claim the stream. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#sub.unsubscribe();
  }
}

export async function claimStream(
  bus: Bus,
  opts: { scope: SubjectScope; key: string; me: Claimant; log: Logger; windowMs?: number },
): Promise<ClaimResult> {
  const { me, log } = opts;
  const subject = subjects.claim(opts.scope, opts.key);
  // Mutated by the handler while we wait: an object, so the compiler does not narrow it away.
  const race: { state: "contending" | "owned" | "lost"; rival?: Claimant } = { state: "contending" };
  const onClaim = (msg: BusMessage): void => {
    const other = parseClaimant(msg.data, "claim");
    if (!other) {
      log.warn({ subject }, "claim: malformed claim dropped");
      return;
    }
    if (other.instance === me.instance || race.state === "lost") return;
    if (race.state === "owned" || claimWins(me, other)) {
      if (msg.reply !== undefined) bus.respond(msg, { type: "owned", ...me });
    } else {
      race.state = "lost";
      race.rival = other;
    }
  };
  const sub = bus.subscribe(subject, onClaim);
  await bus.flush();
  let owner: Claimant | undefined;
  try {
    const answer = await bus.request(subject, { type: "claim", ...me }, { timeoutMs: opts.windowMs ?? DEFAULT_CLAIM_WINDOW_MS });
    owner = parseClaimant(answer, "owned");
    if (!owner) log.warn({ subject }, "claim: malformed answer ignored");
  } catch (err) {
    if (!(err instanceof BusTimeoutError)) {
      sub.unsubscribe();
      throw err;
    }
  }
  owner ??= race.state === "lost" ? race.rival : undefined;
  if (owner) {
    race.state = "lost";
    sub.unsubscribe();
    log.warn({ owner: owner.instance, since: owner.since }, "claim: another worker already records this stream");
    return { won: false, owner };
  }
  race.state = "owned";
  return { won: true, claim: new StreamClaim(sub) };
}
