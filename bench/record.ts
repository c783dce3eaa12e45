/**
 * `npm run bench [-- --quick | --streams N] [--seconds S]`: what recording a stream costs
 * (issue 7), a benchmark, not a test. Per round of N streams: N werift publishers of a 720p30
 * 2.5 Mb/s VP8 + 64 kb/s Opus stream (all in ONE separate process, so they cost the recorder
 * nothing) into a local relay; `room-recorder record` records them; a bare Node UDP receiver
 * gets the same packet stream (the floor). Over an S-second window after a warm-up, from
 * /proc: CPU ms per wall second of each worker, of the recorder's main process (signaler +
 * supervisor, shared by the N streams) and of the floor; RSS of each at the start and end of the
 * window; time from a publisher's first sent keyframe to the first keyframe on disk (sidecar
 * `startEpochMs`); video frames sent vs frames in the files (ffprobe). Rounds: N = 1, 10, 50
 * (`--quick`: 1). Method and history: docs/performance.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startRelayProcess } from "../test/harness/relay.ts";
import { listSegments, startRecorderProcess } from "../test/harness/recorder.ts";
import { waitFor } from "../test/harness/wait.ts";
import { ensureBenchMedia, NoFfmpegError } from "./benchMedia.ts";
import { cpuMs, loadAverage, privateMiB, rssMiB } from "./procStats.ts";
import { publishersRole } from "./publishersRole.ts";
import { countVideoFrames, formatTable, type RoundResult } from "./report.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;
const ROOM = "bench";
/** JIT warm-up and the first keyframes settle before the window opens (notes/werift.md §4). */
const WARMUP_MS = 5000;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    streams: { type: "string" },
    seconds: { type: "string", default: "30" },
    role: { type: "string", default: "bench" },
    server: { type: "string" },
    "floor-port": { type: "string" },
    "record-args": { type: "string", default: "" },
    /** Write V8 CPU profiles of the recorder and its workers into this directory. */
    "cpu-prof": { type: "string" },
    /** NODE_OPTIONS for the recorder and its workers (e.g. V8 heap flags to compare). */
    "node-options": { type: "string" },
    /** The recorder's log level; its last lines are printed if a round fails. */
    "log-level": { type: "string", default: "warn" },
  },
});

interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
}

function spawnRole(args: string[], script = fileURLToPath(import.meta.url)): Child {
  const proc = spawn(NODE, [script, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOG_LEVEL: "warn" } });
  const lines: string[] = [];
  createInterface({ input: proc.stdout! }).on("line", (l) => lines.push(l));
  return { proc, lines };
}

const fields = (lines: readonly string[], tag: string): Array<[string, number]> =>
  lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.split(" ")).map(([, a, b]) => (b === undefined ? ["", Number(a)] : [a!, Number(b)]));

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill("SIGTERM");
  await once(c.proc, "exit");
}

function profileEnv(): Record<string, string> {
  const dir = values["cpu-prof"];
  const options = [process.env.NODE_OPTIONS, values["node-options"], dir && `--cpu-prof --cpu-prof-dir=${dir}`].filter(Boolean).join(" ");
  return options ? { NODE_OPTIONS: options } : {};
}

