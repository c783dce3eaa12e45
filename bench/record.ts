/**
 * `npm run bench [-- --quick | --streams N] [--seconds S] [--publisher-processes P]`: what
 * recording a stream costs (issue 7), a benchmark, not a test. Per round of N streams: N werift
 * publishers of a 720p30 2.5 Mb/s VP8 + 64 kb/s Opus stream, spread over P processes of their
 * own (bench/PublisherFleet.ts; on a 2-vCPU box they still share the CPUs with the recorder) and
 * joining one after the other, into a local relay; `room-recorder record` records them; a bare
 * Node UDP receiver gets one more copy of the packet stream (the floor). Over an S-second window
 * after a warm-up, from /proc: CPU ms per wall second of each worker, of the recorder's main
 * process (signaler + supervisor), of the floor and of the publishers; RSS of each worker at
 * the start and end of the window; time from a publisher's first sent keyframe to the first
 * keyframe on disk (sidecar `startEpochMs`); video frames sent vs frames in the files (ffprobe),
 * and where the missing ones went: datagrams the kernel dropped at the workers' sockets, packets
 * lost and frames dropped as the recorder counted them (its info log, bench/recorderLog.ts). Streams that never come up are
 * left out and the row says "k of N streams up". Rounds: N = 1, 10, 50 (`--quick`: 1).
 * Method and history: docs/performance.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startRelayProcess } from "../test/harness/relay.ts";
import { listSegments, startRecorderProcess, type RecordedSegment } from "../test/harness/recorder.ts";
import { waitFor } from "../test/harness/wait.ts";
import { parseBenchArgs, type BenchArgs } from "./benchArgs.ts";
import { ensureBenchMedia, NoFfmpegError } from "./benchMedia.ts";
import { cpuMs, loadAverage, max, privateMiB, rssMiB, udpDrops } from "./procStats.ts";
import { PublisherFleet } from "./PublisherFleet.ts";
import { defaultPublisherProcesses, JOIN_STAGGER_MS } from "./publisherSlices.ts";
import { publishersRole } from "./publishersRole.ts";
import { recorderLoss } from "./recorderLog.ts";
import { countVideoFrames, formatTable, tallyFrames, type RoundResult } from "./report.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;
const ROOM = "bench";
/** JIT warm-up and the first keyframes settle before the window opens (notes/werift.md §4). */
const WARMUP_MS = 5000;
/**
 * How long the streams get to come up: the staggered joins, plus a worker's start (≈ 2 s
 * announced → keyframe at N = 1, ≈ 6 s at N = 10) on a box that 50 streams saturate.
 */
const upTimeoutMs = (streams: number) => 60_000 + streams * (JOIN_STAGGER_MS + 3000);
/** Workers finalize and exit after the publishers' bye; past this the row notes what is left. */
const finalizeTimeoutMs = (streams: number) => 30_000 + streams * 1000;

function spawnFloor(): { proc: ChildProcess; port: () => number | undefined } {
  const proc = spawn(NODE, [fileURLToPath(new URL("./floor.ts", import.meta.url))], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let port: number | undefined;
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    const m = /^floor (\d+)$/.exec(l);
    if (m) port = Number(m[1]);
  });
  return { proc, port: () => port };
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  await once(proc, "exit");
}

const sumOrNaN = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `<tag> <streamId> <number>` lines of the publishers, by stream. */
const byStream = (lines: readonly string[], tag: string): Map<string, number> =>
  new Map(lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.split(" ")).map(([, id, n]) => [id!, Number(n)]));

function profileEnv(a: BenchArgs): Record<string, string> {
  const options = [process.env.NODE_OPTIONS, a.nodeOptions, a.cpuProf && `--cpu-prof --cpu-prof-dir=${a.cpuProf}`].filter(Boolean).join(" ");
  return options ? { NODE_OPTIONS: options } : {};
}

