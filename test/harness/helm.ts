/** The real `helm` (built by scripts/build-k8s.sh into .cache/bin) against our chart. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

/** `HELM_BIN` overrides, e.g. a helm already on the machine. */
export const HELM = process.env.HELM_BIN ?? resolve(import.meta.dirname, "../../.cache/bin/helm");
export const CHART_DIR = resolve(import.meta.dirname, "../../deploy/helm/room-recorder");
const execFileP = promisify(execFile);

/** Why helm tests cannot run here, or false when they can (use as `skip`). */
export function helmMissing(): string | false {
  return existsSync(HELM) ? false : `missing ${join(".cache/bin", "helm")}: run scripts/build-k8s.sh`;
}

/**
 * Runs helm; rejects with an Error carrying helm's stderr as `stderr`. `timeoutMs` bounds the
 * process (default 2 min): give more to `--wait` installs on a real node.
 */
export async function helm(args: readonly string[], timeoutMs = 120_000): Promise<string> {
  try {
    return (await execFileP(HELM, [...args], { maxBuffer: 16 << 20, timeout: timeoutMs })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw Object.assign(new Error(`helm ${args.join(" ")}: ${e.stderr || e.message}`), { stderr: e.stderr ?? "" });
  }
}

/** `helm template <release> <chart> --namespace <ns> …extra` as YAML. */
export function renderChart(release: string, namespace: string, extra: readonly string[] = []): Promise<string> {
  return helm(["template", release, CHART_DIR, "--namespace", namespace, ...extra]);
}
