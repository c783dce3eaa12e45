/**
 * Flags and environment of `room-recorder signaler` → frozen config (pure but for reading a
 * password file). Flags mirror src/operator/specs/args.ts; secrets come from the environment.
 */
import { parseArgs } from "node:util";
import { NATS_ARG_OPTIONS, NATS_USAGE, parseNatsSettings } from "../config/natsOptions.ts";
import type { NatsSettings } from "../bus/natsSettings.ts";
import type { SubjectScope } from "../bus/subjects.ts";
import { DEFAULT_SERVER, type RoomSettings } from "../config/types.ts";
import { DEFAULT_SALT, type Dialect } from "../protocol/defaults.ts";
import { parseMetricsPort } from "../config/metricsPort.ts";
import { UsageError } from "../config/errors.ts";
import { roomPassword } from "../config/roomPassword.ts";

export interface SignalerCommandConfig {
  readonly scope: SubjectScope;
  readonly room: RoomSettings;
  readonly nats: NatsSettings;
  /** Serve /metrics, /healthz, /readyz on this port, all interfaces (a pod). @default off */
  readonly metricsPort?: number;
}

export const SIGNALER_USAGE = `Usage: room-recorder signaler --room ROOM --nats URL [flags]

Joins a VDO.Ninja room as a silent viewer and routes the handshake of every stream to its
worker over NATS. It never touches media or disk.

Flags (environment in brackets):
  --room ROOM          room name, required                               [RR_ROOM]
  --scope NS           namespace part of the bus subjects (default local) [RR_SCOPE, POD_NAMESPACE]
  --recording NAME     recording part of the bus subjects (default: the room) [RR_RECORDING]
  --server URL         handshake server (default ${DEFAULT_SERVER})     [RR_SERVER]
  --salt S             hashing salt (default ${DEFAULT_SALT})           [RR_SALT]
  --dialect D          official | fanout (default official)              [RR_DIALECT]
  --no-password        no hashing, no encryption (spec §3.2)
  Room password: env RR_PASSWORD or ROOM_PASSWORD ("false" = none), or --password-file F;
  default VDO.Ninja's own.
  --log-level L        pino level (default info)                         [LOG_LEVEL]
  --metrics-port P     serve /metrics, /healthz, /readyz on port P, all interfaces;
                       ready = joined to the room (default off)          [RR_METRICS_PORT]

${NATS_USAGE}
`;

const OPTIONS = {
  room: { type: "string" },
  scope: { type: "string" },
  recording: { type: "string" },
  server: { type: "string" },
  salt: { type: "string" },
  dialect: { type: "string" },
  "no-password": { type: "boolean" },
  "password-file": { type: "string" },
  "log-level": { type: "string" },
  "metrics-port": { type: "string" },
  ...NATS_ARG_OPTIONS,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Flags and environment → frozen config; UsageError (exit 42) on anything wrong. */
export function parseSignalerArgs(argv: readonly string[], env: Env): SignalerCommandConfig & { logLevel?: string } {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const pick = (v: string | undefined, ...envNames: string[]): string | undefined => {
    if (v !== undefined && v !== "") return v;
    for (const n of envNames) if (env[n]) return env[n];
    return undefined;
  };
  const room = pick(values.room, "RR_ROOM");
  if (room === undefined) throw new UsageError("--room is required");
  const scope: SubjectScope = {
    scope: pick(values.scope, "RR_SCOPE", "POD_NAMESPACE") ?? "local",
    recording: pick(values.recording, "RR_RECORDING") ?? room,
  };
  const dialect = pick(values.dialect, "RR_DIALECT") ?? "official";
  if (dialect !== "official" && dialect !== "fanout") throw new UsageError("--dialect must be one of official, fanout");
  const server = pick(values.server, "RR_SERVER") ?? DEFAULT_SERVER;
  if (!/^wss?:\/\/\S+$/.test(server)) throw new UsageError("--server must be a ws:// or wss:// URL");
  const nats = parseNatsSettings(values, env, scope);
  if (!nats) throw new UsageError("--nats (or NATS_URL) is required: the signaler alone talks to its workers over NATS");
  const logLevel = pick(values["log-level"], "LOG_LEVEL");
  const metricsPort = parseMetricsPort(pick(values["metrics-port"], "RR_METRICS_PORT"));
  return Object.freeze({
    scope,
    room: Object.freeze({ room, password: roomPassword(values["no-password"] === true, values["password-file"], env), salt: pick(values.salt, "RR_SALT") ?? DEFAULT_SALT, server, dialect: dialect as Dialect }),
    nats: { ...nats, name: `signaler ${scope.scope}/${scope.recording}` },
    ...(logLevel !== undefined ? { logLevel } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
  });
}

