/**
 * `room-recorder record`: the local deployment in one process (design "Deployments: Local"):
 * the signaler and the local supervisor share an in-process bus hub; each stream's worker is a
 * child process on the hub over IPC. With `--nats URL` (issue 5) the same three roles talk over
 * NATS instead, the cluster topology on one machine: the workers get the NATS settings in their
 * environment. SIGINT/SIGTERM (or --duration) stop every worker, which finalizes its files,
 * then exit 0.
 */
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import type { Bus } from "../bus/Bus.ts";
import { connectBus } from "../bus/connect.ts";
import { MemoryBus } from "../bus/MemoryBus.ts";
import type { StreamInfo } from "../bus/messages.ts";
import { buildIceSettings, IceConfigError } from "../config/ice.ts";
import { parseRecordArgs, RECORD_USAGE, type RecordConfig } from "../config/parseRecordArgs.ts";
import { compileStreamFilters } from "../config/streamFilters.ts";
import { isRaspberryNinjaInvocation, translateRaspberryNinjaArgs } from "../config/raspberryNinjaArgs.ts";
import type { IceSettings, WorkerConfig } from "../config/types.ts";
import { createRootLogger, type Logger } from "../observability/logger.ts";
import { startMetricsEndpoint } from "./metricsEndpoint.ts";
import { Signaler } from "../signaler/Signaler.ts";
import { WORKER_NODE_FLAGS } from "../stream-worker/nodeFlags.ts";
import { LocalSupervisor } from "../supervisor/LocalSupervisor.ts";
import { transportBus, type WorkerTransport } from "../supervisor/WorkerProcess.ts";
import { UsageError } from "../config/errors.ts";
import type { Command } from "./command.ts";
import { renderStatusTable } from "./status-table.ts";
import { roomNotice } from "./roomNotice.ts";
import { buildStatusReport } from "../status/statusReport.ts";
import type { StatusServer } from "../status/statusServer.ts";
import { readRoomDirectory } from "../status/streamFiles.ts";

const WORKER_INACTIVITY_MS = 10_000;
const TABLE_REFRESH_MS = 1000;
const NATS_SLOW_CONNECT_MS = 5000;

async function run(argv: readonly string[]): Promise<number> {
  const config = parseRecordArgs(raspberryNinjaToRecord(argv), process.env);
  const { scope } = config;
  const roomDir = scope.recording;
  const table = process.stderr.isTTY === true;
  mkdirSync(config.output.outDir, { recursive: true });
  // On a TTY the table owns the terminal; the JSON logs go to a file beside the recordings.
  const logFile = join(config.output.outDir, "room-recorder.log");
  const root = createRootLogger({ ...(config.logLevel ? { level: config.logLevel } : {}), ...(table ? { destination: pino.destination({ dest: logFile, mkdir: true, sync: false }) } : {}) });
  const log = root.child({ room: config.room.room });
  const ice = await iceSettings(config);

  const transport = await openTransport(config, log.child({ component: "bus" }));
  const bus = transportBus(transport);
  const workerConfig = (stream: StreamInfo): WorkerConfig => ({
    scope,
    stream: { key: stream.key, streamId: stream.streamId, ...(stream.label !== undefined ? { label: stream.label } : {}) },
    roomDir,
    // As typed: every role normalizes it itself (protocol/sanitize.ts), so it is encoded once.
    password: config.room.password,
    salt: config.room.salt,
    ice,
    output: config.output,
    ...(config.preferCodec ? { preferCodec: config.preferCodec } : {}),
    screenShare: config.screenShare,
    inactivityMs: WORKER_INACTIVITY_MS,
  });
  const supervisor = new LocalSupervisor({ transport, scope, log, accept: compileStreamFilters(config.filters), workerConfig, execArgv: WORKER_NODE_FLAGS });
  const signaler = new Signaler(bus, config.room, scope, config.filters, log);
  let busClosed = false;
  void bus.closed().then(() => (busClosed = true));
  const http = config.metricsPort === undefined ? undefined : await startMetricsEndpoint({
    port: config.metricsPort,
    // A laptop's recorder: not on the LAN. A pod runs `signaler`, which binds all interfaces.
    host: "127.0.0.1",
    registries: [signaler.metrics.registry, supervisor.metrics.registry],
    healthy: () => !busClosed,
    ready: () => signaler.signaling === "connected",
  }).catch(async (err: unknown) => {
    await bus.close();
    throw err;
  });
  if (http) log.info({ metrics: `${http.url}/metrics` }, "serving /metrics, /healthz, /readyz");
  const status = config.status === undefined ? undefined : await serveStatus(config, signaler, supervisor).catch(async (err: unknown) => {
    await http?.close();
    await bus.close();
    throw err;
  });
  if (status) log.info({ status: `${status.url}/status` }, "serving /status");
  supervisor.start();
  signaler.start();
  const startedAt = Date.now();

  let lastNotice: string | undefined;
  const refresh = setInterval(() => {
    const notice = roomNotice({ joined: signaler.signaling === "connected", streams: signaler.streams.length, foreign: signaler.foreignStreams, secondsJoined: (Date.now() - startedAt) / 1000 });
    if (notice !== lastNotice && notice !== undefined) log.warn({ notice }, notice);
    lastNotice = notice;
    if (table) {
      const text = renderStatusTable({ room: config.room.room, signaling: signaler.signaling, streams: supervisor.status(), ...(notice ? { notice } : {}) });
      process.stderr.write(`\u001b[H\u001b[2J${text}\n(logs: ${logFile})\n`);
    }
  }, TABLE_REFRESH_MS);

  const why = await untilStopped(config.durationSeconds, bus);
  clearInterval(refresh);
  if (why === "bus closed") log.error("the bus closed for good (NATS refused us): stopping every stream");
  else log.info({ why }, "stopping: finalizing every stream");
  await supervisor.stop();
  await signaler.close();
  await http?.close();
  await status?.close();
  await bus.close();
  log.info("stopped");
  await new Promise<void>((resolve) => root.flush(() => resolve()));
  return why === "bus closed" ? 1 : 0;
}

