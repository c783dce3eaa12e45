/** The bench's figures per round and the table it prints, with every CPU figure also as a ratio to the floor. */
import { execFileSync } from "node:child_process";
import { max, median } from "./procStats.ts";

export type RoundResult = MeasuredRound | { readonly streams: number; readonly failed: string };

export interface MeasuredRound {
  readonly streams: number;
  /** Streams with a segment on disk when the window opened; the figures are theirs. */
  readonly streamsUp: number;
  readonly wallSec: number;
  /** Load average at the start → end of the window (the box is shared). */
  readonly load: string;
  /** Per worker, ms of CPU per wall second. */
  readonly workerCpu: readonly number[];
  readonly workerRss: readonly number[];
  /** Per worker, private memory (USS) in MiB. */
  readonly workerPrivate: readonly number[];
  readonly workerRssGrowth: readonly number[];
  /** The recorder's main process (signaler + local supervisor), for all its streams. */
  readonly mainCpu: number;
  readonly mainRss: number;
  /** The bare UDP receiver, fed by `floorStreams` copies of the stream. */
  readonly floorCpu: number;
  readonly floorStreams: number;
  /** All publishers processes together (they hold all N streams), ms of CPU per wall second. */
  readonly publisherCpu: number;
  readonly publisherProcesses: number;
  /** The worst publishers process's p99 event-loop delay, ms: how late its pacing ran. */
  readonly publisherLagMs: number;
  /** First packet the publisher sent → that keyframe's wall-clock time in the sidecar. */
  readonly firstKeyframeMs: readonly number[];
  /** Stream announced in the room (worker not started yet) → first keyframe on disk. */
  readonly announcedToKeyframeMs: readonly number[];
  readonly frames: FrameTally;
  /** Datagrams the kernel dropped at the workers' sockets (full receive buffers), all workers. */
  readonly workerUdpDrops: number;
  /** Over the streams up, from the recorder's log: RTP packets it never received. NaN: no counters. */
  readonly recorderPacketsLost: number;
  /** Over the streams up, from the recorder's log: frames received but not written (broken, or waiting for a keyframe). */
  readonly recorderFramesDropped: number;
  /** What the row cannot say by itself (files not finalized, publishers that gave no count). */
  readonly notes: readonly string[];
}

export interface FrameTally {
  readonly sent: number;
  readonly written: number;
  /** Streams counted: up when the window opened, and with a count from their publisher. */
  readonly streams: number;
}

/** Video frames in a recorded file, from its packets (no decoding: cheap for 50 files). */
export function countVideoFrames(file: string): number {
  const out = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file], { encoding: "utf8" });
  return Number(out.trim()) || 0;
}

/**
 * Frames sent vs written over the streams that were up (a stream that never came up was never
 * recorded: counting it would call the whole stream lost) and whose publisher reported a count.
 */
export function tallyFrames(sent: ReadonlyMap<string, number>, written: ReadonlyMap<string, number>, up: ReadonlySet<string>): FrameTally {
  const counted = [...up].filter((id) => sent.has(id));
  return {
    sent: counted.reduce((n, id) => n + sent.get(id)!, 0),
    written: counted.reduce((n, id) => n + (written.get(id) ?? 0), 0),
    streams: counted.length,
  };
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "-");
const withMax = (xs: readonly number[], f: (x: number) => string) => `${f(median(xs))} (${f(max(xs))})`;

const HEAD = [
  "N", "streams up", "worker CPU ms/s med (max)", "signaler+sup. ms/s per stream", "total ms/s per stream", "floor ms/s per stream", "total / floor",
  "publishers ms/s per stream", "publisher lag p99 ms", "worker RSS MiB med (max)", "worker private MiB med", "RSS growth MiB med",
  "1st packet → keyframe on disk ms med (max)", "announced → keyframe on disk ms med (max)", "frames written / sent", "frames lost",
  "kernel drops at workers' sockets", "packets lost (recorder)", "frames dropped (recorder)", "load avg",
];

function row(r: MeasuredRound): string[] {
  const worker = median(r.workerCpu);
  const share = r.mainCpu / r.streamsUp;
  const floor = r.floorCpu / r.floorStreams;
  const lost = r.frames.sent - r.frames.written;
  return [
    String(r.streams), r.streamsUp === r.streams ? `${r.streamsUp}` : `${r.streamsUp} of ${r.streams} streams up`,
    withMax(r.workerCpu, f1), f1(share), f1(worker + share), `${f1(floor)} (${r.floorStreams} stream${r.floorStreams === 1 ? "" : "s"})`, `${f1((worker + share) / floor)}×`,
    `${f1(r.publisherCpu / r.streams)} (${r.publisherProcesses} proc.)`, f0(r.publisherLagMs),
    withMax(r.workerRss, f0), f0(median(r.workerPrivate)), f1(median(r.workerRssGrowth)),
    withMax(r.firstKeyframeMs, f0), withMax(r.announcedToKeyframeMs, f0),
    `${r.frames.written} / ${r.frames.sent}${r.frames.streams === r.streamsUp ? "" : ` (${r.frames.streams} streams)`}`,
    r.frames.sent > 0 ? `${lost} (${((100 * lost) / r.frames.sent).toFixed(2)} %)` : "-",
    String(r.workerUdpDrops), f0(r.recorderPacketsLost), f0(r.recorderFramesDropped), r.load,
  ];
}

export function formatTable(rounds: readonly RoundResult[]): string {
  const rows = rounds.map((r) => ("failed" in r ? [String(r.streams), `not measured: ${r.failed}`, ...HEAD.slice(2).map(() => "")] : row(r)));
  const table = [HEAD, HEAD.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`);
  const notes = rounds.flatMap((r) => ("notes" in r ? r.notes.map((n) => `N = ${r.streams}: ${n}`) : []));
  return [...table, ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
}
