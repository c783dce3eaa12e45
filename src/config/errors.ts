/**
 * A bad flag, setting or config file: the process says what to fix and exits with EXIT_CONFIG.
 * Every role parses its own flags (stream-worker/workerArgs.ts, config/parseRecordArgs.ts,
 * config/natsOptions.ts, …) and throws this; src/cli turns it into the exit.
 */

/** Exit code for bad flags or config: the supervisor never restarts a worker that exits with it. */
export const EXIT_CONFIG = 42;

export class UsageError extends Error {
  override name = "UsageError";
}
