/**
 * `room-recorder worker`: one stream worker as a process. Locally `room-recorder record` spawns
 * it with an IPC channel and RR_WORKER_CONFIG; on a cluster it runs in a pod over NATS. After the
 * worker ends it flushes logs and exits explicitly: werift leaves UDP sockets open after
 * `pc.close()` (notes/werift.md §3), so the process would never end on its own.
 */
import { connectBus } from "../bus/connect.ts";
import { DEFAULT_CLAIM_WINDOW_MS } from "../bus/claim.ts";
import { EndReason } from "../bus/messages.ts";
import { createStreamRecorder } from "../media/index.ts";
import { createRootLogger, type Logger } from "../observability/logger.ts";
import type { HttpEndpoint } from "../observability/httpEndpoint.ts";
import { StreamWorker } from "../stream-worker/StreamWorker.ts";
import { parseWorkerArgs, resolveWorkerIce, WORKER_USAGE } from "../stream-worker/workerArgs.ts";
import { EXIT_ICE_FAILED } from "../supervisor/exitPolicy.ts";
import type { Command } from "./command.ts";

/** Another worker already records this stream: the supervisor must not restart this one. */
export const EXIT_DUPLICATE = 3;

/**
 * Over IPC the claim round trip is a hop through the parent's in-process hub (well under
 * 10 ms even on a loaded box), and every millisecond here delays `ready`, hence the first
 * keyframe (issue 7); NATS keeps the default.
 */
const IPC_CLAIM_WINDOW_MS = 250;

const EXIT_BY_REASON: Record<EndReason, number> = {
  [EndReason.bye]: 0,
  [EndReason.peerLost]: 0,
  [EndReason.stopped]: 0,
  [EndReason.maxDuration]: 0,
  [EndReason.superseded]: 0,
  [EndReason.duplicate]: EXIT_DUPLICATE,
  [EndReason.iceFailed]: EXIT_ICE_FAILED,
  [EndReason.error]: 1,
};

async function run(argv: readonly string[]): Promise<number> {
  const config = parseWorkerArgs(argv, process.env);
  const root = createRootLogger(config.logLevel !== undefined ? { level: config.logLevel } : {});
  const scope = config.worker.scope;
  const log = root.child({ recording: `${scope.scope}/${scope.recording}`, stream: config.worker.stream.key });
  const wc = await resolveWorkerIce(config, log);
  let code: number;
  try {
    const bus = await connectBus({ log: log.child({ component: "bus" }), ...(config.nats ? { nats: config.nats } : {}) });
    const worker = new StreamWorker(bus, wc, root, {
      createRecorder: (opts) => createStreamRecorder(opts, log),
      claimWindowMs: config.nats ? DEFAULT_CLAIM_WINDOW_MS : IPC_CLAIM_WINDOW_MS,
    });
    let busClosed = false;
    void bus.closed().then(() => (busClosed = true));
    const http = config.metricsPort === undefined ? undefined : await serveMetrics(config.metricsPort, worker, () => !busClosed, log);
    const stop = () => void worker.close(EndReason.stopped);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    // The parent (IPC) or NATS went away for good: finalize what we have.
    void bus.closed().then((err) => {
      if (err) log.error({ err }, "bus closed under the worker");
      stop();
    });
    const reason = await worker.done();
    code = EXIT_BY_REASON[reason];
    log.info({ reason, code }, "worker exiting");
    await http?.close();
    await bus.close().catch(() => undefined);
  } catch (err) {
    log.fatal({ err }, "worker failed");
    code = 1;
  }
  await flush(root);
  process.exit(code);
}

/**
 * /metrics, /healthz (bus open) and /readyz (stream claimed). A port that cannot be bound is
 * logged, not fatal: the recording matters more than its metrics. node:http and prom-client
 * (read through `metrics.registry`) are loaded only here: a worker spawned by `record` has no
 * metrics port and is ≈ 2 MiB smaller without them (issue 7).
 */
async function serveMetrics(port: number, worker: StreamWorker, busOpen: () => boolean, log: Logger): Promise<HttpEndpoint | undefined> {
  try {
    const { startHttpEndpoint } = await import("../observability/httpEndpoint.ts");
    const endpoint = await startHttpEndpoint({ port, host: "0.0.0.0", registries: [worker.metrics.registry], healthy: busOpen, ready: () => worker.claimed });
    log.info({ port }, "serving /metrics and /healthz");
    return endpoint;
  } catch (err) {
    log.error({ err, port }, "cannot serve /metrics: going on without it");
    return undefined;
  }
}

function flush(log: Logger): Promise<void> {
  return new Promise((resolve) => log.flush(() => resolve()));
}

export const command: Command = { name: "worker", summary: "run one stream worker (cluster: over NATS; locally: spawned by record)", usage: WORKER_USAGE, run };
