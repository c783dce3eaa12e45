/**
 * `room-recorder worker` configuration, pure but for reading a password file: from
 * `RR_WORKER_CONFIG` (the local supervisor's JSON WorkerConfig) or from flags (cluster pods, see
 * src/operator/specs/args.ts). Secrets never come from argv: the room password is env or a file,
 * TURN credentials are env (ICE_<i>_USERNAME / ICE_<i>_CREDENTIAL) or inline in --turn.
 */
import { parseArgs } from "node:util";
import { NATS_ARG_OPTIONS, NATS_USAGE, parseNatsSettings } from "../config/natsOptions.ts";
import type { NatsSettings } from "../bus/natsSettings.ts";
import { isSubjectToken, subjectToken, streamKey } from "../bus/subjects.ts";
import { UsageError } from "../config/errors.ts";
import { roomPassword } from "../config/roomPassword.ts";
import { isIP } from "node:net";
import { buildIceSettings, STUN_DISABLED, type IceOptions } from "../config/ice.ts";
import { turnListUrlFor } from "../config/autoTurn.ts";
import { describeIceServer, IceConfigError, parseIceServerUrl } from "../config/iceUrl.ts";
import { DEFAULT_SERVER, type IceServerConfig, type IceSettings, type WorkerConfig } from "../config/types.ts";
import type { Logger } from "../observability/logger.ts";
import { DEFAULT_SALT } from "../protocol/defaults.ts";
import type { VideoCodec } from "../media/types.ts";
import { parseMetricsPort } from "../config/metricsPort.ts";

export const DEFAULT_INACTIVITY_MS = 10_000;
const CODECS: readonly VideoCodec[] = ["vp8", "h264", "vp9", "av1"];
type Env = Readonly<Record<string, string | undefined>>;

export interface WorkerCommandConfig {
  /** With flags, `ice` holds only the servers given; `resolveWorkerIce` adds the defaults. */
  readonly worker: WorkerConfig;
  /**
   * Flags only: how `resolveWorkerIce` completes `worker.ice` the way `record` does
   * (config/ice.ts: VDO.Ninja's STUN and TURN list when the handshake server is VDO.Ninja's,
   * unless `--stun false` / `--no-auto-turn`). Absent locally: `record` resolved them already.
   */
  readonly iceDefaults?: IceOptions;
  readonly nats?: NatsSettings;
  readonly logLevel?: string;
  /** Serve /metrics and /healthz on this TCP port (all interfaces). @default off */
  readonly metricsPort?: number;
}

export const WORKER_USAGE = `Usage: room-recorder worker [flags]

Records one stream of a room: answers the publisher's offer with a werift peer connection and
writes its media. Locally it is spawned by 'room-recorder record' with RR_WORKER_CONFIG (JSON)
and talks over IPC; on a cluster it gets flags and talks over NATS.

Flags (environment in brackets):
  --scope NS            namespace part of the bus subjects (default local)  [RR_SCOPE, POD_NAMESPACE]
  --recording NAME      recording part of the bus subjects (default: the room)
  --room ROOM           room name, required with flags
  --stream-id ID        the publisher's base stream id, required with flags
  --stream-key KEY      bus/disk key of the stream (default: derived from --stream-id)
  --label L             publisher label for sidecars
  --out DIR             output root (default ./recordings)
  --segment S           rotate every S seconds at a keyframe (default 0 = never)
  --max-duration S      stop after S seconds (default 0 = unlimited)
  --server URL          the room's handshake server (default ${DEFAULT_SERVER}): with VDO.Ninja's,
                        STUN and TURN default to VDO.Ninja's, as for 'record'
  --stun URL, --turn URL   ICE servers (repeatable; TURN as turn:user:pass@host:port);
                        --stun false: no STUN at all
  --ice-server URLS     one server, comma-separated URLs; credentials in ICE_<i>_USERNAME/_CREDENTIAL
  --relay-only          relay-only ICE policy
  --no-auto-turn        no VDO.Ninja TURN list even with its handshake server
  --ice-port-range A-B  host UDP sockets bind in ports A..B (firewalls, hostNetwork, 1:1 NAT)
  --ice-host-address IP also offer a host candidate with this address (a 1:1 NAT's public IP)
  --salt S              hashing salt (default ${DEFAULT_SALT})
  --prefer-codec C      vp8 | h264 | vp9 | av1: listed first in our answer
  --screen-share        also ask for and record screen-share tracks
  --no-password         no encryption; else RR_PASSWORD / ROOM_PASSWORD or --password-file F
  --log-level L         pino level (default info)                           [LOG_LEVEL]
  --metrics-port P      serve /metrics and /healthz on port P (default off) [RR_METRICS_PORT]

${NATS_USAGE}

Exit codes: 0 clean end (bye, peer lost, stopped, max duration, superseded), 3 duplicate,
4 ICE failed while the publisher kept offering (retried with backoff; the cause is in the last
heartbeat and the log), 42 bad configuration, 1 error.
`;