/**
 * Raspberry.Ninja's flags (`--record-room`, …) become ours, each with a line on stderr saying
 * what it became, so a migrated script's log shows what changed (config/raspberryNinjaArgs.ts).
 */
function raspberryNinjaToRecord(argv: readonly string[]): readonly string[] {
  if (!isRaspberryNinjaInvocation(argv)) return argv;
  const { argv: translated, migrations } = translateRaspberryNinjaArgs(argv, (path) => readFileSync(path, "utf8"));
  for (const line of migrations) process.stderr.write(`room-recorder: Raspberry.Ninja flag ${line}\n`);
  return translated;
}

/** `--status-port`: the report built per request from the supervisor and the room's directory, whose finished files the page serves. */
async function serveStatus(config: RecordConfig, signaler: Signaler, supervisor: LocalSupervisor): Promise<StatusServer> {
  const settings = config.status!;
  const roomDir = join(config.output.outDir, config.scope.recording);
  const report = () =>
    buildStatusReport({
      room: config.room.room,
      signaling: signaler.signaling,
      streams: supervisor.status(),
      directories: readRoomDirectory(roomDir),
      fileSize: (path) => statSync(path, { throwIfNoEntry: false })?.size,
      now: Date.now(),
    });
  // Imported here: node:http costs the process memory it never uses without a port (issue 7).
  const { startStatusServer } = await import("../status/statusServer.ts");
  try {
    return await startStatusServer(settings, { report, roomDir });
  } catch (err) {
    throw new UsageError(`--status-port ${settings.port}: ${(err as Error).message}`);
  }
}

/** The in-process hub whose workers attach over IPC, or NATS for everyone (`--nats`). */
async function openTransport(config: RecordConfig, log: Logger): Promise<WorkerTransport> {
  if (!config.nats) return { kind: "ipc", hub: new MemoryBus({ log }) };
  log.info({ servers: config.nats.servers }, "connecting to NATS");
  const slow = setTimeout(() => log.warn({ servers: config.nats?.servers }, "NATS not reachable yet: still trying"), NATS_SLOW_CONNECT_MS);
  try {
    return { kind: "nats", bus: await connectBus({ log, nats: config.nats }), settings: config.nats };
  } catch (err) {
    // The client retries unreachable servers forever; what fails here is refused credentials,
    // TLS or the files they come from: configuration, which a retry cannot fix.
    throw new UsageError(`--nats: ${(err as Error).message}`);
  } finally {
    clearTimeout(slow);
  }
}

async function iceSettings(config: RecordConfig): Promise<IceSettings> {
  try {
    return await buildIceSettings({ ...config.ice, server: config.room.server });
  } catch (err) {
    if (err instanceof IceConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** Resolves with why the recording stops: a signal, --duration, or the bus closing for good. */
function untilStopped(durationSeconds: number | undefined, bus: Bus): Promise<string> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = (why: string) => () => {
      clearTimeout(timer);
      resolve(why);
    };
    if (durationSeconds !== undefined) timer = setTimeout(stop("duration reached"), durationSeconds * 1000);
    process.once("SIGINT", stop("SIGINT"));
    process.once("SIGTERM", stop("SIGTERM"));
    void bus.closed().then(stop("bus closed"));
  });
}

export const command: Command = { name: "record", summary: "record every stream of a room into files (local supervisor)", usage: RECORD_USAGE, run };
