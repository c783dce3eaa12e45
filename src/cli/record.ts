/**
 * `room-recorder record`: the local deployment in one process (design "Deployments: Local"):
 * the signaler and the local supervisor share an in-process bus hub; each stream's worker is a
 * child process on the hub over IPC. SIGINT/SIGTERM (or --duration) stop every worker, which
 * finalizes its files, then exit 0.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { MemoryBus } from "../bus/MemoryBus.ts";
import type { StreamInfo } from "../bus/messages.ts";
import { subjectToken } from "../bus/subjects.ts";
import { buildIceSettings, IceConfigError } from "../config/ice.ts";
import { parseRecordArgs, RECORD_USAGE, type RecordConfig } from "../config/parseRecordArgs.ts";
import { compileStreamFilters } from "../config/streamFilters.ts";
import type { IceSettings, WorkerConfig } from "../config/types.ts";
import { createRootLogger } from "../observability/logger.ts";
import { sanitizeRoom } from "../protocol/sanitize.ts";
import { Signaler } from "../signaler/Signaler.ts";
import { LocalSupervisor } from "../supervisor/LocalSupervisor.ts";
import { UsageError, type Command } from "./command.ts";
import { renderStatusTable } from "./status-table.ts";
import { roomNotice } from "./roomNotice.ts";

const WORKER_INACTIVITY_MS = 10_000;
const TABLE_REFRESH_MS = 1000;

async function run(argv: readonly string[]): Promise<number> {
  const config = parseRecordArgs(argv, process.env);
  const roomDir = subjectToken(sanitizeRoom(config.room.room));
  const table = process.stderr.isTTY === true;
  mkdirSync(config.output.outDir, { recursive: true });
  // On a TTY the table owns the terminal; the JSON logs go to a file beside the recordings.
  const logFile = join(config.output.outDir, "room-recorder.log");
  const root = createRootLogger({ ...(config.logLevel ? { level: config.logLevel } : {}), ...(table ? { destination: pino.destination({ dest: logFile, mkdir: true, sync: false }) } : {}) });
  const log = root.child({ room: config.room.room });
  const ice = await iceSettings(config);

  const scope = { scope: "local", recording: roomDir };
  const hub = new MemoryBus({ log: log.child({ component: "bus" }) });
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
  const supervisor = new LocalSupervisor({ hub, scope, log, accept: compileStreamFilters(config.filters), workerConfig });
  const signaler = new Signaler(hub, config.room, scope, config.filters, log);
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

  const why = await untilStopped(config.durationSeconds);
  clearInterval(refresh);
  log.info({ why }, "stopping: finalizing every stream");
  await supervisor.stop();
  await signaler.close();
  await hub.close();
  log.info("stopped");
  await new Promise<void>((resolve) => root.flush(() => resolve()));
  return 0;
}

async function iceSettings(config: RecordConfig): Promise<IceSettings> {
  try {
    return await buildIceSettings({ ...config.ice, server: config.room.server });
  } catch (err) {
    if (err instanceof IceConfigError) throw new UsageError(err.message);
    throw err;
  }
}

function untilStopped(durationSeconds: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    const timer = durationSeconds !== undefined ? setTimeout(() => resolve("duration reached"), durationSeconds * 1000) : undefined;
    const on = (signal: NodeJS.Signals) => () => {
      clearTimeout(timer);
      resolve(signal);
    };
    process.once("SIGINT", on("SIGINT"));
    process.once("SIGTERM", on("SIGTERM"));
  });
}

export const command: Command = { name: "record", summary: "record every stream of a room into files (local supervisor)", usage: RECORD_USAGE, run };
