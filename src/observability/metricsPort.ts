/**
 * The `--metrics-port` flag of `signaler` and `record`: parse it, serve it. An operator who asks
 * for a port must get it; one that cannot be bound is a configuration error (exit 42), not a
 * component running blind. (The stream worker logs and records anyway: src/cli/worker.ts.)
 */
import { UsageError } from "../cli/command.ts";
import type { HttpEndpoint, HttpEndpointOptions } from "./httpEndpoint.ts";

/**
 * `--metrics-port` / `RR_METRICS_PORT` → a TCP port, or undefined for "no endpoint". Empty is
 * off like unset (a Helm template may render an empty value); 0 is refused: whoever scrapes the
 * port must know it in advance.
 */
export function parseMetricsPort(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--metrics-port / RR_METRICS_PORT: '${value}' is not a TCP port (1-65535)`);
  return n;
}

/** `startHttpEndpoint`, with a bind failure (EADDRINUSE, EACCES) as a UsageError. */
export async function startMetricsEndpoint(opts: HttpEndpointOptions): Promise<HttpEndpoint> {
  // Imported here, not at the top: the stream worker parses --metrics-port through this file,
  // and node:http costs a process ~4 MiB it never uses without a port (issue 7).
  const { startHttpEndpoint } = await import("./httpEndpoint.ts");
  try {
    return await startHttpEndpoint(opts);
  } catch (err) {
    throw new UsageError(`--metrics-port ${opts.port}: ${(err as Error).message}`);
  }
}
