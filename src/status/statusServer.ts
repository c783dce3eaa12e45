/**
 * The HTTP side of `record --status-port`: `GET /status` answers the report of the moment as
 * JSON; `/` is the live status page (page/), fed by `/events` (statusEvents.ts); `/files/<key>/<name>`
 * serves the finished recordings the report names, and nothing else. Who may ask: statusAccess.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { StatusSettings } from "../config/statusOptions.ts";
import { checkAccess, loginCookie } from "./statusAccess.ts";
import { startStatusEvents } from "./statusEvents.ts";
import { mediaType, sendFile } from "./fileResponse.ts";
import type { StatusReport } from "./statusReport.ts";

export interface StatusServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface StatusSource {
  readonly report: () => StatusReport;
  /** The room's directory: a stream's files are in `<roomDir>/<key>/`. */
  readonly roomDir: string;
}

const HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" } as const;
/** The page loads its own script and style and talks to its own origin only; nothing inline. */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; media-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const EVENT_INTERVAL_MS = 1_000;

/** Read once, served as is. */
const pageFile = (file: string, type: string) => ({ type, body: readFileSync(new URL(`page/${file}`, import.meta.url)) });
const PAGE_FILES = new Map([
  ["/", pageFile("index.html", "text/html; charset=utf-8")],
  ["/page.js", pageFile("page.js", "text/javascript; charset=utf-8")],
  ["/page.css", pageFile("page.css", "text/css; charset=utf-8")],
]);

export async function startStatusServer(settings: StatusSettings, source: StatusSource): Promise<StatusServer> {
  const events = startStatusEvents(source.report, EVENT_INTERVAL_MS);
  const server = createServer((req, res) => answer(req, res));

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    const cookie = url.pathname === "/" ? loginCookie(url.searchParams.get("token"), settings.token) : undefined;
    if (cookie !== undefined) {
      // Off the address bar and out of the history at once.
      res.writeHead(303, { ...HEADERS, "set-cookie": cookie, location: "./" }).end();
      return;
    }
    const verdict = checkAccess(req, settings.token);
    if (verdict !== "allowed") {
      const [status, text] = verdict === "unauthorized" ? [401, "unauthorized: send the bearer token, or open /?token=…"] : [403, "forbidden: not a loopback Host"];
      res.writeHead(status, { ...HEADERS, ...(status === 401 ? { "www-authenticate": "Bearer" } : {}), "content-type": "text/plain" }).end(`${text}\n`);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...HEADERS, allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    const page = PAGE_FILES.get(url.pathname);
    if (page) {
      res.writeHead(200, { ...HEADERS, "content-type": page.type, "content-security-policy": PAGE_POLICY }).end(page.body);
    } else if (url.pathname === "/status") {
      res.writeHead(200, { ...HEADERS, "content-type": "application/json" }).end(`${JSON.stringify(source.report())}\n`);
    } else if (url.pathname === "/events") {
      events.attach(req, res, HEADERS);
    } else {
      const file = finishedFile(url.pathname);
      if (file) sendFile(req, res, file.path, file.type, HEADERS);
      else res.writeHead(404, { ...HEADERS, "content-type": "text/plain" }).end("not found\n");
    }
  }

  /** `/files/<key>/<name>` → its path, only when the report lists it as a finished file of that stream. */
  function finishedFile(pathname: string): { path: string; type: string } | undefined {
    const m = /^\/files\/([^/]+)\/([^/]+)$/.exec(pathname);
    const [key, name] = [decode(m?.[1]), decode(m?.[2])];
    if (key === undefined || name === undefined) return undefined;
    // Names come from sidecars on disk: only a plain file name of a recording is served.
    const type = mediaType(name);
    if (type === undefined || name !== basename(name)) return undefined;
    const listed = source.report().streams.some((s) => s.key === key && s.filesFinished.some((f) => f.name === name));
    return listed ? { path: join(source.roomDir, key, name), type } : undefined;
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
        events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
