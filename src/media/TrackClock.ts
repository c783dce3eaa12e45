/**
 * Maps a track's RTP timestamps onto the recorder's wall-clock timeline (ms since epoch).
 *
 * A track starts on its first frame's arrival time. RTCP sender reports then tie every track to
 * the sender's clock: the first track to have both a frame and an SR fixes the sender→local offset
 * (that track keeps its timeline), and each track with an SR is moved to `sender time + offset`, which lines audio
 * and video up as they were captured instead of as they arrived. A correction after a track has
 * started is slewed (at most SLEW_RATE ms per media ms) so a track's timestamps never go back.
 */
export interface SyncReference {
  /** Local wall clock minus sender NTP clock, fixed by the first sender report of the stream. */
  senderToLocalMs?: number;
}

/** Fraction of elapsed media time by which a running track may be moved towards its SR time. */
const SLEW_RATE = 0.05;

export class TrackClock {
  readonly #clockRate: number;
  readonly #sync: SyncReference;
  #highest: number | undefined;
  #offsetMs: number | undefined;
  #srOffsetMs: number | undefined;
  #lastMediaMs: number | undefined;

  constructor(clockRate: number, sync: SyncReference) {
    this.#clockRate = clockRate;
    this.#sync = sync;
  }

  /** Wall-clock ms of a frame with this RTP timestamp that arrived at `arrivalMs`. */
  wallMs(rtpTimestamp: number, arrivalMs: number): number {
    const mediaMs = (this.#extend(rtpTimestamp, true) * 1000) / this.#clockRate;
    this.#offsetMs ??= arrivalMs - mediaMs;
    // An SR that came before this track's first frame counts as soon as the frame is here.
    this.#fixReference();
    const target = this.#target();
    if (this.#lastMediaMs === undefined) this.#offsetMs = target;
    else {
      const step = Math.max(0, mediaMs - this.#lastMediaMs) * SLEW_RATE;
      this.#offsetMs += Math.max(-step, Math.min(step, target - this.#offsetMs));
    }
    this.#lastMediaMs = mediaMs;
    return this.#offsetMs + mediaMs;
  }

  /** Feeds an RTCP sender report (NTP already converted to epoch ms). Ignores nonsense. */
  senderReport(ntpMs: number, rtpTimestamp: number): void {
    if (!Number.isFinite(ntpMs) || !Number.isInteger(rtpTimestamp) || rtpTimestamp < 0 || rtpTimestamp > 0xffffffff) return;
    const mediaMs = (this.#extend(rtpTimestamp, false) * 1000) / this.#clockRate;
    this.#srOffsetMs = ntpMs - mediaMs;
    this.#fixReference();
  }

  /** The first track with both media and an SR fixes the stream's sender→local offset. */
  #fixReference(): void {
    if (this.#sync.senderToLocalMs !== undefined || this.#offsetMs === undefined || this.#srOffsetMs === undefined) return;
    this.#sync.senderToLocalMs = this.#offsetMs - this.#srOffsetMs;
  }

  #target(): number {
    const own = this.#offsetMs as number;
    if (this.#srOffsetMs === undefined || this.#sync.senderToLocalMs === undefined) return own;
    return this.#srOffsetMs + this.#sync.senderToLocalMs;
  }

  /** Unwraps a 32-bit RTP timestamp against the highest one seen. */
  #extend(ts: number, advance: boolean): number {
    if (this.#highest === undefined) {
      if (advance) this.#highest = ts;
      return ts;
    }
    let delta = (ts - (this.#highest % 2 ** 32) + 2 ** 32) % 2 ** 32;
    if (delta >= 2 ** 31) delta -= 2 ** 32;
    const ext = this.#highest + delta;
    if (advance && ext > this.#highest) this.#highest = ext;
    return ext;
  }
}
