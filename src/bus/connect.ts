import type { Logger } from "../observability/logger.ts";
import type { Bus } from "./Bus.ts";
import { IpcBus } from "./IpcBus.ts";

export interface ConnectOptions {
  readonly log: Logger;
  /**
   * NATS servers (cluster deployment). When present the bus is NATS even if an IPC channel
   * exists. The NATS transport plugs in here (docs/architecture.md, "Bus").
   */
  readonly nats?: { readonly servers: readonly string[] };
}

/**
 * The bus a role process should use, decided by how it was started: `--nats` → NATS; spawned
 * by `room-recorder record` (an IPC channel exists) → the parent's hub over IPC. Roles call
 * this once at startup and never learn which one they got.
 */
export async function connectBus(opts: ConnectOptions): Promise<Bus> {
  if (opts.nats && opts.nats.servers.length > 0) {
    throw new Error("the NATS bus transport is not available in this build");
  }
  if (process.channel) return new IpcBus({ log: opts.log });
  throw new Error("no bus: start this command from 'room-recorder record' (IPC) or pass --nats");
}
