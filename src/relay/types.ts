import type { Json } from "../protocol/index.ts";

/** One frame the I/O layer must send: `data` to the connection `to`. */
export interface Outgoing {
  readonly to: string;
  readonly data: string;
}

/**
 * The pure part of a handshake server: connection events and parsed frames in, frames out.
 * No sockets, no timers, so the routing rules are unit-tested without a network.
 */
export interface RelayState {
  connect(conn: string): void;
  disconnect(conn: string): void;
  /** `text` is the frame as received (the fan-out dialect forwards it verbatim), `msg` its JSON. */
  receive(conn: string, text: string, msg: Json): Outgoing[];
}
