/**
 * `--metrics-port` of `signaler` and `record`, served. An operator who asks for a port must get
 * it; one that cannot be bound is a configuration error (exit 42), not a component running
 * blind. (The stream worker logs and records anyway: src/cli/worker.ts.)
 */
import { UsageError } from "../config/errors.ts";
import type { HttpEndpoint, HttpEndpointOptions } from "../observability/httpEndpoint.ts";

/** `startHttpEndpoint`, with a bind failure (EADDRINUSE, EACCES) as a UsageError. */
export async function startMetricsEndpoint(opts: HttpEndpointOptions): Promise<HttpEndpoint> {
  // Imported here, not at the top: node:http costs a process ~4 MiB it never uses without a
  // port (issue 7).
  const { startHttpEndpoint } = await import("../observability/httpEndpoint.ts");
  try {
    return await startHttpEndpoint(opts);
  } catch (err) {
    throw new UsageError(`--metrics-port ${opts.port}: ${(err as Error).message}`);
  }
}
