import type { RecorderStats, StreamRecorderOptions, TrackSink, TrackSpec } from "../media/types.ts";

/**
 * What the worker needs from a recorder (src/media implements it as `createStreamRecorder`).
 * Declared here structurally so the worker depends on the contract in media/types.ts, not on
 * the implementation; tests and the CLI pass the real one.
 */
export interface WorkerRecorder {
  addTrack(spec: TrackSpec): TrackSink;
  stats(): RecorderStats;
  /** The publisher's label, learned after the recorder was created: for its sidecars. */
  setLabel(label: string): void;
  /** Finalizes every open segment. Never rejects for media reasons. */
  close(): Promise<void>;
}

export type CreateRecorder = (opts: StreamRecorderOptions) => WorkerRecorder | Promise<WorkerRecorder>;
