/**
 * How the bench spreads its N publishers over P processes (issue 7, N = 50): one werift process
 * saturated at about 11 streams of 2.5 Mb/s and its WebSocket joins starved, so each process
 * holds a slice of about STREAMS_PER_PROCESS streams, and joins are staggered over the whole
 * fleet so the relay and the recorder's signaler see one newcomer at a time. Pure.
 */

/** Streams one publishers process holds by default: well under the ≈ 11 where one saturated. */
export const STREAMS_PER_PROCESS = 5;

/**
 * One stream joins the room every this many ms, counted over the whole fleet. A join starts a
 * worker process and two DTLS handshakes (≈ 1 s of CPU in all); at 300 ms on this 2-vCPU box the
 * ramp itself starved ICE and connections failed (N = 30, 50).
 */
export const JOIN_STAGGER_MS = 500;

export interface PublisherSlice {
  /** Stream ids `s<i>`, numbered 1..N over the whole fleet. */
  readonly ids: readonly string[];
  /** Position of this slice's first stream in the fleet: its join is at index × stagger. */
  readonly firstIndex: number;
}

export function defaultPublisherProcesses(streams: number): number {
  return Math.max(1, Math.ceil(streams / STREAMS_PER_PROCESS));
}

/**
 * N streams in P contiguous slices whose sizes differ by at most one (the first ones larger).
 * More processes than streams is a caller's mistake, not something to paper over.
 */
export function sliceStreams(streams: number, processes: number): PublisherSlice[] {
  if (!Number.isInteger(streams) || streams < 1) throw new TypeError(`streams must be a positive integer, got ${streams}`);
  if (!Number.isInteger(processes) || processes < 1) throw new TypeError(`publisher processes must be a positive integer, got ${processes}`);
  if (processes > streams) throw new TypeError(`${processes} publisher processes for ${streams} stream(s): at most one process per stream`);
  const base = Math.floor(streams / processes);
  const larger = streams % processes;
  const slices: PublisherSlice[] = [];
  let next = 0;
  for (let p = 0; p < processes; p++) {
    const size = base + (p < larger ? 1 : 0);
    slices.push({ ids: Array.from({ length: size }, (_, i) => `s${next + i + 1}`), firstIndex: next });
    next += size;
  }
  return slices;
}

/** Epoch ms at which the stream at fleet position `index` joins, for a fleet that started at `t0`. */
export function joinAt(t0: number, index: number, staggerMs = JOIN_STAGGER_MS): number {
  return t0 + index * staggerMs;
}
