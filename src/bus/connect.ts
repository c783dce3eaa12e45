import type { Logger } from "../observability/logger.ts";
import type { Bus } from "./Bus.ts";
import { IpcBus } from "./IpcBus.ts";
import type { NatsSettings } from "./natsSettings.ts";

export interface ConnectOptions {
  readonly log: Logger;
  /**
   * NATS servers (cluster deployment). When present the bus is NATS even if an IPC channel
   * exists. The NATS transport plugs in here (docs/architecture.md, "Bus").
   */
  readonly nats?: NatsSettings | undefined;
}

/**
 * The bus a role process should use, decided by how it was started: `--nats` → NATS; spawned
 * by `room-recorder record` (an IPC channel exists) → the parent's hub over IPC. Roles call
 * this once at startup and never learn which one they got.
 */
export async function connectBus(opts: ConnectOptions): Promise<Bus> {
  if (opts.nats && opts.nats.servers.length > 0) {
    // Loaded lazily: a locally spawned worker never loads the nats client (issue #7).
    const { NatsBus } = await import("./NatsBus.ts");
    return NatsBus.connect(opts.nats, opts.log);
  }
  if (process.channel) return new IpcBus({ log: opts.log });
  throw new Error("no bus: start this command from 'room-recorder record' (IPC) or pass --nats");
}
