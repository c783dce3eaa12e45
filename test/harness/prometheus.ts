/**
 * A real Prometheus (Debian `prometheus`) on a loopback port, scraping the targets given, with
 * optional rule files, and a small client of its HTTP API for assertions. Temp dir, stopped by
 * PID.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./freePort.ts";
import { CHART_DIR } from "./helm.ts";
import { waitFor } from "./wait.ts";
import { runOnce, signalAndWait } from "./childStop.ts";

export const PROMETHEUS_BIN = "/usr/bin/prometheus";
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Why Prometheus tests cannot run here, or false when they can (use as `skip`). */
export function prometheusMissing(): string | false {
  return existsSync(PROMETHEUS_BIN) ? false : `${PROMETHEUS_BIN} missing: run scripts/provision.sh`;
}

export interface ScrapeJob {
  readonly job: string;
  /** host:port of /metrics endpoints. */
  readonly targets: readonly string[];
  /** Static target labels (what a PodMonitor's relabelings would add in a cluster). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

export interface PromRule {
  readonly name: string;
  readonly type: "alerting" | "recording";
  readonly health: string;
  readonly lastError?: string;
  readonly state?: string;
}

export interface Prometheus {
  readonly url: string;
  /** Instant query; rejects with Prometheus' error text when the expression is invalid. */
  query(expr: string): Promise<PromSample[]>;
  /** Every loaded rule, flattened over groups. */
  rules(): Promise<PromRule[]>;
  /** Active targets with their health ("up", "down", "unknown"). */
  targets(): Promise<{ job: string; health: string; lastError: string }[]>;
  /** Metric names Prometheus has stored. */
  metricNames(): Promise<string[]>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startPrometheus(opts: { jobs: readonly ScrapeJob[]; ruleFiles?: readonly string[]; scrapeIntervalSeconds?: number }): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), "rr-prom-"));
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  // JSON is YAML: no YAML library needed.
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: opts.ruleFiles ?? [],
    scrape_configs: opts.jobs.map((j) => ({ job_name: j.job, static_configs: [{ targets: j.targets, labels: j.labels ?? {} }] })),
  };
  writeFileSync(join(dir, "prometheus.yml"), JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child = spawn(PROMETHEUS_BIN, [
    `--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr.setEncoding("utf8").on("data", (s: string) => (log = (log + s).slice(-20_000)));
  const exited = once(child, "exit");

  const stop = runOnce(async () => {
    await signalAndWait(child, exited, "SIGTERM", STOP_TIMEOUT_MS);
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string; errorType?: string };
    if (body.status !== "success") throw new Error(`prometheus ${path}: ${body.errorType}: ${body.error}`);
    return body.data;
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, START_TIMEOUT_MS, "prometheus ready").catch((err: Error) => {
      throw new Error(`${err.message}\n${log}`);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    query: async (expr) => (await api<{ resultType: string; result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    rules: async () =>
      (await api<{ groups: { rules: PromRule[] }[] }>("/api/v1/rules")).groups.flatMap((g) => g.rules),
    targets: async () =>
      (await api<{ activeTargets: { labels: { job: string }; health: string; lastError: string }[] }>("/api/v1/targets")).activeTargets.map((t) => ({
        job: t.labels.job,
        health: t.health,
        lastError: t.lastError,
      })),
    metricNames: () => api<string[]>("/api/v1/label/__name__/values"),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

export const ALERTS_FILE = join(CHART_DIR, "files/alerts.yaml");
export const DASHBOARD_FILE = join(CHART_DIR, "files/dashboard.json");

export interface DashboardQuery {
  readonly panel: string;
  readonly legend: string;
  /** PromQL with the Grafana variables filled in as "All" and a rate interval fit for 1 s scrapes. */
  readonly expr: string;
}

/** Grafana's variables → what they mean for a plain Prometheus with "All" selected. */
export function grafanaToPromQL(expr: string, rateInterval = "30s"): string {
  return expr.replaceAll("$__rate_interval", rateInterval).replaceAll(/\$(namespace|recording)\b/g, ".*");
}

export function dashboardQueries(dashboard: { panels: { title: string; type: string; targets?: { expr: string; legendFormat?: string }[] }[] }): DashboardQuery[] {
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, legend: t.legendFormat ?? "", expr: grafanaToPromQL(t.expr) })));
}
