/**
 * The HTTP side of `record --status-port`: `GET /status` answers the report of the moment as
 * JSON. With a token (required off loopback, config/statusOptions.ts) every request must carry
 * `Authorization: Bearer <token>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, timingSafeEqual } from "node:crypto";
import type { StatusSettings } from "../config/statusOptions.ts";
import type { StatusReport } from "./statusReport.ts";

export interface StatusServer {
  readonly url: string;
  close(): Promise<void>;
}

const HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" } as const;

export async function startStatusServer(settings: StatusSettings, report: () => StatusReport): Promise<StatusServer> {
  const server = createServer((req, res) => answer(req, res));

  function answer(req: IncomingMessage, res: ServerResponse): void {
    if (settings.token !== undefined && !authorized(req.headers.authorization, settings.token)) {
      res.writeHead(401, { ...HEADERS, "www-authenticate": "Bearer", "content-type": "text/plain" }).end("unauthorized\n");
      return;
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path !== "/status") {
      res.writeHead(404, { ...HEADERS, "content-type": "text/plain" }).end("not found\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...HEADERS, allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    res.writeHead(200, { ...HEADERS, "content-type": "application/json" }).end(`${JSON.stringify(report())}\n`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** Constant-time: digests of equal length, so neither length nor content leaks through timing. */
function authorized(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
