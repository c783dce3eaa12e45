import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { attachChild } from "../bus/attachChild.ts";
import type { Bus } from "../bus/Bus.ts";
import type { MemoryBus } from "../bus/MemoryBus.ts";
import { parseFromWorker, type EndReason } from "../bus/messages.ts";
import type { NatsSettings } from "../bus/natsSettings.ts";
import { subjects } from "../bus/subjects.ts";
import type { WorkerConfig } from "../config/types.ts";
import type { Logger } from "../observability/logger.ts";
import { workerEnv } from "./workerEnv.ts";

/** How the worker is launched; tests substitute a fixture script. */
export interface WorkerCommand {
  readonly execPath: string;
  readonly args: readonly string[];
}

export const DEFAULT_WORKER_COMMAND: WorkerCommand = {
  execPath: process.execPath,
  args: [fileURLToPath(new URL("../cli/main.ts", import.meta.url)), "worker"],
};

/**
 * How a worker child reaches the bus: the parent's in-process hub over the IPC channel (plain
 * `record`), or NATS directly with the parent's settings (`record --nats`, the cluster
 * topology on one machine: docs/nats.md). The parent watches the worker on `bus` either way.
 */
export type WorkerTransport =
  | { readonly kind: "ipc"; readonly hub: MemoryBus }
  | { readonly kind: "nats"; readonly bus: Bus; readonly settings: NatsSettings };

export function transportBus(t: WorkerTransport): Bus {
  return t.kind === "ipc" ? t.hub : t.bus;
}

export interface WorkerProcessOptions {
  readonly transport: WorkerTransport;
  readonly config: WorkerConfig;
  readonly log: Logger;
  readonly command?: WorkerCommand;
  /**
   * Node flags placed before the script, e.g. `--max-old-space-size=128` to bound a worker's
   * heap (issue 7). A fixture command gets them too. (NODE_OPTIONS in the parent's environment
   * reaches the workers as well: workerEnv.ts passes it on.)
   */
  readonly execArgv?: readonly string[];
}

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The worker's last `ended` reason, if it said one before exiting. */
  readonly reason?: EndReason;
  /** The publisher UUID of the worker's last connection, from its `ended` message. */
  readonly uuid?: string;
  readonly wasReady: boolean;
}

const PINO_LEVELS: Record<number, "trace" | "debug" | "info" | "warn" | "error" | "fatal"> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** Longest stderr line we log; a runaway child cannot flood the parent's log. */
const MAX_STDERR_LINE = 4000;

/**
 * One worker child process (mediasoup `Worker.ts` style, style.md §14): spawned with an IPC
 * channel that carries the bus (or with NATS settings), config in `RR_WORKER_CONFIG` (without
 * the password) and the password in `RR_PASSWORD` (never argv: `ps` shows argv to every local
 * user; see workerEnv.ts). Its stderr is logged line by line; `ready()` resolves when it says
 * `ready` on its subject.
 */
export class WorkerProcess {
  readonly key: string;
  readonly #child: ChildProcess;
  readonly #log: Logger;
  readonly #bus: Bus;
  readonly #scope: WorkerConfig["scope"];
  readonly #ready: Promise<boolean>;
  readonly #done: Promise<WorkerExit>;
  #wasReady = false;
  #reason: EndReason | undefined;
  #uuid: string | undefined;

  constructor(opts: WorkerProcessOptions) {
    const { config, transport } = opts;
    this.key = config.stream.key;
    const bus = transportBus(transport);
    this.#bus = bus;
    this.#scope = config.scope;
    const command = opts.command ?? DEFAULT_WORKER_COMMAND;
    const ipc = transport.kind === "ipc";
    this.#child = spawn(command.execPath, [...(opts.execArgv ?? []), ...command.args], {
      stdio: ["ignore", "ignore", "pipe", ...(ipc ? (["ipc"] as const) : [])],
      env: workerEnv(process.env, config, ipc ? undefined : transport.settings),
    });
    this.#log = opts.log.child({ component: "worker-process", stream: this.key, pid: this.#child.pid });
    const attachment = ipc ? attachChild(transport.hub, this.#child, { log: this.#log, permit: [subjects.everything(config.scope)] }) : undefined;

    createInterface({ input: this.#child.stderr! }).on("line", (line) => this.#logLine(line));
    const sub = bus.subscribe(subjects.fromWorker(config.scope, this.key), (m) => {
      const msg = parseFromWorker(m.data);
      if (msg?.type === "ready") this.#wasReady = true;
      if (msg?.type === "ended") {
        this.#reason = msg.reason;
        this.#uuid = msg.uuid;
      }
    });
    this.#ready = new Promise<boolean>((resolve) => {
      const readySub = bus.subscribe(subjects.fromWorker(config.scope, this.key), (m) => {
        if (parseFromWorker(m.data)?.type !== "ready") return;
        readySub.unsubscribe();
        resolve(true);
      });
      this.#child.once("exit", () => {
        readySub.unsubscribe();
        resolve(false);
      });
    });
    this.#done = new Promise<WorkerExit>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        sub.unsubscribe();
        attachment?.detach();
        resolve({ code, signal, wasReady: this.#wasReady, ...(this.#reason !== undefined ? { reason: this.#reason } : {}), ...(this.#uuid !== undefined ? { uuid: this.#uuid } : {}) });
      };
      this.#child.once("exit", finish);
      // spawn failure (ENOENT, EACCES): no 'exit' follows.
      this.#child.once("error", (err) => {
        this.#log.error({ err }, "worker could not be spawned");
        if (this.#child.pid === undefined) finish(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True once the worker said `ready`; false if it exited first. Never rejects. */
  ready(): Promise<boolean> {
    return this.#ready;
  }

  /** Resolves when the process has exited. Never rejects. */
  done(): Promise<WorkerExit> {
    return this.#done;
  }

  /** Ask the worker to finalize and exit; SIGKILL after `graceMs`. Idempotent. */
  async stop(reason: EndReason, graceMs: number): Promise<WorkerExit> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      try {
        this.#bus.publish(subjects.toWorker(this.#scope, this.key), { type: "stop", reason });
      } catch (err) {
        this.#log.debug({ err }, "stop not published: bus closed");
      }
      const timer = setTimeout(() => {
        this.#log.warn({ graceMs }, "worker did not finish in time: SIGKILL");
        this.kill("SIGKILL");
      }, graceMs);
      await this.#done;
      clearTimeout(timer);
    }
    return this.#done;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
  }

  #logLine(line: string): void {
    const text = line.length > MAX_STDERR_LINE ? `${line.slice(0, MAX_STDERR_LINE)}…` : line;
    // Worker lines are pino JSON already: re-logged at their own level, whole under `worker`.
    try {
      const parsed = JSON.parse(text) as { level?: unknown; msg?: unknown } | null;
      if (typeof parsed === "object" && parsed !== null) {
        const level = PINO_LEVELS[parsed.level as number] ?? "info";
        return void this.#log[level]({ worker: parsed }, typeof parsed.msg === "string" ? parsed.msg : "worker log");
      }
    } catch {
      // plain text (a crash trace): logged as is
    }
    this.#log.warn({ line: text }, "worker stderr");
  }
}
