/**
 * Runs `room-recorder record` (signaler + local supervisor + one worker process per stream) as a
 * real process, and reads back what it wrote: segment files with their JSON sidecars
 * (src/media/sidecar.ts), found by walking the output directory.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { SegmentSidecar } from "../../src/media/sidecar.ts";
import type { ViewerMedia } from "./publisher.ts";
import { runOnce, signalAndWait } from "./childStop.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SEGMENT = /\.(webm|mkv)$/;

export interface RecorderProcessOptions {
  readonly server: string;
  readonly room: string;
  readonly outDir: string;
  /** Raw password; `false` → `--password false`; undefined = the default password. */
  readonly password?: string | false;
  readonly salt?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface RecordedSegment {
  /** Absolute path of the media file. */
  readonly file: string;
  /** Path relative to the output directory. */
  readonly relative: string;
  /** The stream directory name (the stream key). */
  readonly streamDir: string;
  readonly bytes: number;
  /** The JSON sidecar beside it, when present and parseable. */
  readonly sidecar?: SegmentSidecar;
}

export interface RecorderProcess {
  readonly pid: number;
  readonly stderr: () => string;
  readonly stdout: () => string;
  /** Pids of its live child processes whose command line mentions `worker`. */
  workerPids(): number[];
  /** SIGTERM and wait; resolves with the exit code (null if killed by a signal). Idempotent. */
  stop(): Promise<number | null>;
  [Symbol.asyncDispose](): Promise<void>;
}

export function startRecorderProcess(o: RecorderProcessOptions): RecorderProcess {
  const args = ["record", "--server", o.server, "--room", o.room, "--out", o.outDir];
  if (o.password !== undefined) args.push("--password", o.password === false ? "false" : o.password);
  if (o.salt !== undefined) args.push("--salt", o.salt);
  args.push(...(o.args ?? []));
  return startRoomRecorder(args, o.env);
}

/** `room-recorder <argv>` exactly as given (e.g. Raspberry.Ninja's command line, no command name). */
export function startRoomRecorder(argv: readonly string[], env?: Readonly<Record<string, string>>): RecorderProcess {
  const child = spawn(`${ROOT}node_modules/.bin/node`, ["src/cli/main.ts", ...argv], {
    cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "debug", ...env },
  });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const stop = runOnce(() => signalAndWait(child, exited));
  return {
    pid: child.pid ?? -1,
    stderr: () => stderr,
    stdout: () => stdout,
    workerPids: () => childPids(child.pid ?? -1).filter((pid) => readCmdline(pid).includes("worker")),
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

/** Every segment under `outDir`, oldest first within each stream directory. */
export function listSegments(outDir: string): RecordedSegment[] {
  const found: RecordedSegment[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      // The recorder is still writing: a sidecar's `.json.tmp` is renamed away between the
      // directory listing and this stat.
      const st = statSync(path, { throwIfNoEntry: false });
      if (st === undefined) continue;
      if (st.isDirectory()) walk(path);
      else if (SEGMENT.test(name)) {
        const sidecar = readSidecar(path.replace(SEGMENT, ".json"));
        found.push({ file: path, relative: relative(outDir, path), streamDir: relative(outDir, dir).split("/").pop() ?? "", bytes: st.size, ...(sidecar ? { sidecar } : {}) });
      }
    }
  };
  walk(outDir);
  return found;
}

function readSidecar(path: string): SegmentSidecar | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SegmentSidecar;
  } catch {
    return undefined;
  }
}

/** Children of `pid`, from /proc (Linux): independent of the recorder's log format. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

export interface RecordOneOptions {
  readonly server: string;
  readonly room: string;
  readonly streamId: string;
  readonly outDir: string;
  /** Seconds of media to publish once it flows. */
  readonly seconds: number;
  readonly recorderPassword?: string | false;
  readonly publisherPassword?: string | false;
  readonly codec?: "vp8" | "h264";
  readonly offer?: "media" | "datachannel";
  /** How long to wait for media; a publisher nobody records never starts it. @default 30000 */
  readonly mediaTimeoutMs?: number;
}

export interface RecordOneResult {
  readonly segments: RecordedSegment[];
  /** The publisher's media spans per viewer connection (empty if nobody received media). */
  readonly published: readonly ViewerMedia[];
  readonly recorderExitCode: number | null;
  readonly recorderStderr: string;
}

/**
 * The common case of the acceptance tests: a recorder and one publisher in a room; publish for
 * `seconds` once media flows (or give up waiting after `mediaTimeoutMs`), stop the publisher,
 * wait for its file to be finalized, stop the recorder.
 */
export async function recordOnePublisher(o: RecordOneOptions): Promise<RecordOneResult> {
  const { startPublisherProcess } = await import("./publisher.ts");
  const { waitFor } = await import("./wait.ts");
  const recorder = startRecorderProcess({ server: o.server, room: o.room, outDir: o.outDir, ...(o.recorderPassword !== undefined ? { password: o.recorderPassword } : {}) });
  const publisher = await startPublisherProcess({
    server: o.server, room: o.room, streamId: o.streamId, codec: o.codec ?? "vp8", offer: o.offer ?? "media",
    ...(o.publisherPassword !== undefined ? { password: o.publisherPassword } : {}),
  });
  try {
    const flowing = await publisher.mediaStarted(o.mediaTimeoutMs ?? 30_000).then(() => true, () => false);
    if (flowing) await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const published = await publisher.stop();
    if (flowing) await waitFor(() => listSegments(o.outDir).some((s) => s.sidecar?.finalized), 30_000, "a finalized segment").catch(() => undefined);
    const recorderExitCode = await recorder.stop();
    return { segments: listSegments(o.outDir), published, recorderExitCode, recorderStderr: recorder.stderr() };
  } finally {
    await publisher.kill();
    await recorder.stop();
  }
}
