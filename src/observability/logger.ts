import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/** Paths that may hold secrets anywhere in a log object. */
const REDACT = ["password", "*.password", "*.*.password", "credential", "*.credential", "*.*.credential", "token", "*.token", "pass", "*.pass"];

/**
 * The root logger: JSON lines on stderr (stdout stays free for a CLI's own output), with
 * secrets redacted. Components take `root.child({ component, room, stream, peer })`.
 */
export function createRootLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: REDACT, censor: "[redacted]" },
      base: { pid: process.pid },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
