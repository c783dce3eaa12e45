/**
 * A real Kubernetes control plane for tests: etcd 3.5, kube-apiserver (RBAC on) and optionally
 * kube-controller-manager (garbage collection, namespace deletion), built from the Go module proxy
 * by scripts/build-k8s.sh into .cache/bin. Loopback ports, a temp dir, stopped by PID.
 * Flags: notes/k8s-test-control-plane.md §1.4 (envtest + kwok).
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { waitFor } from "./wait.ts";

export const K8S_BIN = resolve(import.meta.dirname, "../../.cache/bin");
const BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager", "kubectl", "helm"] as const;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

/** Why the control-plane tests cannot run here, or false when they can (use as `skip`). */
export function controlPlaneMissing(): string | false {
  const missing = BINARIES.filter((b) => !existsSync(join(K8S_BIN, b)));
  return missing.length ? `missing ${missing.join(", ")} in .cache/bin: run scripts/build-k8s.sh` : false;
}

export interface ControlPlane {
  readonly server: string;
  readonly kubeconfigPath: string;
  /** Admin (system:masters) credentials. */
  readonly kubeConfig: KubeConfig;
  readonly dir: string;
  /** Run the real kubectl against this control plane; rejects with stderr on a non-zero exit. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
  /** A kubeconfig file that authenticates with `token` (e.g. from `kubectl create token`). */
  kubeconfigFor(token: string, user: string): string;
  /** Start kube-controller-manager later (after CRDs are installed, so its GC sees them at once). */
  startControllerManager(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startControlPlane(opts: { controllerManager?: boolean } = {}): Promise<ControlPlane> {
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "rr-k8s-"));
  const procs: ChildProcess[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of procs.reverse()) await kill(p);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const token = randomBytes(16).toString("hex");
    const saKey = join(dir, "sa.key");
    writeFileSync(saKey, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }));
    writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,"system:masters"\n`);

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    procs.push(launch(dir, "etcd", [
      `--data-dir=${join(dir, "etcd")}`, `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=default=${peerUrl}`,
      "--unsafe-no-fsync", "--log-level=warn",
    ]));
    procs.push(launch(dir, "kube-apiserver", [
      `--etcd-servers=${etcdUrl}`, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "pki")}`, `--token-auth-file=${join(dir, "tokens.csv")}`, "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc", `--service-account-key-file=${saKey}`,
      `--service-account-signing-key-file=${saKey}`, "--service-cluster-ip-range=10.0.0.0/24", "--allow-privileged=true",
      "--endpoint-reconciler-type=none", "--disable-admission-plugins=ServiceAccount",
      // Tests are the only clients: no request throttling.
      "--enable-priority-and-fairness=false", "--max-requests-inflight=0", "--max-mutating-requests-inflight=0",
    ]));
    const server = `https://127.0.0.1:${apiPort}`;
    await waitFor(() => readyz(server, token), START_TIMEOUT_MS, "kube-apiserver /readyz").catch((err: Error) => {
      throw new Error(`${err.message}\n${tail(dir, "kube-apiserver")}\n${tail(dir, "etcd")}`);
    });

    const kubeconfigPath = join(dir, "admin.kubeconfig");
    writeFileSync(kubeconfigPath, kubeconfigYaml(server, join(dir, "pki", "apiserver.crt"), token));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);

    const startControllerManager = async () => {
      procs.push(launch(dir, "kube-controller-manager", [
        `--kubeconfig=${kubeconfigPath}`, "--leader-elect=false", "--secure-port=0",
        `--service-account-private-key-file=${saKey}`, `--root-ca-file=${join(dir, "pki", "apiserver.crt")}`,
        // GC and namespace deletion are what the tests need; no node/cloud controllers.
        "--controllers=garbage-collector-controller,namespace-controller,serviceaccount-controller",
      ]));
    };
    if (opts.controllerManager) await startControllerManager();

    return {
      server,
      kubeconfigPath,
      kubeConfig,
      dir,
      kubectl: (args, input) => kubectl(kubeconfigPath, args, input),
      kubeconfigFor: (userToken, user) => {
        const path = join(dir, `${user}.kubeconfig`);
        writeFileSync(path, kubeconfigYaml(server, join(dir, "pki", "apiserver.crt"), userToken, user));
        return path;
      },
      startControllerManager,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function launch(dir: string, name: string, args: string[]): ChildProcess {
  const log = openSync(join(dir, `${name}.log`), "a");
  return spawn(join(K8S_BIN, name), args, { stdio: ["ignore", log, log], cwd: dir });
}

function tail(dir: string, name: string): string {
  try {
    return `--- ${name}.log ---\n${readFileSync(join(dir, `${name}.log`), "utf8").split("\n").slice(-30).join("\n")}`;
  } catch {
    return "";
  }
}

async function kill(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((res) => p.once("exit", () => res()));
  p.kill("SIGTERM");
  const timer = setTimeout(() => p.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

function readyz(server: string, token: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request(`${server}/readyz`, { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 5_000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on("error", () => res(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

export function kubeconfigYaml(server: string, caFile: string, token: string, user = "admin"): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server, "certificate-authority": caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: "test", context: { cluster: "test", user, namespace: "default" } }],
    "current-context": "test",
  });
}

const execFileP = promisify(execFile);

/** The real kubectl with `kubeconfigPath`; rejects with its stderr on a non-zero exit. */
export async function kubectl(kubeconfigPath: string, args: readonly string[], input?: string): Promise<string> {
  const child = execFileP(join(K8S_BIN, "kubectl"), [`--kubeconfig=${kubeconfigPath}`, ...args], { maxBuffer: 32 << 20, timeout: 180_000 });
  if (input !== undefined) child.child.stdin!.end(input);
  try {
    return (await child).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(" ")}: ${e.stderr || e.message}`);
  }
}
