/**
 * A test-only "kubelet" without a container runtime (issue 6): it watches the pods the operator
 * creates, runs each pod's one container command as a local process (`room-recorder …` → this
 * checkout's bin/room-recorder.js), resolves env including Secret references, maps volume mounts
 * to temp directories (mount paths in args and env values are rewritten to those directories,
 * since a process cannot be given a mount namespace here; Secret volumes get the Secret's keys
 * as files), and writes pod status back through the API:
 * Running, then Succeeded/Failed with the exit code. A Secret or key the env refers to that does
 * not exist keeps the pod Pending with CreateContainerConfigError and the kubelet's message, and
 * is tried again (as a kubelet does). Deleting a pod sends SIGTERM, waits up to its
 * grace period, then removes the pod object, as a kubelet does. restartPolicy Always restarts.
 * All pods share this host's network, so they cannot all bind the metrics port they declare
 * (9464): each process gets a free port of its own instead, passed as RR_METRICS_PORT (how the
 * operator's pod specs hand the port to `room-recorder`), and `portOf` tells tests which.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort } from "./freePort.ts";
import { CoreV1Api, PatchStrategy, makeInformer, setHeaderOptions, type KubeConfig, type V1KeyToPath, type V1Pod, type V1PodStatus } from "@kubernetes/client-node";

const ROOT = resolve(import.meta.dirname, "../..");
const NODE = join(ROOT, "node_modules/.bin/node");
const CLI = join(ROOT, "bin/room-recorder.js");

export interface NodeAgentOptions {
  readonly kubeConfig: KubeConfig;
  /** Host directory that stands in for volumes: `<root>/pvc/<claim>`, `<root>/pods/<pod>/<volume>`. */
  readonly root: string;
  /** Only pods with this label selector. */
  readonly labelSelector: string;
  /** Extra env for every process (e.g. LOG_LEVEL). */
  readonly env?: Record<string, string>;
}

