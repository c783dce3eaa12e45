/**
 * `room-recorder record` flags → one frozen config (style.md §18). Pure: argv and env in,
 * config out; `UsageError` with a uniform message for anything invalid. ICE URLs are only
 * collected here: `buildIceSettings` (config/ice.ts) validates them and may fetch TURN.
 */
import { parseArgs } from "node:util";
import { NATS_ARG_OPTIONS, NATS_USAGE, parseNatsSettings } from "./natsOptions.ts";
import type { NatsSettings } from "../bus/natsSettings.ts";
import { subjectToken, type SubjectScope } from "../bus/subjects.ts";
import { UsageError } from "./errors.ts";
import { parseMetricsPort } from "./metricsPort.ts";
import { parseStatusSettings, STATUS_ARG_OPTIONS, STATUS_USAGE, type StatusSettings } from "./statusOptions.ts";
import { sanitizeRoom } from "../protocol/sanitize.ts";
import { DEFAULT_SEGMENT_SECONDS, DEFAULT_SERVER, type OutputSettings, type RoomSettings, type StreamFilters } from "./types.ts";
import { DEFAULT_PASSWORD, DEFAULT_SALT, type Dialect } from "../protocol/defaults.ts";

export type PreferCodec = "vp8" | "vp9" | "av1" | "h264";

export interface RecordConfig {
  /**
   * Bus subjects `rr.local.<room>.…`; `recording` is also the room's directory under `--out`
   * (a safe token of the sanitized room name).
   */
  readonly scope: SubjectScope;
  /** `password` is as typed (protocol/normalizePassword runs in each role). */
  readonly room: RoomSettings;
  readonly filters: StreamFilters;
  readonly output: OutputSettings;
  /**
   * `autoTurn`: fetch VDO.Ninja's TURN list when the server is VDO.Ninja's and no `--turn` is
   * given (spec §5.1, config/autoTurn.ts); `--no-auto-turn` sets it false. @default true
   */
  readonly ice: { readonly stun?: readonly string[] | false; readonly turn: readonly string[]; readonly relayOnly: boolean; readonly autoTurn: boolean };
  readonly preferCodec?: PreferCodec;
  readonly screenShare: boolean;
  /** Stop everything after this many seconds. @default undefined = until SIGINT/SIGTERM */
  readonly durationSeconds?: number;
  readonly logLevel?: string;
  /** With NATS the signaler, the supervisor and every worker use it instead of the in-process hub and IPC. */
  readonly nats?: NatsSettings;
  /** Serve /metrics, /healthz, /readyz on 127.0.0.1:PORT. @default off */
  readonly metricsPort?: number;
  /** Serve GET /status (src/status/). @default off */
  readonly status?: StatusSettings;
}

export const RECORD_USAGE = `Usage: room-recorder record --room ROOM [flags]

Records every stream of a VDO.Ninja room, each into its own files (one worker process per stream).

  --room ROOM              room name (required)
  --password PW            room password (default: VDO.Ninja's default; 'false' = none). Env RR_PASSWORD
  --salt SALT              hash salt (default: ${DEFAULT_SALT})
  --server URL             handshake server (default: ${DEFAULT_SERVER})
  --dialect D              official | fanout (default: official)
  --out DIR                output directory (default: ./recordings)
  --include a,b            record only these base stream ids (* globs allowed)
  --exclude a,b            never record these base stream ids
  --segment SECONDS        start a new file every SECONDS (at a keyframe); default: one file per connection
  --segment-size MB        start a new file after MB megabytes
  --max-duration SECONDS   stop recording a stream after SECONDS
  --stun URL               STUN server, repeatable; 'false' = none
  --turn URL               turn:user:pass@host:port or turns:…, repeatable
  --relay-only             only use TURN relays
  --no-auto-turn           do not fetch VDO.Ninja's TURN servers (fetched by default when
                           --server is VDO.Ninja's and no --turn is given)
  --prefer-codec C         vp8 | vp9 | av1 | h264: listed first in our answer
  --screen-share           also record screen-share tracks
  --duration SECONDS       stop after SECONDS (demos, tests)
  --log-level LEVEL        trace | debug | info | warn | error (default: info)
  --metrics-port PORT      serve /metrics, /healthz, /readyz on 127.0.0.1:PORT (signaler and
                           supervisor metrics; default off)                [RR_METRICS_PORT]
${STATUS_USAGE}

Raspberry.Ninja's command line works too ('room-recorder --room R --record-room [flags]', or the
same after 'record'): each of its flags is mapped, with a line saying to what, or refused
(docs/migrating-from-raspberry-ninja.md).

With --nats the signaler, the supervisor and the workers talk over NATS instead of the
in-process hub (the cluster topology on one machine); the subjects are rr.local.<room>.>.
${NATS_USAGE}
`;

const LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);
const CODECS = new Set<PreferCodec>(["vp8", "vp9", "av1", "h264"]);

function seconds(v: string | undefined, flag: string, allowZero = true): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new UsageError(`--${flag}: '${v}' is not a ${allowZero ? "non-negative" : "positive"} number`);
  return n;
}

function list(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

export function parseRecordArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RecordConfig {
  const { values, positionals } = parseFlags(argv);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const room = values.room?.trim();
  if (!room) throw new UsageError("--room is required");
  if (values.password !== undefined && env.RR_PASSWORD !== undefined) throw new UsageError("'--password','RR_PASSWORD' are mutually exclusive");
  const rawPassword = values.password ?? env.RR_PASSWORD;
  const password: string | false = rawPassword === undefined ? DEFAULT_PASSWORD : ["false", "0", "off"].includes(rawPassword.trim().toLowerCase()) ? false : rawPassword;
  const server = values.server ?? DEFAULT_SERVER;
  if (!/^wss?:\/\/[^\s]+$/.test(server)) throw new UsageError(`--server: '${server}' is not a ws:// or wss:// URL`);
  const dialect = values.dialect ?? "official";
  if (dialect !== "official" && dialect !== "fanout") throw new UsageError(`--dialect: '${dialect}' is not official or fanout`);
  const codec = values["prefer-codec"]?.toLowerCase();
  if (codec !== undefined && !CODECS.has(codec as PreferCodec)) throw new UsageError(`--prefer-codec: '${codec}' is not vp8, vp9, av1 or h264`);
  const level = values["log-level"];
  if (level !== undefined && !LEVELS.has(level)) throw new UsageError(`--log-level: '${level}' is not one of ${[...LEVELS].join(", ")}`);
  const segmentMb = seconds(values["segment-size"], "segment-size") ?? 0;
  const stun = values.stun;
  const duration = seconds(values.duration, "duration", false);
  const scope: SubjectScope = { scope: "local", recording: subjectToken(sanitizeRoom(room)) };
  const nats = parseNatsSettings(values, env, scope);
  const metricsPort = parseMetricsPort(values["metrics-port"] ?? env.RR_METRICS_PORT);
  const status = parseStatusSettings(values, env);

  return Object.freeze({
    scope: Object.freeze(scope),
    room: Object.freeze({ room, password, salt: values.salt ?? DEFAULT_SALT, server, dialect: dialect as Dialect }),
    filters: Object.freeze({ include: Object.freeze(list(values.include)), exclude: Object.freeze(list(values.exclude)) }),
    output: Object.freeze({
      outDir: values.out ?? "./recordings",
      segmentSeconds: seconds(values.segment, "segment") ?? DEFAULT_SEGMENT_SECONDS,
      segmentBytes: Math.round(segmentMb * 1024 * 1024),
      maxDurationSeconds: seconds(values["max-duration"], "max-duration") ?? 0,
    }),
    ice: Object.freeze({
      ...(stun !== undefined ? { stun: stun.some((s) => s.trim().toLowerCase() === "false") ? (false as const) : Object.freeze([...stun]) } : {}),
      turn: Object.freeze([...(values.turn ?? [])]),
      relayOnly: values["relay-only"] === true,
      autoTurn: values["no-auto-turn"] !== true,
    }),
    ...(codec !== undefined ? { preferCodec: codec as PreferCodec } : {}),
    screenShare: values["screen-share"] === true,
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    ...(level !== undefined ? { logLevel: level } : {}),
    ...(nats ? { nats: { ...nats, name: `record ${scope.scope}/${scope.recording}` } } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    ...(status ? { status } : {}),
  });
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        room: { type: "string" }, password: { type: "string" }, salt: { type: "string" }, server: { type: "string" },
        dialect: { type: "string" }, out: { type: "string" }, include: { type: "string", multiple: true }, exclude: { type: "string", multiple: true },
        segment: { type: "string" }, "segment-size": { type: "string" }, "max-duration": { type: "string" },
        stun: { type: "string", multiple: true }, turn: { type: "string", multiple: true }, "relay-only": { type: "boolean" },
        "no-auto-turn": { type: "boolean" },
        "prefer-codec": { type: "string" }, "screen-share": { type: "boolean" }, duration: { type: "string" }, "log-level": { type: "string" },
        "metrics-port": { type: "string" },
        ...NATS_ARG_OPTIONS,
        ...STATUS_ARG_OPTIONS,
      },
    });
  } catch (err) {
    // node:util reports bad flags as TypeError ERR_PARSE_ARGS_*: they are usage errors.
    if (String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) throw new UsageError((err as Error).message);
    throw err;
  }
}
