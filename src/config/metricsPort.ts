/**
 * The `--metrics-port` flag / `RR_METRICS_PORT` of `signaler`, `record` and `worker`. Serving
 * it is src/cli/metricsEndpoint.ts (and src/cli/worker.ts for the worker).
 */
import { UsageError } from "./errors.ts";

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
