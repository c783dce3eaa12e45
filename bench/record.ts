/**
 * `npm run bench -- --streams N --seconds S`: a benchmark, not a test. N local werift
 * publishers (all in ONE separate process, so their cost is not the recorder's) stream into a
 * local relay; `room-recorder record` records them. Measured from /proc, per process:
 *   - CPU: ms of CPU (user + system) per wall second over the S-second window, per worker and
 *     for the recorder's main process (signaler + local supervisor);
 *   - RSS of each worker at the end of the window;
 *   - time from a publisher's start (its stream announced) to its first keyframe on disk (the
 *     sidecar's `startEpochMs`, which is the first keyframe's wall-clock time).
 * Prints one line per stream and the medians. Method and first figures: docs/performance.md.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startPublisher } from "../src/publisher/Publisher.ts";
import { startRelayProcess } from "../test/harness/relay.ts";
import { listSegments, startRecorderProcess } from "../test/harness/recorder.ts";
import { waitFor } from "../test/harness/wait.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ROOM = "bench";
/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SEC = 100;
const WARMUP_MS = 3000;

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "3" },
    seconds: { type: "string", default: "30" },
    role: { type: "string", default: "bench" },
    server: { type: "string" },
    codec: { type: "string", default: "vp8" },
  },
});
const streams = Number(values.streams);
const seconds = Number(values.seconds);

/** Child role: N publishers in this one process; prints `seeded <streamId> <epochMs>` lines. */
async function publishersRole(): Promise<void> {
  const codec = values.codec === "h264" ? "h264" : "vp8";
  const pubs = Array.from({ length: streams }, (_, i) =>
    startPublisher({
      server: values.server!, room: ROOM, streamId: `s${i + 1}`, codec,
      onEvent: (e) => e.type === "seeded" && process.stdout.write(`seeded s${i + 1} ${Date.now()}\n`),
    }),
  );
  await new Promise((r) => process.once("SIGTERM", r));
  await Promise.all(pubs.map((p) => p.stop()));
  process.exit(0);
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14 and 15)
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function bench(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "rr-bench-"));
  process.env.LOG_LEVEL ??= "warn";
  const relay = await startRelayProcess();
  const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir: out });
  const child = spawn(`${ROOT}node_modules/.bin/node`, [fileURLToPath(import.meta.url), "--role", "publishers", "--server", relay.url, "--streams", String(streams), "--codec", values.codec!], {
    cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOG_LEVEL: "warn" },
  });
  const seededAt = new Map<string, number>();
  createInterface({ input: child.stdout! }).on("line", (l) => {
    const [, id, at] = l.split(" ");
    if (id && at) seededAt.set(id, Number(at));
  });
  try {
    await waitFor(() => listSegments(out).filter((s) => s.sidecar).length >= streams, 60_000 + streams * 5000, `${streams} segments on disk`);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const workers = recorder.workerPids();
    const pids = [recorder.pid, ...workers];
    const t0 = performance.now();
    const before = new Map(pids.map((p) => [p, cpuTicks(p)]));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wallSec = (performance.now() - t0) / 1000;
    const cpuMsPerSec = (pid: number) => ((cpuTicks(pid) - before.get(pid)!) * (1000 / CLOCK_TICKS_PER_SEC)) / wallSec;

    const firstKeyframe = new Map<string, number>();
    for (const s of listSegments(out)) {
      const id = s.sidecar?.streamId;
      if (id && seededAt.has(id) && !firstKeyframe.has(id)) firstKeyframe.set(id, s.sidecar!.startEpochMs - seededAt.get(id)!);
    }
    const workerCpu = workers.map(cpuMsPerSec);
    const workerRss = workers.map(rssMiB);
    const lines = [
      `streams ${streams} (${values.codec} + opus, 640x360@30, ~350 kb/s video + 32 kb/s audio), window ${wallSec.toFixed(1)} s`,
      `recorder main process (signaler + supervisor): ${cpuMsPerSec(recorder.pid).toFixed(1)} ms CPU/s, ${rssMiB(recorder.pid).toFixed(0)} MiB RSS`,
      ...workers.map((pid, i) => `worker pid ${pid}: ${workerCpu[i]!.toFixed(1)} ms CPU/s, ${workerRss[i]!.toFixed(0)} MiB RSS`),
      ...[...firstKeyframe].map(([id, ms]) => `stream ${id}: first keyframe on disk ${ms} ms after the publisher announced it`),
      `median per worker: ${median(workerCpu).toFixed(1)} ms CPU/s, ${median(workerRss).toFixed(0)} MiB RSS; median time to first keyframe ${median([...firstKeyframe.values()]).toFixed(0)} ms`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    child.kill("SIGTERM");
    await recorder.stop();
    await relay.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

if (values.role === "publishers") await publishersRole();
else await bench().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
