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
  const args = ["src/cli/main.ts", "record", "--server", o.server, "--room", o.room, "--out", o.outDir];
  if (o.password !== undefined) args.push("--password", o.password === false ? "false" : o.password);
  if (o.salt !== undefined) args.push("--salt", o.salt);
  args.push(...(o.args ?? []));
  const child = spawn(`${ROOT}node_modules/.bin/node`, args, {
    cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "debug", ...o.env },
  });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  let stopping: Promise<number | null> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    })();
    return stopping;
  };
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
      const st = statSync(path);
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
