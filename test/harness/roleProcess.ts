/**
 * Runs one `room-recorder <role>` (signaler, worker) as its own OS process, the way a pod runs
 * it: flags and environment only. Collects its pino lines for conditions and failure messages.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { signalAndWait } from "./childStop.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const STOP_TIMEOUT_MS = 20_000;

export interface RoleProcess {
  readonly pid: number;
  /** Parsed pino lines so far (unparsable lines are kept as `{ raw }`). */
  lines(): readonly Record<string, unknown>[];
  /** Stderr so far, for failure messages. */
  stderr(): string;
  /** Exit code, or the signal name; undefined while running. */
  readonly exit: number | string | undefined;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited(): Promise<number | string>;
  /** SIGTERM (SIGKILL after 20 s); resolves with the exit code. Idempotent. */
  stop(): Promise<number | string>;
  /** SIGKILL: a crash. */
  kill(): Promise<number | string>;
  [Symbol.asyncDispose](): Promise<void>;
}

export function startRole(role: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): RoleProcess {
  const child = spawn(`${ROOT}node_modules/.bin/node`, ["src/cli/main.ts", role, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "debug", ...env },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  let exit: number | string | undefined;
  const exitedP = once(child, "exit").then(([code, signal]) => (exit = (code as number | null) ?? (signal as string)));
  const end = (signal: NodeJS.Signals): Promise<number | string> => signalAndWait(child, exitedP, signal, STOP_TIMEOUT_MS);
  return {
    pid: child.pid ?? -1,
    lines: () =>
      stderr
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return { raw: l };
          }
        }),
    stderr: () => stderr,
    get exit() {
      return exit;
    },
    exited: () => exitedP,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
    async [Symbol.asyncDispose]() {
      await end("SIGTERM");
    },
  };
}
