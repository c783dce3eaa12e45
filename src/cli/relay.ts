/**
 * `room-recorder relay`: our VDO.Ninja-compatible handshake server (src/relay/) as a process,
 * for self-hosters and as the test server. Prints exactly one line to stdout once listening
 * (`relay listening on ws://127.0.0.1:PORT`); logs go to stderr. SIGINT/SIGTERM close it.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Dialect } from "../protocol/defaults.ts";
import { createRootLogger } from "../observability/logger.ts";
import { startRelay } from "../relay/index.ts";
import type { Command } from "./command.ts";
import { UsageError } from "../config/errors.ts";

const DEFAULT_PORT = 8080;
const DEFAULT_TLS_PORT = 8443;
const DEFAULT_HOST = "127.0.0.1";

const usage = `Usage: room-recorder relay [flags]

Runs a VDO.Ninja-compatible handshake server. The official dialect routes like wss.vdo.ninja
(server-assigned UUIDs, joinroom/listing, seed/play); the fan-out dialect is the customWSS one.
Browsers reach a self-hosted server only over wss://: give --tls-cert and --tls-key, and point
VDO.Ninja at it with &wss2=host:port.

Flags:
  --host H            address to listen on (default ${DEFAULT_HOST}: this machine only;
                      use 0.0.0.0 to accept other machines)
  --port N            port, 0 = any free port (default ${DEFAULT_TLS_PORT} with TLS, else ${DEFAULT_PORT})
  --dialect D         official | fanout (default official)
  --tls-cert FILE     PEM certificate chain: serve wss://
  --tls-key FILE      PEM private key for --tls-cert

Stdout: one line "relay listening on <url>" once it accepts connections.
`;

function parsePort(value: string | undefined, tls: boolean): number {
  if (value === undefined) return tls ? DEFAULT_TLS_PORT : DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be an integer from 0 to 65535");
  return port;
}

function parseDialect(value: string | undefined): Dialect {
  if (value === undefined || value === "official" || value === "fanout") return value ?? "official";
  throw new UsageError("--dialect must be one of official, fanout");
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: "string" }, port: { type: "string" }, dialect: { type: "string" },
      "tls-cert": { type: "string" }, "tls-key": { type: "string" },
    },
    strict: true,
  });
  const certFile = values["tls-cert"];
  const keyFile = values["tls-key"];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
  const tls = certFile !== undefined && keyFile !== undefined ? { cert: readPem(certFile, "tls-cert"), key: readPem(keyFile, "tls-key") } : undefined;

  const relay = await startRelay({
    host: values.host ?? DEFAULT_HOST,
    port: parsePort(values.port, tls !== undefined),
    dialect: parseDialect(values.dialect),
    log: createRootLogger(),
    ...(tls ? { tls } : {}),
  });
  // Install the handlers before announcing the URL: a parent may signal as soon as it reads it,
  // and until a listener exists the default disposition would kill us without closing.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  process.stdout.write(`relay listening on ${relay.url}\n`);
  await stopped;
  await relay.close();
  return 0;
}

export const command: Command = { name: "relay", summary: "run a VDO.Ninja-compatible handshake server", usage, run };
