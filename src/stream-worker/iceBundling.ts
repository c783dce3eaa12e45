/**
 * When to flush our trickled ICE candidates (spec §2.8): one short first window so the publisher
 * gets a host candidate quickly, then at most one message per second; once the data channel is
 * open, every candidate goes at once (the browser's habit), since a DC message costs nothing.
 */

/** First bundle window. The SDK uses 70 ms, the browser 10 ms; the spec asks for ≤ 70 ms. */
export const FIRST_ICE_WINDOW_MS = 50;
/** Later windows. */
export const LATER_ICE_WINDOW_MS = 1000;

export interface BundleState {
  /** Bundles already flushed on this connection. */
  readonly flushed: number;
  readonly dataChannelOpen: boolean;
}

/** How long to collect candidates, counted from the first candidate of the next bundle. */
export function iceWindowMs(state: BundleState): number {
  if (state.dataChannelOpen) return 0;
  return state.flushed === 0 ? FIRST_ICE_WINDOW_MS : LATER_ICE_WINDOW_MS;
}

/** One trickled candidate as VDO.Ninja's `candidates` array carries it (`RTCIceCandidate.toJSON()`). */
export interface CandidateJson {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

/**
 * Collects candidates and flushes each bundle after `iceWindowMs`. `send` does the I/O (encrypt,
 * pick bus or data channel); the bundler only decides when.
 */
export class IceBundler {
  readonly #send: (candidates: CandidateJson[]) => void;
  readonly #isDataChannelOpen: () => boolean;
  #pending: CandidateJson[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushed = 0;
  #closed = false;

  constructor(send: (candidates: CandidateJson[]) => void, isDataChannelOpen: () => boolean) {
    this.#send = send;
    this.#isDataChannelOpen = isDataChannelOpen;
  }

  add(candidate: CandidateJson): void {
    if (this.#closed) return;
    this.#pending.push(candidate);
    if (this.#timer) return;
    const delay = iceWindowMs({ flushed: this.#flushed, dataChannelOpen: this.#isDataChannelOpen() });
    if (delay === 0) this.flush();
    else this.#timer = setTimeout(() => this.flush(), delay);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || this.#closed) return;
    const bundle = this.#pending;
    this.#pending = [];
    this.#flushed++;
    this.#send(bundle);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
  }
}