export interface NodeAgent {
  /** The local process of a pod, while it runs (tests kill it to simulate a crash). */
  processOf(namespace: string, name: string): ChildProcess | undefined;
  /** The host port standing in for a running pod's named container port (e.g. `metrics`). */
  portOf(namespace: string, name: string, portName: string): number | undefined;
  /** Where a pod's volume lives on this host. */
  volumeDir(pod: V1Pod, volumeName: string): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** How long the agent waits before it tries a pod with a missing Secret again. */
const CONFIG_RETRY_MS = 1_000;

/** A Secret or key the container's env names is missing: the kubelet's CreateContainerConfigError. */
class ContainerConfigError extends Error {}

interface Running {
  proc: ChildProcess;
  ports: ReadonlyMap<string, number>;
  exited: Promise<number>;
  stopping: boolean;
}

export async function startNodeAgent(opts: NodeAgentOptions): Promise<NodeAgent> {
  const core = opts.kubeConfig.makeApiClient(CoreV1Api);
  const running = new Map<string, Running>();
  const handled = new Set<string>();
  let stopped = false;
  const keyOf = (pod: V1Pod) => `${pod.metadata!.namespace}/${pod.metadata!.name}`;

  const volumeDir = (pod: V1Pod, volumeName: string): string => {
    const vol = pod.spec?.volumes?.find((v) => v.name === volumeName);
    const dir = vol?.persistentVolumeClaim
      ? join(opts.root, "pvc", pod.metadata!.namespace!, vol.persistentVolumeClaim.claimName)
      : join(opts.root, "pods", pod.metadata!.namespace!, pod.metadata!.uid!, volumeName);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  const writeStatus = async (pod: V1Pod, status: V1PodStatus) => {
    await core
      .patchNamespacedPodStatus(
        { name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: { status } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      )
      .catch(() => undefined); // the pod may be gone already
  };

  const env = async (pod: V1Pod): Promise<Record<string, string>> => {
    const out: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: opts.root, ...opts.env };
    for (const e of pod.spec!.containers[0]!.env ?? []) {
      if (e.value !== undefined) out[e.name] = e.value;
      const ref = e.valueFrom?.secretKeyRef;
      if (ref) {
        const namespace = pod.metadata!.namespace!;
        const secret = await core.readNamespacedSecret({ name: ref.name!, namespace }).catch(() => undefined);
        if (!secret) throw new ContainerConfigError(`secret "${ref.name}" not found`);
        const data = secret.data?.[ref.key];
        if (data === undefined) throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`);
        out[e.name] = Buffer.from(data, "base64").toString("utf8");
      }
    }
    return out;
  };

  /** A Secret volume's keys (or its `items`) as files, the way a kubelet projects them. */
  const projectSecrets = async (pod: V1Pod): Promise<void> => {
    for (const vol of pod.spec?.volumes ?? []) {
      if (!vol.secret) continue;
      const secret = await core.readNamespacedSecret({ name: vol.secret.secretName!, namespace: pod.metadata!.namespace! });
      const dir = volumeDir(pod, vol.name);
      const items: V1KeyToPath[] = vol.secret.items ?? Object.keys(secret.data ?? {}).map((key) => ({ key, path: key }));
      for (const item of items) {
        const data = secret.data?.[item.key];
        if (data === undefined) throw new Error(`secret ${vol.secret.secretName} has no key ${item.key}`);
        const file = join(dir, item.path);
        writeFileSync(file, Buffer.from(data, "base64"));
        chmodSync(file, item.mode ?? vol.secret.defaultMode ?? 0o644);
      }
    }
  };

  const start = async (pod: V1Pod): Promise<void> => {
    const c = pod.spec!.containers[0]!;
    let processEnv: Record<string, string>;
    try {
      processEnv = await env(pod);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      // As a kubelet: the pod stays Pending, says why, and is tried again while it exists.
      await writeStatus(pod, { phase: "Pending", containerStatuses: [{ name: c.name, image: c.image ?? "", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "CreateContainerConfigError", message: err.message } } }] });
      setTimeout(() => {
        const current = informer.get(pod.metadata!.name!, pod.metadata!.namespace);
        if (!stopped && current?.metadata?.uid === pod.metadata?.uid && !current?.metadata?.deletionTimestamp) void start(pod).catch(() => undefined);
      }, CONFIG_RETRY_MS);
      return;
    }
    await projectSecrets(pod);
    const mounts = (c.volumeMounts ?? []).map((m) => [m.mountPath, volumeDir(pod, m.name)] as const).sort((a, b) => b[0].length - a[0].length);
    const rewrite = (arg: string) => {
      for (const [path, dir] of mounts) if (arg === path || arg.startsWith(`${path}/`)) return dir + arg.slice(path.length);
      return arg;
    };
    const [cmd, ...rest] = [...(c.command ?? []), ...(c.args ?? [])].map(rewrite);
    if (cmd !== "room-recorder") throw new Error(`node agent runs only room-recorder, not ${cmd}`);
    const logDir = join(opts.root, "logs");
    mkdirSync(logDir, { recursive: true });
    const log = openSync(join(logDir, `${pod.metadata!.namespace}_${pod.metadata!.name}.log`), "a");
    const ports = new Map<string, number>();
    for (const e of c.env ?? []) if (processEnv[e.name] !== undefined) processEnv[e.name] = rewrite(processEnv[e.name]!);
    if (c.ports?.some((p) => p.name === "metrics")) {
      const port = await freePort();
      ports.set("metrics", port);
      processEnv.RR_METRICS_PORT = String(port);
    }
    const proc = spawn(NODE, [CLI, ...rest], { env: processEnv, stdio: ["ignore", log, log], cwd: opts.root });
    const exited = new Promise<number>((res) => proc.once("exit", (code, signal) => res(code ?? (signal ? 128 + 9 : 1))));
    const entry: Running = { proc, ports, exited, stopping: false };
    running.set(keyOf(pod), entry);
    const startedAt = new Date();
    await writeStatus(pod, {
      phase: "Running",
      startTime: startedAt,
      containerStatuses: [{ name: c.name, image: c.image ?? "", imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt } } }],
    });
    const code = await exited;
    running.delete(keyOf(pod));
    if (stopped) return;
    if (pod.spec?.restartPolicy === "Always" && !entry.stopping) {
      setTimeout(() => void start(pod).catch(() => undefined), 500);
      return;
    }
    const finishedAt = new Date();
    await writeStatus(pod, {
      phase: code === 0 ? "Succeeded" : "Failed",
      containerStatuses: [{ name: c.name, image: c.image ?? "", imageID: "", ready: false, restartCount: 0, started: false, state: { terminated: { exitCode: code, startedAt, finishedAt, reason: code === 0 ? "Completed" : "Error" } } }],
    });
  };

  const terminate = async (pod: V1Pod): Promise<void> => {
    const r = running.get(keyOf(pod));
    if (r) {
      if (r.stopping) return; // the first deletion event does the work
      r.stopping = true;
      r.proc.kill("SIGTERM");
      const graceMs = (pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      const timer = setTimeout(() => r.proc.kill("SIGKILL"), graceMs);
      await r.exited;
      clearTimeout(timer);
    }
    await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, gracePeriodSeconds: 0 }).catch(() => undefined);
  };

  const onPod = (pod: V1Pod) => {
    if (stopped) return;
    const key = keyOf(pod);
    if (pod.metadata?.deletionTimestamp) {
      void terminate(pod);
      return;
    }
    if (handled.has(key) || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return;
    handled.add(key);
    void start(pod).catch(async (err: Error) => {
      await writeStatus(pod, { phase: "Failed", message: err.message });
    });
  };

  const informer = makeInformer<V1Pod>(opts.kubeConfig, "/api/v1/pods", () => core.listPodForAllNamespaces({ labelSelector: opts.labelSelector }), opts.labelSelector);
  informer.on("add", onPod);
  informer.on("update", onPod);
  informer.on("delete", (pod) => handled.delete(keyOf(pod)));
  informer.on("error", () => setTimeout(() => void informer.start().catch(() => undefined), 1_000));
  await informer.start();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await informer.stop();
    await Promise.all(
      [...running.values()].map(async (r) => {
        r.proc.kill("SIGTERM");
        const t = setTimeout(() => r.proc.kill("SIGKILL"), 5_000);
        await r.exited;
        clearTimeout(t);
      }),
    );
  };
  return {
    processOf: (namespace, name) => running.get(`${namespace}/${name}`)?.proc,
    portOf: (namespace, name, portName) => running.get(`${namespace}/${name}`)?.ports.get(portName),
    volumeDir,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
