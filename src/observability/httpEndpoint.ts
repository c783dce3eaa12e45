/**
 * The one HTTP endpoint every component serves (design "Observability"): `/metrics` from one
 * or more prom-client registries, `/healthz` (the process is alive and its connections are
 * usable) and `/readyz` (this instance is ready to do its job). Anything else is 404, any
 * method but GET/HEAD 405. Registries are rendered per scrape and concatenated, so metrics
 * registered after start show up and each component keeps its own registry (style.md §20).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry, RegistryContentType } from "prom-client";

export interface HttpEndpointOptions {
  /** 0 picks a free port (tests); read it back from `port`. */
  readonly port: number;
  readonly host: string;
  /** Rendered in order; metric names must not repeat across them. */
  readonly registries: readonly Registry<RegistryContentType>[];
  /** Liveness; default always healthy. */
  readonly healthy?: () => boolean;
  /** Readiness; default always ready. */
  readonly ready?: () => boolean;
}

export interface HttpEndpoint {
  readonly server: Server;
  /** The bound port (the real one when asked for 0). */
  readonly port: number;
  /** `http://host:port`, for logs and tests. */
  readonly url: string;
  /** Stops listening and drops keep-alive connections; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startHttpEndpoint(opts: HttpEndpointOptions): Promise<HttpEndpoint> {
  const contentType = sameContentType(opts.registries);
  const healthy = opts.healthy ?? (() => true);
  const ready = opts.ready ?? (() => true);
  const server = createServer((req, res) => void answer(req, res));

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" && path !== "/healthz" && path !== "/readyz") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    if (path === "/metrics") {
      try {
        const bodies = await Promise.all(opts.registries.map((r) => r.metrics()));
        res.writeHead(200, { "content-type": contentType }).end(bodies.join(""));
      } catch (err) {
        res.writeHead(500, { "content-type": "text/plain" }).end(`${(err as Error).message}\n`);
      }
      return;
    }
    const ok = path === "/healthz" ? healthy() : ready();
    res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "not ok\n");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // A scraper's keep-alive socket would hold close() open until it times out.
      server.closeAllConnections();
    });
    return closing;
  };
  return { server, port, url: `http://${hostForUrl}:${port}`, close, [Symbol.asyncDispose]: close };
}

/** Concatenating text from registries with different formats would be unparsable. */
function sameContentType(registries: readonly Registry<RegistryContentType>[]): string {
  const [first, ...rest] = registries;
  if (!first) throw new TypeError("startHttpEndpoint: at least one registry is required");
  if (rest.some((r) => r.contentType !== first.contentType)) throw new TypeError("startHttpEndpoint: registries differ in content type");
  return first.contentType;
}
