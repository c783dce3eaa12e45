/**
 * Operator metrics on its own Registry (style.md §20). Labels stay low-cardinality: results and
 * object states, never recording or stream names.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({ name: "rr_operator_reconcile_total", help: "Reconcile passes by result", labelNames: ["result"] as const, registers: [this.registry] });
  readonly reconcileErrors = new Counter({ name: "rr_operator_reconcile_errors_total", help: "Reconcile passes that failed", registers: [this.registry] });
  readonly reconcileSeconds = new Histogram({
    name: "rr_operator_reconcile_duration_seconds",
    help: "Duration of one reconcile pass, API writes included",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly managedPods = new Gauge({ name: "rr_operator_managed_pods", help: "Pods the operator owns, by component and phase", labelNames: ["component", "phase"] as const, registers: [this.registry] });
  readonly recordings = new Gauge({ name: "rr_operator_recordings", help: "RoomRecordings by status phase", labelNames: ["phase"] as const, registers: [this.registry] });
  readonly streams = new Gauge({ name: "rr_operator_streams", help: "Streams across all recordings, by phase", labelNames: ["phase"] as const, registers: [this.registry] });
  readonly leader = new Gauge({ name: "rr_operator_leader", help: "1 while this replica holds the lease", registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: "rr_operator_queue_depth", help: "Recordings waiting for a reconcile pass", registers: [this.registry] });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "rr_operator_" });
  }
}
