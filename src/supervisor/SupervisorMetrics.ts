/**
 * The local supervisor's Prometheus metrics (`record --metrics-port`, design "Observability").
 * Labels are closed sets: a worker's heartbeat state arrives over the bus as any string
 * (messages.ts only checks its type), so unknown states count as "other"; stream ids never
 * become labels.
 */
import { Counter, Gauge, Registry } from "prom-client";
import { WorkerState } from "../bus/messages.ts";
import { ExitVerdict } from "./exitPolicy.ts";

/** States of a stream row that has no running worker (LocalSupervisor.status()). */
export const SupervisorState = {
  /** In the roster, no worker: filtered out, or waiting for its start. */
  idle: "idle",
  /** Crashed; a restart is scheduled. */
  restarting: "restarting",
  /** No ICE pair connected while the publisher kept offering; a new worker is scheduled. */
  iceFailed: "ice-failed",
  /** The worker rejected its config (exit 42): never restarted. */
  badConfig: "bad-config",
  /** The publisher's connection ended cleanly; restarted only when it returns. */
  finished: "finished",
} as const;

const STATES: readonly string[] = [...Object.values(WorkerState), ...Object.values(SupervisorState), "other"];

/** Stream rows by state, every known state present (0 included) so series never vanish. */
export function countByState(rows: Iterable<{ readonly state: string }>): Map<string, number> {
  const counts = new Map(STATES.map((s) => [s, 0]));
  for (const { state } of rows) {
    const label = counts.has(state) ? state : "other";
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

export class SupervisorMetrics {
  readonly registry = new Registry();
  readonly #restarts = new Counter({ name: "rr_supervisor_worker_restarts_total", help: "worker processes restarted after a crash", registers: [this.registry] });
  readonly #exits = new Counter({ name: "rr_supervisor_worker_exits_total", help: "worker process exits, by verdict", labelNames: ["verdict"], registers: [this.registry] });

  /** `rows` is read at each scrape: the gauge is never stale and costs nothing between scrapes. */
  constructor(rows: () => Iterable<{ readonly state: string }>) {
    new Gauge({
      name: "rr_supervisor_streams",
      help: "streams of the room by worker state (idle: no worker)",
      labelNames: ["state"],
      registers: [this.registry],
      collect() {
        for (const [state, n] of countByState(rows())) this.set({ state }, n);
      },
    });
    for (const verdict of Object.values(ExitVerdict)) this.#exits.inc({ verdict }, 0);
  }

  restarted(): void {
    this.#restarts.inc();
  }

  exited(verdict: ExitVerdict): void {
    this.#exits.inc({ verdict });
  }
}
