/**
 * /metrics, /healthz (the process and its informers are alive) and /readyz (this replica is
 * ready to act: it leads, or is a healthy standby — both are fine for a Service to route to).
 */
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface HealthSource {
  healthy(): boolean;
  ready(): boolean;
}

export function startHttpServer(port: number, host: string, registry: Registry, health: HealthSource): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      registry.metrics().then(
        (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
        (err: Error) => res.writeHead(500).end(err.message),
      );
      return;
    }
    if (path === "/healthz" || path === "/readyz") {
      const ok = path === "/healthz" ? health.healthy() : health.ready();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "not ok\n");
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
