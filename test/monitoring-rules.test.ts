/**
 * The chart's alerts and dashboard checked with the real promtool (Debian `prometheus`): rule
 * syntax, the alert unit tests of deploy/monitoring/alerts.test.yaml, the metric naming lint on
 * what our components export, and that every metric the alerts and the dashboard name is one a
 * component really exports (and every component metric is on the dashboard).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Registry } from "prom-client";
import { OperatorMetrics } from "../src/operator/metrics.ts";
import { SignalerMetrics } from "../src/signaler/SignalerMetrics.ts";
import { WorkerMetrics } from "../src/stream-worker/WorkerMetrics.ts";
import { ALERTS_FILE, DASHBOARD_FILE, dashboardQueries } from "./harness/prometheus.ts";

const PROMTOOL = "/usr/bin/promtool";
const ALERT_TESTS = join(import.meta.dirname, "../deploy/monitoring/alerts.test.yaml");
const skip = existsSync(PROMTOOL) ? false : `${PROMTOOL} missing: run scripts/provision.sh`;
const execFileP = promisify(execFile);

async function promtool(args: readonly string[], input?: string): Promise<string> {
  const child = execFileP(PROMTOOL, [...args], { timeout: 60_000 });
  if (input !== undefined) child.child.stdin!.end(input);
  try {
    const { stdout, stderr } = await child;
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    assert.fail(`promtool ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

/** Our components' registries with every labelled series touched once, so all names appear. */
async function exposition(): Promise<{ text: string; names: Set<string> }> {
  const worker = new WorkerMetrics();
  worker.rtp("video", 100);
  worker.connectionState("connected");
  worker.iceState("connected");
  worker.ended("bye");
  const signaler = new SignalerMetrics();
  signaler.received("listing");
  signaler.sent("joinroom");
  signaler.dropped("malformed");
  // Process metrics (rr_operator_process_*, nodejs_*) are prom-client's, not ours to chart.
  const operator = new OperatorMetrics({ processMetrics: false });
  operator.reconciles.inc({ result: "success" });
  operator.managedPods.set({ component: "worker", phase: "Running" }, 1);
  operator.recordings.set({ phase: "Recording" }, 1);
  operator.streams.set({ phase: "Recording" }, 1);
  const registries: Registry[] = [worker.registry, signaler.registry, operator.registry];
  const names = new Set<string>();
  let text = "";
  for (const r of registries) {
    text += await r.metrics();
    for (const m of await r.getMetricsAsJSON()) {
      if (String(m.type) === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(m.name + suffix);
      else names.add(m.name);
    }
  }
  return { text, names };
}

const metricNames = (promql: string) => new Set(promql.match(/\brr_[a-z0-9_]+\b/g) ?? []);

test("monitoring - promtool accepts the alert rules", { skip }, async () => {
  const out = await promtool(["check", "rules", ALERTS_FILE]);
  assert.match(out, /SUCCESS: 10 rules found/);
});

test("monitoring - the alert unit tests pass under promtool (firing, quiet, for-durations, annotations)", { skip }, async () => {
  const out = await promtool(["test", "rules", ALERT_TESTS]);
  assert.match(out, /SUCCESS/);
});

test("monitoring - the metrics our components export pass promtool's naming lint", { skip }, async () => {
  const { text } = await exposition();
  const out = await promtool(["check", "metrics"], text);
  assert.equal(out.trim(), "", out);
});

test("monitoring - every metric the alerts and the dashboard use is exported, and every exported metric is on the dashboard", async () => {
  const { names } = await exposition();
  const alerts = metricNames(readFileSync(ALERTS_FILE, "utf8"));
  const queries = dashboardQueries(JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")));
  const charted = new Set(queries.flatMap((q) => [...metricNames(q.expr)]));
  for (const m of alerts) assert.ok(names.has(m), `alerts use ${m}, which no component exports`);
  for (const m of charted) assert.ok(names.has(m), `the dashboard uses ${m}, which no component exports`);
  const histogramParts = /_(sum|count)$/;
  const missing = [...names].filter((m) => !charted.has(m) && !histogramParts.test(m));
  assert.deepEqual(missing, [], "exported metrics without a dashboard panel");
});
