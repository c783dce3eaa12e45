/**
 * Handshake relay launchers for tests: `startRelayProcess` runs the real CLI
 * (`room-recorder relay --port 0`) and reads its URL from stdout; `startRelay` (re-exported)
 * runs it in-process for tests that need `dropAll()`.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import type { Dialect } from "../../src/protocol/defaults.ts";
import { inNetns } from "./netns.ts";
import { waitFor } from "./wait.ts";
import { runOnce, signalAndWait } from "./childStop.ts";

export { startRelay, type Relay, type RelayOptions } from "../../src/relay/index.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface RelayProcess {
  readonly url: string;
  readonly pid: number;
  /** Stderr so far (pino JSON lines), for assertions and failure messages. */
  readonly stderr: () => string;
  /** SIGTERM, then waits for exit; resolves with the exit code. Idempotent. */
  stop(): Promise<number | null>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** `netns`: run inside that network namespace (infra/nat/, root only); give `--host` in `args` there. */
export async function startRelayProcess(opts: { dialect?: Dialect; args?: readonly string[]; netns?: string } = {}): Promise<RelayProcess> {
  const [command, args] = inNetns(opts.netns, `${ROOT}node_modules/.bin/node`, ["src/cli/main.ts", "relay", "--port", "0", "--dialect", opts.dialect ?? "official", ...(opts.args ?? [])]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "debug" } });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = once(child, "exit").then(([code]) => code as number | null);

  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start within ${START_TIMEOUT_MS}ms: ${stderr}`)), START_TIMEOUT_MS);
    lines.on("line", (line) => {
      const m = /^relay listening on (wss?:\/\/\S+)$/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code} before listening: ${stderr}`));
    });
  });

  const stop = runOnce(() => signalAndWait(child, exited));
  return {
    url,
    pid: child.pid ?? -1,
    stderr: () => stderr,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

/** A raw JSON WebSocket client of the relay, recording everything it receives. */
export interface RelayClient {
  readonly received: readonly Record<string, unknown>[];
  send(msg: unknown): void;
  sendRaw(data: string | Buffer): void;
  /** Waits for the first received message (from `startIndex` on) that matches. */
  next(match: (m: Record<string, unknown>) => boolean, name: string, startIndex?: number): Promise<Record<string, unknown>>;
  /** WS ping → pong: everything the server sent before answering has arrived (spec §1.3 barrier). */
  barrier(): Promise<void>;
  readonly closed: Promise<number>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const CLIENT_WAIT_MS = 15_000;

/** `autoPong: false` makes a client that looks dead to the relay's pings. */
export async function connectRelayClient(url: string, opts: { ca?: string | Buffer; autoPong?: boolean } = {}): Promise<RelayClient> {
  const ws = new WebSocket(url, { ...(opts.ca ? { ca: opts.ca } : {}), autoPong: opts.autoPong ?? true });
  const received: Record<string, unknown>[] = [];
  ws.on("message", (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = once(ws, "close").then(([code]) => code as number);
  await once(ws, "open");
  const client: RelayClient = {
    received,
    send: (msg) => ws.send(JSON.stringify(msg)),
    sendRaw: (data) => ws.send(data),
    next: (match, name, startIndex = 0) => waitFor(() => received.slice(startIndex).find(match), CLIENT_WAIT_MS, name),
    async barrier() {
      const pong = once(ws, "pong");
      ws.ping();
      await pong;
    },
    closed,
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await closed;
    },
    [Symbol.asyncDispose]: () => client.close(),
  };
  return client;
}
