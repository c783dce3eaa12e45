/**
 * Per-stream loss counters read from the recorder's own log: each worker's recorder logs its
 * totals once, at info level, when it closes (src/media/StreamRecorder.ts, "recorder closed"),
 * and `record` relays its workers' lines nested under `worker`. The counters live nowhere else
 * outside the worker (its heartbeat carries packetsLost but not framesDropped, and stays in the
 * recorder's process). Pure.
 */

export interface RecorderLoss {
  /** RTP packets the recorder never received (sequence gaps), audio and video. */
  readonly packetsLost: number;
  /** Frames the recorder received in part or could not use (waiting for a keyframe) and did not write. */
  readonly framesDropped: number;
}

/** Sums of every "recorder closed" line per stream id (a rebuilt connection closes one recorder each). */
export function recorderLoss(log: string): Map<string, RecorderLoss> {
  const out = new Map<string, RecorderLoss>();
  for (const line of log.split("\n")) {
    if (!line.includes('"recorder closed"')) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a line cut by the log's end
    }
    const w = (entry as { worker?: { msg?: unknown; stream?: unknown; packetsLost?: unknown; framesDropped?: unknown } }).worker;
    if (w?.msg !== "recorder closed" || typeof w.stream !== "string" || typeof w.packetsLost !== "number" || typeof w.framesDropped !== "number") continue;
    const before = out.get(w.stream) ?? { packetsLost: 0, framesDropped: 0 };
    out.set(w.stream, { packetsLost: before.packetsLost + w.packetsLost, framesDropped: before.framesDropped + w.framesDropped });
  }
  return out;
}
