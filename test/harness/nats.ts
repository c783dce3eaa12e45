/**
 * A real `nats-server` (Debian package) for tests: loopback, kernel-chosen port, optional
 * authorization, restartable on the same port, stopped by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface NatsUser {
  readonly user: string;
  readonly password: string;
  /** Subject patterns this user may publish and subscribe to (e.g. `rr.ns.rec.>`). */
  readonly allow: readonly string[];
}

export interface NatsServerOptions {
  /** With users, authorization is on and every client must log in as one of them. */
  readonly users?: readonly NatsUser[];
  /** Server `max_payload` in bytes. @default 1048576 */
  readonly maxPayload?: number;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stop the server process (SIGTERM, then SIGKILL); `up()` starts it again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** `down()` then `up()`. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export async function startNats(opts: NatsServerOptions = {}): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), "rr-nats-"));
  const configFile = join(dir, "nats.conf");
  writeFileSync(configFile, natsConfig(opts));

  let proc: ChildProcess;
  let port: number;
  ({ proc, port } = await launch(configFile, -1));
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await kill(proc);
    rmSync(dir, { recursive: true, force: true });
  };
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return proc.pid!;
    },
    async down() {
      await kill(proc);
    },
    async up() {
      if (proc.exitCode === null && proc.signalCode === null) throw new Error("nats-server is still running");
      ({ proc } = await launch(configFile, port));
    },
    async restart() {
      await server.down();
      await server.up();
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
  return server;
}

/** The server config; JSON is valid NATS config syntax, which keeps quoting safe. */
function natsConfig(opts: NatsServerOptions): string {
  const conf: Record<string, unknown> = { max_payload: opts.maxPayload ?? 1024 * 1024 };
  if (opts.users) {
    conf.authorization = {
      users: opts.users.map((u) => ({
        user: u.user,
        password: u.password,
        permissions: { publish: { allow: u.allow }, subscribe: { allow: u.allow } },
      })),
    };
  }
  return JSON.stringify(conf, null, 2);
}

async function launch(configFile: string, port: number): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn("nats-server", ["-c", configFile, "-a", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server not ready within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    proc.stderr!.setEncoding("utf8");
    proc.stderr!.on("data", (chunk: string) => {
      log += chunk;
      const m = /Listening for client connections on [^\s]+:(\d+)[\s\S]*Server is ready/.exec(log);
      if (m) {
        clearTimeout(timer);
        log = "";
        resolve(Number(m[1]));
      }
    });
    proc.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${log}`));
    });
  });
  return { proc, port: await listening };
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  process.kill(proc.pid!, "SIGTERM");
  const timer = setTimeout(() => proc.exitCode === null && process.kill(proc.pid!, "SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
