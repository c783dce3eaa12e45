/** The bench's figures per round and the table it prints, with every CPU figure also as a ratio to the floor. */
import { execFileSync } from "node:child_process";
import { max, median } from "./procStats.ts";

export type RoundResult = MeasuredRound | { readonly streams: number; readonly failed: string };

export interface MeasuredRound {
  readonly streams: number;
  readonly wallSec: number;
  /** Load average at the start → end of the window (the box is shared). */
  readonly load: string;
  /** Per worker, ms of CPU per wall second. */
  readonly workerCpu: readonly number[];
  readonly workerRss: readonly number[];
  /** Per worker, private memory (USS) in MiB. */
  readonly workerPrivate: readonly number[];
  readonly workerRssGrowth: readonly number[];
  /** The recorder's main process (signaler + local supervisor), for all N streams. */
  readonly mainCpu: number;
  readonly mainRss: number;
  /** The bare UDP receiver, for all N streams. */
  readonly floorCpu: number;
  readonly floorRss: number;
  /** First packet the publisher sent → that keyframe's wall-clock time in the sidecar. */
  readonly firstKeyframeMs: readonly number[];
  /** Stream announced in the room (worker not started yet) → first keyframe on disk. */
  readonly announcedToKeyframeMs: readonly number[];
  readonly framesSent: number;
  readonly framesWritten: number;
}

/** Video frames in a recorded file, from its packets (no decoding: cheap for 50 files). */
export function countVideoFrames(file: string): number {
  const out = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file], { encoding: "utf8" });
  return Number(out.trim()) || 0;
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "-");

export function formatTable(rounds: readonly RoundResult[]): string {
  const head = [
    "N", "worker CPU ms/s med (max)", "signaler+sup. ms/s per stream", "total ms/s per stream", "floor ms/s per stream", "total / floor",
    "worker RSS MiB med (max)", "worker private MiB med", "RSS growth MiB med", "floor RSS MiB",
    "1st packet → keyframe on disk ms med (max)", "announced → keyframe on disk ms med (max)", "frames written / sent", "load avg",
  ];
  const rows = rounds.map((r) => {
    if ("failed" in r) return [String(r.streams), `not measured: ${r.failed}`, ...head.slice(2).map(() => "")];
    const worker = median(r.workerCpu);
    const share = r.mainCpu / r.streams;
    const floor = r.floorCpu / r.streams;
    const lost = r.framesSent - r.framesWritten;
    return [
      String(r.streams), `${f1(worker)} (${f1(max(r.workerCpu))})`, f1(share), f1(worker + share), f1(floor), `${f1((worker + share) / floor)}×`,
      `${f0(median(r.workerRss))} (${f0(max(r.workerRss))})`, f0(median(r.workerPrivate)), f1(median(r.workerRssGrowth)), f0(r.floorRss),
      `${f0(median(r.firstKeyframeMs))} (${f0(max(r.firstKeyframeMs))})`, `${f0(median(r.announcedToKeyframeMs))} (${f0(max(r.announcedToKeyframeMs))})`, `${r.framesWritten} / ${r.framesSent}${lost > 0 ? ` (${lost} lost)` : ""}`, r.load,
    ];
  });
  return [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
