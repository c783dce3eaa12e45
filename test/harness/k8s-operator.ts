/**
 * Runs `room-recorder operator` as its own process against the test control plane, reads the
 * metrics address from its log, and stops it by PID (SIGTERM) or kills it (SIGKILL, no lease
 * release: the failover case).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { waitFor } from "./wait.ts";
import { isRunning, signalAndWait } from "./childStop.ts";

const ROOT = resolve(import.meta.dirname, "../..");

export interface OperatorProcess {
  readonly pid: number;
  readonly metricsUrl: string;
  readonly log: () => string;
  kill(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startOperator(o: {
  kubeconfigPath: string;
  natsUrl: string;
  identity: string;
  image?: string;
  /** Node flags before the script, e.g. `--heapsnapshot-signal=SIGUSR2` (bench/operator.ts). */
  nodeOptions?: readonly string[];
  /** Extra environment, e.g. NATS_USER / NATS_PASSWORD (secrets stay out of argv). */
  env?: Readonly<Record<string, string>>;
}): Promise<OperatorProcess> {
  const child = spawn(
    `${ROOT}/node_modules/.bin/node`,
    [...(o.nodeOptions ?? []), "bin/room-recorder.js", "operator", "--kubeconfig", o.kubeconfigPath, "--nats", o.natsUrl, "--image", o.image ?? "room-recorder:test",
      "--metrics-addr", "127.0.0.1:0", "--lease-namespace", "default", "--identity", o.identity],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LOG_LEVEL: "info", ...o.env } },
  );
  let text = "";
  let metrics: string | undefined;
  createInterface({ input: child.stderr! }).on("line", (line) => {
    text += `${line}\n`;
    try {
      const rec = JSON.parse(line) as { msg?: string; metrics?: string };
      if (rec.msg === "operator listening" && rec.metrics) metrics = `http://${rec.metrics}/metrics`;
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const metricsUrl = await waitFor(() => metrics ?? (!isRunning(child) ? Promise.reject(new Error(`operator exited:\n${text}`)) : undefined), 30_000, "operator metrics address");
  const end = (signal: NodeJS.Signals) => signalAndWait(child, exited, signal, 10_000);
  return { pid: child.pid!, metricsUrl, log: () => text, kill: () => end("SIGKILL"), stop: () => end("SIGTERM"), [Symbol.asyncDispose]: () => end("SIGTERM") };
}
