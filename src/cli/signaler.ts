/**
 * `room-recorder signaler`: the signaler role alone, over NATS (the signaler pod of a
 * RoomRecording, or a developer's cluster topology on one machine). Flags mirror
 * src/operator/specs/args.ts; secrets come from the environment (docs/nats.md).
 * SIGINT/SIGTERM close the socket and the bus; workers keep recording (their media is
 * peer-to-peer) and a restarted signaler picks them up again with `hello`.
 */
import { connectBus } from "../bus/connect.ts";
import { createRootLogger } from "../observability/logger.ts";
import { startMetricsEndpoint } from "./metricsEndpoint.ts";
import { Signaler } from "../signaler/Signaler.ts";
import type { Command } from "./command.ts";
import { parseSignalerArgs, SIGNALER_USAGE } from "./signalerArgs.ts";

async function run(argv: readonly string[]): Promise<number> {
  const config = parseSignalerArgs(argv, process.env);
  const root = createRootLogger(config.logLevel !== undefined ? { level: config.logLevel } : {});
  const log = root.child({ recording: `${config.scope.scope}/${config.scope.recording}` });
  const bus = await connectBus({ log: log.child({ component: "bus" }), nats: config.nats });
  const signaler = new Signaler(bus, config.room, config.scope, undefined, log);
  let busClosed = false;
  void bus.closed().then(() => (busClosed = true));
  const http = config.metricsPort === undefined ? undefined : await startMetricsEndpoint({
    port: config.metricsPort,
    host: "0.0.0.0",
    registries: [signaler.metrics.registry],
    healthy: () => !busClosed,
    ready: () => signaler.signaling === "connected",
  }).catch(async (err: unknown) => {
    await bus.close();
    throw err;
  });
  if (http) log.info({ port: http.port }, "serving /metrics, /healthz, /readyz");
  signaler.start();
  const why = await new Promise<{ signal: NodeJS.Signals } | { busClosed: Error | undefined }>((resolve) => {
    process.once("SIGINT", () => resolve({ signal: "SIGINT" }));
    process.once("SIGTERM", () => resolve({ signal: "SIGTERM" }));
    void bus.closed().then((err) => resolve({ busClosed: err }));
  });
  await signaler.close();
  await http?.close();
  if ("busClosed" in why) {
    // The connection was closed for good (credentials revoked): let the pod restart us.
    log.fatal({ err: why.busClosed }, "bus closed; signaler exits");
    return 1;
  }
  log.info({ signal: why.signal }, "signaler stopping");
  await bus.close();
  return 0;
}

export const command: Command = { name: "signaler", summary: "run the signaler role alone (cluster: over NATS)", usage: SIGNALER_USAGE, run };
