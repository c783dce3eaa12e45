/**
 * `record --status-port` / `--status-host` and the token from `RR_STATUS_TOKEN` (never argv,
 * which `ps` shows). The status API names every stream of the room and serves its files, so it
 * stays on loopback unless a token guards it.
 */
import { isIP } from "node:net";
import { UsageError } from "./errors.ts";

export interface StatusSettings {
  readonly port: number;
  readonly host: string;
  /** Required by every request when set (`Authorization: Bearer …`). */
  readonly token?: string;
}

export const STATUS_USAGE = `  --status-port PORT       serve GET /status (JSON, docs/status.schema.v1.json) and the live
                           status page (http://127.0.0.1:PORT/) on PORT (default off)
  --status-host HOST       address to bind (default 127.0.0.1); any other needs RR_STATUS_TOKEN
                           [RR_STATUS_TOKEN: the bearer token every request must carry;
                            a browser opens /?token=TOKEN once]`;

export const STATUS_ARG_OPTIONS = { "status-port": { type: "string" }, "status-host": { type: "string" } } as const;

const MIN_TOKEN_CHARS = 16;

export function parseStatusSettings(
  values: { readonly "status-port"?: string; readonly "status-host"?: string },
  env: Readonly<Record<string, string | undefined>>,
): StatusSettings | undefined {
  const port = parsePort(values["status-port"]);
  const host = values["status-host"] ?? "127.0.0.1";
  const token = env.RR_STATUS_TOKEN?.trim() || undefined;
  if (port === undefined) {
    if (values["status-host"] !== undefined) throw new UsageError("--status-host needs --status-port");
    return undefined;
  }
  if (!isLoopback(host) && token === undefined) throw new UsageError(`--status-host ${host}: not loopback, so RR_STATUS_TOKEN must be set`);
  if (token !== undefined && token.length < MIN_TOKEN_CHARS) throw new UsageError(`RR_STATUS_TOKEN: at least ${MIN_TOKEN_CHARS} characters`);
  return Object.freeze({ port, host, ...(token !== undefined ? { token } : {}) });
}

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new UsageError(`--status-port: '${v}' is not a TCP port (1-65535)`);
  return n;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}
