/**
 * `GET /events`: the status report pushed to the page as Server-Sent Events. One timer serves
 * every client, builds the report once per tick, and runs only while someone listens; a closed
 * connection leaves at once. A client that stops reading (its socket buffer full) skips ticks
 * rather than queueing them: each event is a whole report, so the next one supersedes it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StatusReport } from "./statusReport.ts";

/** Enough for a few open tabs; more is a leak or an abuse, and each one costs a socket. */
export const MAX_CLIENTS = 32;
/** How long EventSource waits before it reconnects, e.g. across a recorder restart. */
const RETRY_MS = 2_000;

export interface StatusEvents {
  /** Holds the response open and streams reports into it until either side closes. */
  attach(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>): void;
  /** Ends every stream and stops the timer. */
  close(): void;
}

export function startStatusEvents(report: () => StatusReport, intervalMs: number): StatusEvents {
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  const event = () => `data: ${JSON.stringify(report())}\n\n`;

  const tick = () => {
    const data = event();
    for (const res of clients) if (!res.writableNeedDrain) res.write(data);
  };

  return {
    attach(req, res, headers) {
      if (clients.size >= MAX_CLIENTS) {
        res.writeHead(503, { ...headers, "retry-after": "10", "content-type": "text/plain" }).end("too many event streams\n");
        return;
      }
      res.writeHead(200, { ...headers, "content-type": "text/event-stream" });
      if (req.method === "HEAD") {
        res.end();
        return;
      }
      // The first report at once: the page must not sit empty until the next tick.
      res.write(`retry: ${RETRY_MS}\n${event()}`);
      clients.add(res);
      timer ??= setInterval(tick, intervalMs);
      res.on("close", () => {
        clients.delete(res);
        if (clients.size > 0) return;
        clearInterval(timer);
        timer = undefined;
      });
    },
    close() {
      clearInterval(timer);
      timer = undefined;
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