async function round(a: BenchArgs, streams: number): Promise<RoundResult> {
  const out = mkdtempSync(join(tmpdir(), "rr-bench-"));
  const relay = await startRelayProcess();
  const floor = spawnFloor();
  const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir: out, args: a.recordArgs, env: { LOG_LEVEL: a.logLevel, ...profileEnv(a) } });
  const floorStreams = Math.min(a.floorStreams, streams);
  const processes = Math.min(a.publisherProcesses ?? defaultPublisherProcesses(streams), streams);
  let pubs: PublisherFleet | undefined;
  const segments = () => listSegments(out).filter((s): s is RecordedSegment & Required<Pick<RecordedSegment, "sidecar">> => s.sidecar !== undefined);
  const streamsOnDisk = () => new Set(segments().map((s) => s.sidecar.streamId));
  const notes: string[] = [];
  try {
    const floorPort = await waitFor(() => floor.port(), 10_000, "floor receiver bound");
    pubs = new PublisherFleet({ node: NODE, script: fileURLToPath(import.meta.url), cwd: ROOT, server: relay.url, streams, processes, floorPort, floorStreams });
    await pubs.start();
    // Streams that never come up are left out of the row, which says how many did.
    await waitFor(() => streamsOnDisk().size >= streams, upTimeoutMs(streams), `${streams} streams on disk`).catch((err: Error) => {
      if (streamsOnDisk().size === 0) throw new Error(`${err.message}: none on disk, ${recorder.workerPids().length} workers running`);
    });
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const up = streamsOnDisk();
    const workersAtStart = recorder.workerPids();
    const publishers = pubs.pids();
    const pids = [recorder.pid, floor.proc.pid!, ...workersAtStart, ...publishers];
    const rssBefore = new Map(pids.map((p) => [p, rssMiB(p)]));
    const cpuBefore = new Map(pids.map((p) => [p, cpuMs(p)]));
    const t0 = performance.now();
    const loadBefore = loadAverage();
    await new Promise((r) => setTimeout(r, a.seconds * 1000));
    const wallSec = (performance.now() - t0) / 1000;
    // A worker that ended (or restarted) inside the window has no figure for it.
    const workers = workersAtStart.filter(isRunning);
    if (workers.length < workersAtStart.length) notes.push(`${workersAtStart.length - workers.length} worker(s) ended during the window: left out of the worker figures`);
    const cpu = (pid: number) => (cpuMs(pid) - cpuBefore.get(pid)!) / wallSec;
    const measured = {
      streams, streamsUp: up.size, wallSec, load: `${loadBefore} → ${loadAverage()}`,
      workerCpu: workers.map(cpu), workerRss: workers.map(rssMiB), workerPrivate: workers.map(privateMiB),
      workerRssGrowth: workers.map((p) => rssMiB(p) - rssBefore.get(p)!),
      mainCpu: cpu(recorder.pid), mainRss: rssMiB(recorder.pid),
      floorCpu: cpu(floor.proc.pid!), floorStreams,
      publisherCpu: publishers.reduce((n, p) => n + cpu(p), 0), publisherProcesses: processes,
      workerUdpDrops: workers.reduce((n, p) => n + udpDrops(p), 0),
    };
    const mediaAt = byStream(pubs.lines, "media");
    const seededAt = byStream(pubs.lines, "seeded");
    const firstKeyframeMs: number[] = [];
    const announcedToKeyframeMs: number[] = [];
    for (const s of segments()) {
      if (!up.has(s.sidecar.streamId) || !s.relative.endsWith("0001.webm")) continue;
      const media = mediaAt.get(s.sidecar.streamId);
      const seeded = seededAt.get(s.sidecar.streamId);
      if (media) firstKeyframeMs.push(s.sidecar.startEpochMs - media);
      if (seeded) announcedToKeyframeMs.push(s.sidecar.startEpochMs - seeded);
    }
    // Publishers say bye; the workers finalize their files and exit.
    await pubs.stop();
    await waitFor(() => recorder.workerPids().length === 0, finalizeTimeoutMs(streams), "workers finalized").catch(() => {
      notes.push(`${recorder.workerPids().length} workers still running ${finalizeTimeoutMs(streams) / 1000} s after the publishers' bye: their files were counted as they were`);
    });
    const written = new Map<string, number>();
    for (const s of segments()) written.set(s.sidecar.streamId, (written.get(s.sidecar.streamId) ?? 0) + countVideoFrames(s.file));
    const sent = byStream(pubs.lines, "sent");
    const missing = [...up].filter((id) => !sent.has(id));
    if (missing.length > 0) notes.push(`no frame count from the publishers of ${missing.join(", ")} (their process was killed): left out of the frames`);
    if (up.size < streams) {
      const log = join(tmpdir(), `rr-bench-${streams}-recorder.log`);
      writeFileSync(log, recorder.stderr());
      notes.push(`${streams - up.size} stream(s) had no segment on disk ${upTimeoutMs(streams) / 1000} s after the first join: left out of every figure (recorder's log: ${log})`);
    }
    const loss = [...recorderLoss(recorder.stderr())].filter(([id]) => up.has(id)).map(([, l]) => l);
    if (loss.length < up.size) notes.push(`the recorder's log has loss counters ("recorder closed", info level) for ${loss.length} of ${up.size} streams`);
    const lagMs = max(pubs.lines.filter((l) => l.startsWith("lag ")).map((l) => Number(l.split(" ")[1])));
    return { ...measured, firstKeyframeMs, announcedToKeyframeMs, frames: tallyFrames(sent, written, up), publisherLagMs: lagMs, notes,
      recorderPacketsLost: sumOrNaN(loss.map((l) => l.packetsLost)), recorderFramesDropped: sumOrNaN(loss.map((l) => l.framesDropped)),
    };
  } catch (err) {
    process.stderr.write(`recorder's last log lines:\n${recorder.stderr().slice(-3000)}\n`);
    throw err;
  } finally {
    await pubs?.stop();
    await recorder.stop();
    await stopProcess(floor.proc);
    await relay.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

async function bench(a: BenchArgs): Promise<void> {
  try {
    ensureBenchMedia();
  } catch (err) {
    if (!(err instanceof NoFfmpegError)) throw err;
    process.stdout.write(`bench skipped: ${err.message}\n`);
    return;
  }
  const results: RoundResult[] = [];
  for (const n of a.rounds) {
    process.stderr.write(`bench: ${n} stream(s), ${a.seconds} s window…\n`);
    // A round that cannot be measured is reported as such; the other rounds still count.
    const result = await round(a, n).catch((err: Error): RoundResult => ({ streams: n, failed: err.message }));
    results.push(result);
    process.stderr.write(`${formatTable([result])}\n`);
  }
  process.stdout.write(`${formatTable(results)}\n`);
}

let args: ReturnType<typeof parseBenchArgs>;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(2);
}
if (args.role === "publishers") {
  await publishersRole({ ...args, room: ROOM });
  process.exit(0); // werift leaves sockets open after close (notes/werift.md §3)
} else {
  await bench(args).then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
