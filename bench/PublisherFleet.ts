/**
 * The bench's publishers: P child processes (`record.ts --role publishers`, bench/publishersRole.ts),
 * each with a contiguous slice of s1..sN, their stdout lines merged into one list (every line
 * names its stream, so the order across processes does not matter). The fleet's clock (`t0`,
 * the first join) starts once every process has loaded, so start-up never competes with the
 * first joins; it goes to each child over its IPC channel, which also ends the child when the
 * bench dies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { waitFor } from "../test/harness/wait.ts";
import { sliceStreams } from "./publisherSlices.ts";

/** A publishers process that has not said bye by then is killed; its streams report no `sent`. */
const STOP_TIMEOUT_MS = 30_000;
/** Ten processes loading werift at once on a loaded 2-vCPU box take a few seconds. */
const READY_TIMEOUT_MS = 60_000;

export interface PublisherFleetOptions {
  readonly node: string;
  /** The bench script that runs `--role publishers`. */
  readonly script: string;
  readonly cwd: string;
  readonly server: string;
  readonly streams: number;
  readonly processes: number;
  readonly floorPort: number;
  readonly floorStreams: number;
}

export class PublisherFleet {
  readonly lines: string[] = [];
  readonly #procs: ChildProcess[];

  constructor(o: PublisherFleetOptions) {
    this.#procs = sliceStreams(o.streams, o.processes).map((slice) => {
      const args = [
        o.script, "--role", "publishers", "--server", o.server, "--ids", slice.ids.join(","), "--first-index", String(slice.firstIndex),
        "--floor-port", String(o.floorPort), "--floor-streams", String(o.floorStreams),
      ];
      const proc = spawn(o.node, args, { cwd: o.cwd, stdio: ["ignore", "pipe", "inherit", "ipc"], env: { ...process.env, LOG_LEVEL: "warn" } });
      createInterface({ input: proc.stdout! }).on("line", (l) => this.lines.push(l));
      return proc;
    });
  }

  /** Waits until every process has loaded, then starts the joins; rejects if one never loads. */
  async start(): Promise<void> {
    await waitFor(() => this.lines.filter((l) => l === "ready").length === this.#procs.length, READY_TIMEOUT_MS, "publishers processes loaded");
    const t0 = Date.now();
    for (const p of this.#procs) p.send({ t0 });
  }

  /** Pids of the publishers processes still running. */
  pids(): number[] {
    return this.#procs.filter(running).map((p) => p.pid!);
  }

  /** SIGTERM: the publishers say bye and print their counts. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(this.#procs.filter(running).map(async (p) => {
      // "close", not "exit": the last stdout lines (the counts) may arrive after the exit.
      const exited = once(p, "close");
      p.kill("SIGTERM");
      const timer = setTimeout(() => p.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }));
  }
}

const running = (p: ChildProcess): boolean => p.exitCode === null && p.signalCode === null && p.pid !== undefined;
