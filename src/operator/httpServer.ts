/**
 * /metrics, /healthz (the process and its informers are alive) and /readyz (this replica is
 * ready to act: it leads, or is a healthy standby — both are fine for a Service to route to).
 * The server itself is the shared one (src/observability/httpEndpoint.ts).
 */
import type { Server } from "node:http";
import type { Registry } from "prom-client";
import { startHttpEndpoint } from "../observability/httpEndpoint.ts";

export interface HealthSource {
  healthy(): boolean;
  ready(): boolean;
}

export async function startHttpServer(port: number, host: string, registry: Registry, health: HealthSource): Promise<Server> {
  const endpoint = await startHttpEndpoint({ port, host, registries: [registry], healthy: () => health.healthy(), ready: () => health.ready() });
  return endpoint.server;
}
