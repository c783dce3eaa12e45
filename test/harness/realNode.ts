/**
 * The real node of infra/node/ for tests: brought up once (idempotent `up.sh`), shared by every
 * cluster test file, torn down by `npm run test:cluster` / scripts/test.sh at the end (or by hand:
 * infra/node/down.sh). Helpers read what the kubelet really did: container processes on the host
 * (uid, read-only root, RSS) and pod cgroups.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { K8S_BIN, kubectl as kubectlWith } from "./k8s.ts";

const execFileP = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, "../..");
export const NODE_DIR = join(ROOT, ".cache/node");
export const IMAGES_DIR = join(ROOT, ".cache/images");
export const KUBECONFIG = join(NODE_DIR, "admin.kubeconfig");
/** infra/node/env.sh: the node's address (pods and host processes both reach it). */
export const NODE_IP = "10.250.0.1";
export const NODE_NAME = "rr-node";
export const STORAGE_CLASS = "rr-local";
const CONTAINERD_SOCK = "/run/rr-node/containerd.sock";
const NODE_BINARIES = ["kubelet", "kube-scheduler", "kube-proxy", "kube-apiserver", "kube-controller-manager", "etcd", "kubectl", "helm", "coredns"];
const UP_TIMEOUT_MS = 600_000;

/** Why the real-node tests cannot run here, or false when they can (use as `skip`). */
export function realNodeMissing(): string | false {
  if (process.platform !== "linux") return "the real node needs Linux";
  if (process.getuid?.() !== 0) return "the real node needs root (containerd, CNI, iptables)";
  if (process.env.RR_SKIP_CLUSTER) return "RR_SKIP_CLUSTER is set";
  const bins = NODE_BINARIES.filter((b) => !existsSync(join(K8S_BIN, b)));
  if (bins.length) return `missing ${bins.join(", ")} in .cache/bin: run scripts/build-k8s.sh`;
  for (const tool of ["/usr/bin/containerd", "/usr/sbin/runc", "/usr/lib/cni/bridge"]) {
    if (!existsSync(tool)) return `missing ${tool}: run scripts/provision.sh`;
  }
  const tars = existsSync(IMAGES_DIR) ? readdirSync(IMAGES_DIR).filter((f) => f.endsWith(".tar")) : [];
  if (!tars.some((t) => t.includes("pause")) || !tars.some((t) => t.includes("operator"))) return "no images under .cache/images: run infra/images/all.sh";
  return false;
}

/** Brings the node up (a no-op when it runs) and returns `kubectl get nodes -o wide`. */
export async function ensureNode(): Promise<string> {
  try {
    await execFileP("bash", [join(ROOT, "infra/node/up.sh")], { maxBuffer: 16 << 20, timeout: UP_TIMEOUT_MS });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`infra/node/up.sh failed: ${e.stderr || e.message}\n${e.stdout ?? ""}`);
  }
  return kubectl(["get", "nodes", "-o", "wide"]);
}

/** The real kubectl as cluster admin; rejects with stderr on a non-zero exit. */
export const kubectl = (args: readonly string[], input?: string): Promise<string> => kubectlWith(KUBECONFIG, args, input);

export async function kubectlJson<T>(args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, "-o", "json"])) as T;
}

export const apply = (objects: readonly unknown[]) => kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], objects.map((o) => JSON.stringify(o)).join("\n---\n"));

/**
 * A local PersistentVolume on a node directory (no dynamic provisioner on this node) and the
 * directory, which the test reads the recordings from. The kubelet applies the pods' fsGroup to
 * local volumes, as it would to a cloud disk.
 */
export async function createLocalPv(name: string, size = "5Gi"): Promise<string> {
  const path = join(NODE_DIR, "volumes", name);
  rmSync(path, { recursive: true, force: true }); // a fresh disk: nothing from an earlier run
  mkdirSync(path, { recursive: true });
  await apply([{
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: STORAGE_CLASS,
      local: { path },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [NODE_NAME] }] }] } },
    },
  }]);
  return path;
}

interface PodJson {
  metadata: { name: string; uid: string };
  status?: { qosClass?: string; containerStatuses?: { name: string; containerID?: string; imageID?: string; restartCount?: number }[] };
}

/** containerd's CLI on the node, in the CRI plugin's `k8s.io` namespace; resolves with stdout. */
export async function ctr(args: readonly string[]): Promise<string> {
  return (await execFileP("ctr", ["--address", CONTAINERD_SOCK, "-n", "k8s.io", ...args])).stdout;
}

/** Host pid of a pod's container process, from containerd's task list (undefined if not running). */
export async function containerPid(namespace: string, pod: string, container?: string): Promise<number | undefined> {
  const p = await kubectlJson<PodJson>(["-n", namespace, "get", "pod", pod]);
  const status = p.status?.containerStatuses?.find((c) => container === undefined || c.name === container);
  const id = status?.containerID?.replace(/^containerd:\/\//, "");
  if (!id) return undefined;
  const line = (await ctr(["tasks", "ls"])).split("\n").find((l) => l.startsWith(id));
  const pid = Number(line?.split(/\s+/)[1]);
  return line?.includes("RUNNING") && pid > 0 ? pid : undefined;
}

export interface ProcessFacts {
  readonly uid: number;
  readonly gid: number;
  readonly rootReadOnly: boolean;
  readonly rssBytes: number;
  readonly capEff: string;
}

/** What the kernel says about a container's process: its ids, root mount, RSS, capabilities. */
export function processFacts(pid: number): ProcessFacts {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "m").exec(status)?.[1]?.trim() ?? "";
  const rootMount = readFileSync(`/proc/${pid}/mountinfo`, "utf8").split("\n").find((l) => l.split(" ")[4] === "/");
  return {
    uid: Number(field("Uid").split(/\s+/)[0]),
    gid: Number(field("Gid").split(/\s+/)[0]),
    rootReadOnly: /(^|,)ro(,|$)/.test(rootMount?.split(" ")[5] ?? ""),
    rssBytes: Number(field("VmRSS").split(/\s+/)[0]) * 1024,
    capEff: field("CapEff"),
  };
}

/** The pod's memory cgroup (v1): usage and RSS as the kubelet and the OOM killer see them. */
export function podCgroupMemory(podUid: string): { usageBytes: number; rssBytes: number } | undefined {
  const base = "/sys/fs/cgroup/memory/kubepods";
  const dir = [join(base, `pod${podUid}`), join(base, "burstable", `pod${podUid}`), join(base, "besteffort", `pod${podUid}`)].find(existsSync);
  if (!dir) return undefined;
  const stat = readFileSync(join(dir, "memory.stat"), "utf8");
  return {
    usageBytes: Number(readFileSync(join(dir, "memory.usage_in_bytes"), "utf8")),
    rssBytes: Number(/^total_rss (\d+)$/m.exec(stat)?.[1] ?? 0),
  };
}

/** `kill -9` of a container's main process, as a crash or the OOM killer would. */
export async function killContainer(namespace: string, pod: string): Promise<number> {
  const pid = await containerPid(namespace, pod);
  if (!pid) throw new Error(`no running container for ${namespace}/${pod}`);
  process.kill(pid, "SIGKILL");
  return pid;
}

/** Image IDs of the running pods of a namespace, for the suite's record of what it ran. */
export async function podImages(namespace: string): Promise<string> {
  return kubectl(["-n", namespace, "get", "pods", "-o", "custom-columns=POD:.metadata.name,IMAGE:.spec.containers[0].image,IMAGE_ID:.status.containerStatuses[0].imageID"]);
}