const OPTIONS = {
  scope: { type: "string" }, recording: { type: "string" }, room: { type: "string" }, server: { type: "string" },
  "stream-id": { type: "string" }, "stream-key": { type: "string" }, label: { type: "string" },
  out: { type: "string" }, segment: { type: "string" }, "max-duration": { type: "string" },
  stun: { type: "string", multiple: true }, turn: { type: "string", multiple: true }, "ice-server": { type: "string", multiple: true },
  "relay-only": { type: "boolean" }, "no-auto-turn": { type: "boolean" }, "ice-port-range": { type: "string" },
  "ice-host-address": { type: "string", multiple: true }, salt: { type: "string" }, "prefer-codec": { type: "string" }, "screen-share": { type: "boolean" },
  "no-password": { type: "boolean" }, "password-file": { type: "string" }, "log-level": { type: "string" },
  "metrics-port": { type: "string" },
  ...NATS_ARG_OPTIONS,
} as const;

export function parseWorkerArgs(argv: readonly string[], env: Env): WorkerCommandConfig {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const logLevel = values["log-level"] ?? env.LOG_LEVEL;
  const metricsPort = parseMetricsPort(values["metrics-port"] ?? env.RR_METRICS_PORT);
  const extra = { ...(logLevel ? { logLevel } : {}), ...(metricsPort !== undefined ? { metricsPort } : {}) };
  if (env.RR_WORKER_CONFIG) {
    // Local: the supervisor's JSON; "false" or no RR_PASSWORD means no password.
    const pw = env.RR_PASSWORD;
    const password = pw === undefined || pw === "" || pw.toLowerCase() === "false" ? false : pw;
    const worker = parseWorkerConfigJson(env.RR_WORKER_CONFIG, password);
    // `record --nats` spawns its workers with NATS settings in the environment (supervisor/workerEnv.ts).
    const nats = parseNatsSettings(values, env, worker.scope);
    return { worker, ...(nats ? { nats } : {}), ...extra };
  }
  const room = values.room;
  const streamId = values["stream-id"];
  if (!room) throw new UsageError("--room is required (or RR_WORKER_CONFIG)");
  if (!streamId) throw new UsageError("--stream-id is required (or RR_WORKER_CONFIG)");
  const scope = { scope: values.scope ?? env.RR_SCOPE ?? env.POD_NAMESPACE ?? "local", recording: values.recording ?? room };
  const prefer = values["prefer-codec"];
  if (prefer !== undefined && !CODECS.includes(prefer as VideoCodec)) throw new UsageError(`--prefer-codec must be one of ${CODECS.join(", ")}`);
  const nats = parseNatsSettings(values, env, scope);
  const ice = iceFlags(values, env);
  const worker: WorkerConfig = {
    scope,
    stream: { key: values["stream-key"] ?? streamKey(streamId), streamId, ...(values.label !== undefined ? { label: values.label } : {}) },
    roomDir: subjectToken(room),
    password: roomPassword(values["no-password"] === true, values["password-file"], env),
    salt: values.salt ?? DEFAULT_SALT,
    ice: { iceServers: [...ice.turnServers, ...ice.stunServers], relayOnly: ice.relayOnly, ...ice.host },
    output: {
      outDir: values.out ?? "recordings",
      segmentSeconds: seconds(values.segment, "--segment"),
      segmentBytes: 0,
      maxDurationSeconds: seconds(values["max-duration"], "--max-duration"),
    },
    ...(prefer !== undefined ? { preferCodec: prefer as VideoCodec } : {}),
    screenShare: values["screen-share"] === true,
    inactivityMs: DEFAULT_INACTIVITY_MS,
  };
  const server = values.server ?? DEFAULT_SERVER;
  const autoTurn = values["no-auto-turn"] !== true;
  if (ice.relayOnly && ice.turnServers.length === 0 && !(autoTurn && turnListUrlFor(server) !== undefined)) {
    throw new UsageError("--relay-only needs a TURN server (--turn, --ice-server, or auto TURN with VDO.Ninja's handshake server)");
  }
  const iceDefaults: IceOptions = { server, turnServers: ice.turnServers, relayOnly: ice.relayOnly, autoTurn, ...(ice.stun !== undefined ? { stun: ice.stun } : {}) };
  return deepFreeze({ worker, iceDefaults, ...(nats ? { nats } : {}), ...extra });
}

