/**
 * The command line of bench/record.ts, parsed and checked once (pure): the bench itself, or one
 * of its publishers processes (`--role publishers`, started by the bench, never by hand).
 */
import { parseArgs } from "node:util";

export interface BenchArgs {
  readonly role: "bench";
  /** N of each round, in order: 1, 10, 50; `--quick` 1; `--streams N` only N. */
  readonly rounds: readonly number[];
  /** Length of the measured window. @default 30 */
  readonly seconds: number;
  /** Publishers processes per round, at most one per stream. @default about 5 streams each */
  readonly publisherProcesses?: number;
  /** Copies of the stream the floor receives. @default 1 */
  readonly floorStreams: number;
  /** Extra `room-recorder record` arguments. */
  readonly recordArgs: readonly string[];
  /** Write V8 CPU profiles of the recorder and its workers into this directory. */
  readonly cpuProf?: string;
  /** NODE_OPTIONS for the recorder and its workers (e.g. V8 heap flags to compare). */
  readonly nodeOptions?: string;
  /**
   * The recorder's log level; its last lines are printed if a round fails. At "warn" the table
   * has no recorder loss counters (they are info lines). @default "info"
   */
  readonly logLevel: string;
}

export interface PublishersArgs {
  readonly role: "publishers";
  readonly server: string;
  readonly ids: readonly string[];
  readonly firstIndex: number;
  readonly floorPort: number;
  readonly floorStreams: number;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs | PublishersArgs {
  const { values: v } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      streams: { type: "string" },
      seconds: { type: "string", default: "30" },
      "publisher-processes": { type: "string" },
      "floor-streams": { type: "string", default: "1" },
      "record-args": { type: "string", default: "" },
      "cpu-prof": { type: "string" },
      "node-options": { type: "string" },
      "log-level": { type: "string", default: "info" },
      role: { type: "string", default: "bench" },
      server: { type: "string" },
      ids: { type: "string" },
      "first-index": { type: "string" },
      "floor-port": { type: "string" },
    },
  });
  const floorStreams = count("--floor-streams", v["floor-streams"]!);
  if (v.role === "publishers") {
    if (!v.server || !v.ids) throw new TypeError("--role publishers needs --server and --ids");
    return {
      role: "publishers", server: v.server, ids: v.ids.split(","), floorStreams,
      firstIndex: count("--first-index", v["first-index"] ?? "", 0), floorPort: count("--floor-port", v["floor-port"] ?? ""),
    };
  }
  if (v.role !== "bench") throw new TypeError(`--role must be bench or publishers, got "${v.role}"`);
  if (v.quick && v.streams) throw new TypeError("'--quick','--streams' are mutually exclusive");
  return {
    role: "bench",
    rounds: v.streams ? [count("--streams", v.streams)] : v.quick ? [1] : [1, 10, 50],
    seconds: count("--seconds", v.seconds!),
    ...(v["publisher-processes"] ? { publisherProcesses: count("--publisher-processes", v["publisher-processes"]) } : {}),
    floorStreams,
    recordArgs: v["record-args"]!.split(" ").filter(Boolean),
    ...(v["cpu-prof"] ? { cpuProf: v["cpu-prof"] } : {}),
    ...(v["node-options"] ? { nodeOptions: v["node-options"] } : {}),
    logLevel: v["log-level"]!,
  };
}

/** A whole number ≥ min, or a TypeError that names the flag and what it got. */
function count(flag: string, text: string, min = 1): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min) throw new TypeError(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
  return n;
}
