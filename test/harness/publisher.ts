/**
 * Runs `room-recorder publish` (the werift test publisher) as its own OS process, so its media
 * costs the recorder nothing and `kill -9` is real. Follows the JSON event lines it prints.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { inNetns } from "./netns.ts";
import { waitFor } from "./wait.ts";
import { runOnce, signalAndWait } from "./childStop.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface PublisherProcessOptions {
  readonly server: string;
  readonly room: string;
  readonly streamId: string;
  /** Raw password; `false` → `--password false`; undefined = the default password. */
  readonly password?: string | false;
  readonly salt?: string;
  readonly codec?: "vp8" | "h264";
  readonly offer?: "media" | "datachannel";
  readonly label?: string;
  readonly dialect?: "official" | "fanout";
  readonly durationSeconds?: number;
  readonly misbehave?: boolean;
  /** `--screen`: share a screen with viewers that allow it. */
  readonly screen?: boolean;
  /** `--stun` / `--turn` URLs, as a browser behind a NAT has them. */
  readonly stun?: readonly string[];
  readonly turn?: readonly string[];
  /** Run inside this network namespace (infra/nat/, root only). */
  readonly netns?: string;
}

/** One JSON line of the publisher's stdout (see src/cli/publish.ts). */
export interface PublisherEventLine {
  readonly event: string;
  readonly at: number;
  readonly [k: string]: unknown;
}

export interface ViewerMedia {
  readonly viewer: string;
  readonly mediaStartedAt?: number;
  readonly mediaEndedAt?: number;
  /** Seconds of media sent to this viewer, on the media clock (src/publisher/ViewerPeer.ts). */
  readonly mediaSeconds: number;
  readonly packetsSent: number;
}

export interface PublisherProcess {
  readonly pid: number;
  readonly events: readonly PublisherEventLine[];
  readonly stderr: () => string;
  /** Resolves once some viewer gets media from this publisher (ms since epoch). */
  mediaStarted(timeoutMs?: number): Promise<number>;
  /** SIGTERM (the publisher says bye), waits for exit; returns per-viewer media spans. Idempotent. */
  stop(): Promise<readonly ViewerMedia[]>;
  /** SIGKILL: no bye. */
  kill(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function flags(o: PublisherProcessOptions): string[] {
  const f = ["--server", o.server, "--room", o.room, "--stream", o.streamId];
  if (o.password !== undefined) f.push("--password", o.password === false ? "false" : o.password);
  if (o.salt !== undefined) f.push("--salt", o.salt);
  if (o.codec) f.push("--codec", o.codec);
  if (o.offer) f.push("--offer", o.offer);
  if (o.label !== undefined) f.push("--label", o.label);
  if (o.dialect) f.push("--dialect", o.dialect);
  if (o.durationSeconds !== undefined) f.push("--duration", String(o.durationSeconds));
  if (o.misbehave) f.push("--misbehave");
  if (o.screen) f.push("--screen");
  for (const url of o.stun ?? []) f.push("--stun", url);
  for (const url of o.turn ?? []) f.push("--turn", url);
  return f;
}

export async function startPublisherProcess(o: PublisherProcessOptions): Promise<PublisherProcess> {
  const [command, args] = inNetns(o.netns, `${ROOT}node_modules/.bin/node`, ["src/cli/main.ts", "publish", ...flags(o)]);
  const child = spawn(command, args, {
    cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "info" },
  });
  const events: PublisherEventLine[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  createInterface({ input: child.stdout }).on("line", (line) => {
    try {
      events.push(JSON.parse(line) as PublisherEventLine);
    } catch {
      stderr += `[unparsable stdout] ${line}\n`;
    }
  });
  const exited = once(child, "exit").then(() => undefined);
  const has = (name: string) => events.find((e) => e.event === name);
  await Promise.race([
    waitFor(() => has("seeded"), START_TIMEOUT_MS, `publisher ${o.streamId} to announce its stream`),
    exited.then(() => {
      throw new Error(`publisher ${o.streamId} exited before announcing its stream: ${stderr}`);
    }),
  ]);

  const spans = (): ViewerMedia[] => {
    const stopped = has("stopped") as { viewers?: ViewerMedia[] } | undefined;
    if (stopped?.viewers) return stopped.viewers;
    return events.filter((e) => e.event === "viewer-ended").map((e) => e.stats as ViewerMedia);
  };
  const stop = runOnce(async () => {
    await signalAndWait(child, exited);
    return spans();
  });
  const kill = async () => {
    await signalAndWait(child, exited, "SIGKILL");
  };
  return {
    pid: child.pid ?? -1,
    events,
    stderr: () => stderr,
    mediaStarted: (timeoutMs = 30_000) =>
      waitFor(() => has("viewer-media")?.startedAt as number | undefined, timeoutMs, `publisher ${o.streamId} to start media for a viewer`),
    stop,
    kill,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}
