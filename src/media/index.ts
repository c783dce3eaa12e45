/** Public entry of the recording pipeline. */
export { createStreamRecorder, type StreamRecorder } from "./StreamRecorder.ts";
export type * from "./types.ts";
