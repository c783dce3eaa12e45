/**
 * `room-recorder status`: asks a running `record --status-port` for its report and prints it,
 * as a table or (`--json`) as served, for scripts. Exit 1 when the recorder cannot be reached.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../config/errors.ts";
import { STATUS_SCHEMA, type StatusReport } from "../status/statusReport.ts";
import type { Command } from "./command.ts";
import { renderStatusReport } from "./statusText.ts";

const USAGE = `Usage: room-recorder status --port PORT [--host HOST] [--json]

Prints the status of a running 'room-recorder record --status-port PORT': every stream with its
state, codecs, resolution, bitrate, packet loss, current file and finished files.

  --port PORT    the recorder's --status-port                          [RR_STATUS_PORT]
  --host HOST    the recorder's --status-host (default 127.0.0.1)
  --json         print the JSON document (docs/status.schema.v1.json)
The token of a recorder bound off loopback comes from RR_STATUS_TOKEN.
`;

async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { port: { type: "string" }, host: { type: "string" }, json: { type: "boolean" } } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const port = values.port ?? process.env.RR_STATUS_PORT;
  if (port === undefined || !/^\d{1,5}$/.test(port)) throw new UsageError("--port PORT (the recorder's --status-port) is required");
  const host = values.host ?? "127.0.0.1";
  const token = process.env.RR_STATUS_TOKEN?.trim();
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/status`;
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    process.stderr.write(`room-recorder status: no recorder answers at ${url}: ${(err as Error).message}\n`);
    return 1;
  }
  if (!res.ok) {
    process.stderr.write(`room-recorder status: ${url} answered ${res.status}${res.status === 401 ? " (set RR_STATUS_TOKEN)" : ""}\n`);
    return 1;
  }
  const text = await res.text();
  const report = JSON.parse(text) as StatusReport;
  if (report.schema !== STATUS_SCHEMA) {
    process.stderr.write(`room-recorder status: ${url} speaks ${JSON.stringify(report.schema)}, this client ${STATUS_SCHEMA}\n`);
    return 1;
  }
  process.stdout.write(values.json === true ? text : renderStatusReport(report));
  return 0;
}

export const command: Command = { name: "status", summary: "print the status of a running 'record --status-port'", usage: USAGE, run };
