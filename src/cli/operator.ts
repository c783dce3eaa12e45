/**
 * `room-recorder operator`: the RoomRecording controller with leader election, /metrics,
 * /healthz and /readyz. It reaches the API with the in-cluster service account (or --kubeconfig)
 * and the signalers and workers over NATS.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import type { Command } from "./command.ts";
import { UsageError } from "../config/errors.ts";
import { NATS_ARG_OPTIONS, NATS_USAGE, parseNatsSettings } from "../config/natsOptions.ts";
import { connectBus } from "../bus/connect.ts";
import { createRootLogger } from "../observability/logger.ts";
import { Controller } from "../operator/Controller.ts";
import { SharedConnectionsKubeConfig } from "../operator/kubeConfig.ts";
import { LeaderElector } from "../operator/LeaderElector.ts";
import { OperatorMetrics } from "../operator/metrics.ts";
import { startHttpServer } from "../operator/httpServer.ts";
import { defaultPodDefaults, parsePodDefaults, type PodDefaults } from "../operator/podDefaults.ts";
import { DEFAULT_START_TIMEOUT_MS } from "../operator/podStart.ts";

const USAGE = `Usage: room-recorder operator --image IMAGE --nats URL [flags]

Runs the RoomRecording operator (deploy/crds, docs/operator.md).

Flags (environment in brackets):
  --image IMAGE            image of the signaler and worker pods            [RR_IMAGE]
  --pod-nats URL           NATS URL the pods use (default: the --nats URL)  [RR_POD_NATS_URL]
  --pod-nats-secret NAME   Secret with key 'token' the pods log in with     [RR_POD_NATS_SECRET]
  --pod-defaults FILE      JSON: pull secrets and policy, resources, scheduling, NATS CA,
                           default storage of the pods (docs/deployment.md)  [RR_POD_DEFAULTS]
  --pod-start-timeout S    seconds a pod may take to start before it is reported and a
                           worker's is replaced (default 300)                [RR_POD_START_TIMEOUT]
  --namespace NS           watch one namespace (default: all)               [RR_WATCH_NAMESPACE]
  --kubeconfig FILE        default: in-cluster, then $KUBECONFIG, ~/.kube/config
  --metrics-addr HOST:PORT /metrics, /healthz, /readyz (default 0.0.0.0:8080) [RR_METRICS_ADDR]
  --no-leader-elect        act without a lease (one replica only!)
  --lease-namespace NS     namespace of the Lease (default: POD_NAMESPACE or default)
  --lease-name NAME        (default room-recorder-operator)
  --identity ID            this replica in the Lease (default: POD_NAME or hostname)
  --log-level L            pino level (default info)                        [LOG_LEVEL]

${NATS_USAGE}
`;

const OPTIONS = {
  image: { type: "string" },
  "pod-nats": { type: "string" },
  "pod-nats-secret": { type: "string" },
  "pod-defaults": { type: "string" },
  "pod-start-timeout": { type: "string" },
  namespace: { type: "string" },
  kubeconfig: { type: "string" },
  "metrics-addr": { type: "string" },
  "no-leader-elect": { type: "boolean" },
  "lease-namespace": { type: "string" },
  "lease-name": { type: "string" },
  identity: { type: "string" },
  "log-level": { type: "string" },
  ...NATS_ARG_OPTIONS,
} as const;

async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  const env = process.env;
  const image = values.image ?? env.RR_IMAGE;
  if (!image) throw new UsageError("--image is required");
  const nats = parseNatsSettings(values, env);
  if (!nats) throw new UsageError("--nats is required (the operator learns rosters over NATS)");
  const [host, portText] = (values["metrics-addr"] ?? env.RR_METRICS_ADDR ?? "0.0.0.0:8080").split(/:(?=\d+$)/);
  const port = Number(portText);
  if (!host || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--metrics-addr must be HOST:PORT");
  const namespace = values.namespace ?? env.RR_WATCH_NAMESPACE;
  const identity = values.identity ?? env.POD_NAME ?? `${hostname()}-${process.pid}`;
  const podNatsSecret = values["pod-nats-secret"] ?? env.RR_POD_NATS_SECRET;
  const pods = readPodDefaults(values["pod-defaults"] ?? env.RR_POD_DEFAULTS);
  const startTimeoutMs = startTimeout(values["pod-start-timeout"] ?? env.RR_POD_START_TIMEOUT);

  const log = createRootLogger(values["log-level"] ? { level: values["log-level"] } : {}).child({ component: "operator", identity });
  const kubeConfig = new SharedConnectionsKubeConfig(log);
  if (values.kubeconfig) kubeConfig.loadFromFile(values.kubeconfig);
  else kubeConfig.loadFromDefault();

  const bus = await connectBus({ log, nats });
  const metrics = new OperatorMetrics();
  const controller = new Controller({
    kubeConfig,
    bus,
    metrics,
    log,
    identity,
    ...(namespace ? { namespace } : {}),
    settings: { image, natsUrl: values["pod-nats"] ?? env.RR_POD_NATS_URL ?? nats.servers.join(","), ...(podNatsSecret ? { natsSecret: podNatsSecret } : {}), startTimeoutMs, pods },
  });
  const elector = values["no-leader-elect"]
    ? undefined
    : new LeaderElector(
        kubeConfig,
        {
          namespace: values["lease-namespace"] ?? env.POD_NAMESPACE ?? "default",
          name: values["lease-name"] ?? "room-recorder-operator",
          identity,
          onStartedLeading: () => controller.setLeading(true),
          onStoppedLeading: () => controller.setLeading(false),
        },
        log,
      );
  let busClosed = false;
  void bus.closed().then(() => (busClosed = true));
  const server = await startHttpServer(port, host, metrics.registry, { healthy: () => !busClosed, ready: () => controller.synced });
  const address = server.address();
  log.info({ metrics: typeof address === "object" && address ? `${address.address}:${address.port}` : address, namespace: namespace ?? "*" }, "operator listening");
  if (!pods.defaultStorage) log.warn("no default storage (--pod-defaults defaultStorage): a RoomRecording without spec.storage starts nothing (StorageNotConfigured)");

  await controller.start();
  if (elector) elector.start();
  else controller.setLeading(true);

  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  log.info("shutting down");
  await elector?.close();
  await controller.close();
  await bus.close();
  server.close();
  return 0;
}

function readPodDefaults(file: string | undefined): PodDefaults {
  if (!file) return defaultPodDefaults();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`--pod-defaults: cannot read ${file}: ${(err as Error).message}`);
  }
  return parsePodDefaults(text, `--pod-defaults ${file}`);
}

function startTimeout(text: string | undefined): number {
  if (text === undefined || text === "") return DEFAULT_START_TIMEOUT_MS;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1) throw new UsageError("--pod-start-timeout must be a whole number of seconds, at least 1");
  return seconds * 1000;
}

export const command: Command = { name: "operator", summary: "run the RoomRecording Kubernetes operator", usage: USAGE, run };