/**
 * The worker's final ICE settings: `record`'s defaults (config/ice.ts) over the servers given,
 * plus the port range and extra host addresses. May fetch VDO.Ninja's TURN list (2 s at most,
 * falling back to its static list). A configuration that cannot work is a UsageError (exit 42).
 */
export async function resolveWorkerIce(c: WorkerCommandConfig, log: Logger): Promise<WorkerConfig> {
  if (!c.iceDefaults) return c.worker;
  try {
    const settings = await buildIceSettings({ ...c.iceDefaults, autoTurnOptions: { log } });
    const { portRange, additionalHostAddresses } = c.worker.ice;
    const ice = { ...settings, ...(portRange ? { portRange } : {}), ...(additionalHostAddresses ? { additionalHostAddresses } : {}) };
    log.info({ iceServers: ice.iceServers.map(describeIceServer), relayOnly: ice.relayOnly, portRange, additionalHostAddresses }, "ICE servers");
    return deepFreeze({ ...c.worker, ice });
  } catch (err) {
    if (err instanceof IceConfigError) throw new UsageError(err.message);
    throw err;
  }
}

function seconds(v: string | undefined, flag: string): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a non-negative number of seconds`);
  return n;
}

interface IceFlags {
  /** `--turn` (inline credentials) then the TURN URLs of `--ice-server` (credentials from env). */
  readonly turnServers: IceServerConfig[];
  /** STUN given: `--stun` and the STUN URLs of `--ice-server`; `false` for `--stun false`; undefined for none given (the defaults apply). */
  readonly stun: string[] | false | undefined;
  readonly stunServers: IceServerConfig[];
  readonly relayOnly: boolean;
  readonly host: Pick<IceSettings, "portRange" | "additionalHostAddresses">;
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: true }>>["values"];

function iceFlags(values: Values, env: Env): IceFlags {
  try {
    const turn = (values.turn ?? []).map(parseIceServerUrl);
    const stunUrls = [...(values.stun ?? [])];
    (values["ice-server"] ?? []).forEach((urls, i) => {
      const username = env[`ICE_${i}_USERNAME`];
      const credential = env[`ICE_${i}_CREDENTIAL`];
      for (const u of urls.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
        if (!/^turns?:/i.test(u)) {
          stunUrls.push(u);
          continue;
        }
        if (username === undefined || credential === undefined) throw new IceConfigError(`--ice-server ${i}: TURN needs ICE_${i}_USERNAME and ICE_${i}_CREDENTIAL`);
        turn.push({ urls: u, username, credential });
      }
    });
    const disabled = stunUrls.some((s) => STUN_DISABLED.has(s.trim().toLowerCase()));
    const stunServers = disabled ? [] : stunUrls.map(parseIceServerUrl);
    const hostAddresses = values["ice-host-address"] ?? [];
    for (const a of hostAddresses) if (isIP(a) === 0) throw new IceConfigError(`--ice-host-address '${a}': not an IP address`);
    const portRange = values["ice-port-range"] === undefined ? undefined : parsePortRange(values["ice-port-range"]);
    return {
      turnServers: turn,
      stun: disabled ? false : stunUrls.length > 0 ? stunUrls : undefined,
      stunServers,
      relayOnly: values["relay-only"] === true,
      host: { ...(portRange ? { portRange } : {}), ...(hostAddresses.length > 0 ? { additionalHostAddresses: hostAddresses } : {}) },
    };
  } catch (err) {
    if (err instanceof IceConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** `A-B`: werift needs min < max (notes/werift.md §1). */
function parsePortRange(v: string): [number, number] {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(v.trim());
  const [min, max] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || min < 1024 || max > 65535 || min >= max) throw new IceConfigError(`--ice-port-range '${v}': expected A-B with 1024 <= A < B <= 65535`);
  return [min, max];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** RR_WORKER_CONFIG → WorkerConfig; the password in it (if any) is ignored: it comes from env. */
export function parseWorkerConfigJson(text: string, password: string | false): WorkerConfig {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError("RR_WORKER_CONFIG is not JSON");
  }
  const bad = (what: string): never => {
    throw new UsageError(`RR_WORKER_CONFIG: ${what}`);
  };
  if (!isObj(v)) return bad("not an object");
  const { scope, stream, ice, output } = v;
  if (!isObj(scope) || typeof scope.scope !== "string" || typeof scope.recording !== "string") return bad("scope must be {scope, recording}");
  if (!isObj(stream) || typeof stream.key !== "string" || typeof stream.streamId !== "string") return bad("stream must be {key, streamId[, label]}");
  if (!isSubjectToken(stream.key)) return bad("stream.key is not a safe token");
  if (stream.label !== undefined && typeof stream.label !== "string") return bad("stream.label must be a string");
  if (typeof v.roomDir !== "string" || !isSubjectToken(v.roomDir)) return bad("roomDir must be a safe token");
  if (!isObj(ice) || !Array.isArray(ice.iceServers) || typeof ice.relayOnly !== "boolean") return bad("ice must be {iceServers[], relayOnly}");
  const servers = ice.iceServers.map((s): IceServerConfig => {
    if (!isObj(s) || typeof s.urls !== "string") return bad("ice.iceServers[] must be {urls: string, username?, credential?}");
    return { urls: s.urls, ...(typeof s.username === "string" ? { username: s.username } : {}), ...(typeof s.credential === "string" ? { credential: s.credential } : {}) };
  });
  if (!isObj(output) || typeof output.outDir !== "string" || !isNum(output.segmentSeconds) || !isNum(output.segmentBytes) || !isNum(output.maxDurationSeconds)) {
    return bad("output must be {outDir, segmentSeconds, segmentBytes, maxDurationSeconds}");
  }
  if (v.preferCodec !== undefined && !CODECS.includes(v.preferCodec as VideoCodec)) return bad(`preferCodec must be one of ${CODECS.join(", ")}`);
  if (v.inactivityMs !== undefined && !isNum(v.inactivityMs)) return bad("inactivityMs must be a non-negative number");
  return deepFreeze({
    scope: { scope: scope.scope, recording: scope.recording },
    stream: { key: stream.key, streamId: stream.streamId, ...(stream.label !== undefined ? { label: stream.label as string } : {}) },
    roomDir: v.roomDir,
    password,
    salt: typeof v.salt === "string" ? v.salt : DEFAULT_SALT,
    ice: { iceServers: servers, relayOnly: ice.relayOnly },
    output: { outDir: output.outDir, segmentSeconds: output.segmentSeconds, segmentBytes: output.segmentBytes, maxDurationSeconds: output.maxDurationSeconds },
    ...(v.preferCodec !== undefined ? { preferCodec: v.preferCodec as VideoCodec } : {}),
    screenShare: v.screenShare === true,
    inactivityMs: (v.inactivityMs as number | undefined) ?? DEFAULT_INACTIVITY_MS,
  });
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