async function round(streams: number, seconds: number): Promise<RoundResult> {
  const out = mkdtempSync(join(tmpdir(), "rr-bench-"));
  const relay = await startRelayProcess();
  const floor = spawnRole([], fileURLToPath(new URL("./floor.ts", import.meta.url)));
  const floorPort = (await waitFor(() => fields(floor.lines, "floor")[0], 10_000, "floor receiver bound"))[1];
  const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir: out, args: values["record-args"]!.split(" ").filter(Boolean), env: { LOG_LEVEL: values["log-level"]!, ...profileEnv() } });
  const pubs = spawnRole(["--role", "publishers", "--server", relay.url, "--streams", String(streams), "--floor-port", String(floorPort)]);
  try {
    const onDisk = () => listSegments(out).filter((s) => s.sidecar).length;
    await waitFor(() => onDisk() >= streams, 60_000 + streams * 2000, `${streams} segments on disk`).catch((err: Error) => {
      throw new Error(`${err.message} (${onDisk()} on disk, ${recorder.workerPids().length} workers running)`);
    });
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const workers = recorder.workerPids();
    const pids = [recorder.pid, floor.proc.pid!, ...workers];
    const rssBefore = new Map(pids.map((p) => [p, rssMiB(p)]));
    const cpuBefore = new Map(pids.map((p) => [p, cpuMs(p)]));
    const t0 = performance.now();
    const loadBefore = loadAverage();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wallSec = (performance.now() - t0) / 1000;
    const cpu = (pid: number) => (cpuMs(pid) - cpuBefore.get(pid)!) / wallSec;
    const rssGrowth = (pid: number) => rssMiB(pid) - rssBefore.get(pid)!;
    const result = {
      streams, wallSec, load: `${loadBefore} → ${loadAverage()}`,
      workerCpu: workers.map(cpu), workerRss: workers.map(rssMiB), workerPrivate: workers.map(privateMiB), workerRssGrowth: workers.map(rssGrowth),
      mainCpu: cpu(recorder.pid), mainRss: rssMiB(recorder.pid),
      floorCpu: cpu(floor.proc.pid!), floorRss: rssMiB(floor.proc.pid!),
    };
    const mediaAt = new Map(fields(pubs.lines, "media"));
    const seededAt = new Map(fields(pubs.lines, "seeded"));
    const firstKeyframeMs: number[] = [];
    const announcedToKeyframeMs: number[] = [];
    for (const s of listSegments(out)) {
      if (!s.sidecar || !s.relative.endsWith("0001.webm")) continue;
      const media = mediaAt.get(s.sidecar.streamId);
      const seeded = seededAt.get(s.sidecar.streamId);
      if (media) firstKeyframeMs.push(s.sidecar.startEpochMs - media);
      if (seeded) announcedToKeyframeMs.push(s.sidecar.startEpochMs - seeded);
    }
    // Publishers say bye; the workers finalize their files and exit.
    await stopChild(pubs);
    await waitFor(() => recorder.workerPids().length === 0, 60_000, "workers finalized");
    const sent = fields(pubs.lines, "sent").reduce((n, [, f]) => n + f, 0);
    const written = listSegments(out).reduce((n, s) => n + countVideoFrames(s.file), 0);
    return { ...result, firstKeyframeMs, announcedToKeyframeMs, framesSent: sent, framesWritten: written };
  } catch (err) {
    process.stderr.write(`recorder's last log lines:\n${recorder.stderr().slice(-3000)}\n`);
    throw err;
  } finally {
    await stopChild(pubs);
    await recorder.stop();
    await stopChild(floor);
    await relay.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

async function bench(): Promise<void> {
  try {
    ensureBenchMedia();
  } catch (err) {
    if (!(err instanceof NoFfmpegError)) throw err;
    process.stdout.write(`bench skipped: ${err.message}\n`);
    return;
  }
  const seconds = Number(values.seconds);
  const rounds = values.streams ? [Number(values.streams)] : values.quick ? [1] : [1, 10, 50];
  const results: RoundResult[] = [];
  for (const n of rounds) {
    process.stderr.write(`bench: ${n} stream(s), ${seconds} s window…\n`);
    // A round that cannot be measured is reported as such; the other rounds still count.
    const result = await round(n, seconds).catch((err: Error): RoundResult => ({ streams: n, failed: err.message }));
    results.push(result);
    process.stderr.write(`${formatTable([result])}\n`);
  }
  process.stdout.write(`${formatTable(results)}\n`);
}

const role = values.role;
if (role === "publishers") {
  await publishersRole({ server: values.server!, room: ROOM, streams: Number(values.streams), floorPort: Number(values["floor-port"]) });
  process.exit(0); // werift leaves sockets open after close (notes/werift.md §3)
} else {
  await bench().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
