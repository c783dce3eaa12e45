/**
 * `room-recorder worker` as a real child process attached to a parent-side hub (MemoryBus), as
 * `room-recorder record` runs it: RR_WORKER_CONFIG + RR_PASSWORD in its environment.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { attachChild } from "../../src/bus/attachChild.ts";
import type { MemoryBus } from "../../src/bus/MemoryBus.ts";
import { subjects, type SubjectScope } from "../../src/bus/subjects.ts";
import { DEFAULT_SALT } from "../../src/protocol/defaults.ts";
import type { Logger } from "../../src/observability/logger.ts";
import { signalAndWait } from "./childStop.ts";

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;

export interface WorkerChild {
  readonly child: ChildProcess;
  /** Exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stderr(): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The local supervisor's JSON config for one stream with no ICE servers and no rotation. */
export function localWorkerConfig(scope: SubjectScope, key: string, outDir: string) {
  return {
    scope, stream: { key, streamId: key }, roomDir: scope.recording, salt: DEFAULT_SALT,
    ice: { iceServers: [], relayOnly: false },
    output: { outDir, segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 },
    screenShare: false, inactivityMs: 10_000,
  };
}

export function startWorkerChild(o: {
  hub: MemoryBus; scope: SubjectScope; config: object; password: string | false; log: Logger; env?: Record<string, string>;
}): WorkerChild {
  const child = spawn(process.execPath, [MAIN, "worker"], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: {
      ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", ...o.env,
      RR_WORKER_CONFIG: JSON.stringify(o.config), RR_PASSWORD: o.password === false ? "false" : o.password,
    },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const attachment = attachChild(o.hub, child, { log: o.log, permit: [subjects.everything(o.scope)] });
  const stop = async () => {
    attachment.detach();
    await signalAndWait(child, exited, "SIGKILL");
  };
  return { child, exited, stderr: () => stderr, stop, [Symbol.asyncDispose]: stop };
}
