/**
 * Is the publisher still there? (spec §8.6, notes/werift-vdoninja.md "Departure and liveness":
 * a killed browser gives werift no `bye` and no DC close, and connectionState stays `connected`
 * for ~25 s.) So besides the peer connection state we watch media and ping on the data channel.
 * The verdict is pure; `Liveness` only runs the clock.
 */

export interface LivenessLimits {
  /** `disconnected` longer than this is a departure (the browser viewer uses 5 s). */
  readonly disconnectedMs: number;
  /** No media (or, before media, no connection progress) for this long. */
  readonly inactivityMs: number;
  readonly pingIntervalMs: number;
  /** Unanswered pings before giving up (Raspberry.Ninja: 10 at 3 s). */
  readonly maxUnansweredPings: number;
}

export const DEFAULT_LIVENESS: Omit<LivenessLimits, "inactivityMs"> = {
  disconnectedMs: 5000,
  pingIntervalMs: 3000,
  maxUnansweredPings: 10,
};

export interface LivenessState {
  readonly connectionState: string;
  /** When the connection entered `disconnected`, if it is there now. */
  readonly disconnectedSince?: number;
  /** Last media packet, or the moment the connection was set up if none yet. */
  readonly lastActivityAt: number;
  readonly unansweredPings: number;
}

/** Why the peer counts as gone, or undefined while it is alive. */
export function livenessVerdict(s: LivenessState, limits: LivenessLimits, now: number): string | undefined {
  if (s.connectionState === "failed" || s.connectionState === "closed") return `connection ${s.connectionState}`;
  if (s.disconnectedSince !== undefined && now - s.disconnectedSince > limits.disconnectedMs) return "disconnected too long";
  if (now - s.lastActivityAt > limits.inactivityMs) return "no media";
  if (s.unansweredPings >= limits.maxUnansweredPings) return "pings unanswered";
  return undefined;
}

/**
 * Runs the checks once a second and pings on the data channel. `onLost` is called once.
 */
export class Liveness {
  readonly #limits: LivenessLimits;
  readonly #ping: (value: string) => boolean;
  readonly #onLost: (why: string) => void;
  #connectionState = "new";
  #disconnectedSince: number | undefined;
  #lastActivityAt = Date.now();
  #unanswered = 0;
  #outstanding = new Set<string>();
  #lastPingAt = 0;
  #timer: NodeJS.Timeout;
  #done = false;

  /** `ping` sends `{"ping":value}` and returns false when the channel is not open (no ping counted). */
  constructor(limits: LivenessLimits, ping: (value: string) => boolean, onLost: (why: string) => void, checkEveryMs = 1000) {
    this.#limits = limits;
    this.#ping = ping;
    this.#onLost = onLost;
    this.#timer = setInterval(() => this.#tick(), checkEveryMs);
  }

  connectionState(state: string): void {
    this.#connectionState = state;
    if (state === "disconnected") this.#disconnectedSince ??= Date.now();
    else this.#disconnectedSince = undefined;
    this.#check();
  }

  media(at = Date.now()): void {
    this.#lastActivityAt = at;
  }

  pong(value: unknown): void {
    if (typeof value === "string" && this.#outstanding.has(value)) {
      this.#outstanding.clear();
      this.#unanswered = 0;
    }
  }

  close(): void {
    this.#done = true;
    clearInterval(this.#timer);
  }

  #tick(): void {
    const now = Date.now();
    if (now - this.#lastPingAt >= this.#limits.pingIntervalMs) {
      this.#lastPingAt = now;
      const value = String(now);
      if (this.#ping(value)) {
        this.#outstanding.add(value);
        this.#unanswered = this.#outstanding.size;
      }
    }
    this.#check();
  }

  #check(): void {
    if (this.#done) return;
    const why = livenessVerdict(
      {
        connectionState: this.#connectionState,
        ...(this.#disconnectedSince !== undefined ? { disconnectedSince: this.#disconnectedSince } : {}),
        lastActivityAt: this.#lastActivityAt,
        unansweredPings: this.#unanswered,
      },
      this.#limits,
      Date.now(),
    );
    if (why === undefined) return;
    this.close();
    this.#onLost(why);
  }
}
