import { Counter, Gauge, Registry } from "prom-client";

/**
 * The signaler's Prometheus metrics (design "Observability"). Message types come from the
 * parsed kind, a closed set (unknown requests count as "unknown"), so stranger input can
 * never create label values.
 */
export class SignalerMetrics {
  readonly registry = new Registry();
  readonly #connected = new Gauge({ name: "rr_signaler_socket_connected", help: "1 while the handshake-server socket is joined to the room", registers: [this.registry] });
  readonly #reconnects = new Counter({ name: "rr_signaler_reconnects_total", help: "handshake-server socket reconnections", registers: [this.registry] });
  readonly #roster = new Gauge({ name: "rr_signaler_roster_streams", help: "live streams in the room roster", registers: [this.registry] });
  readonly #in = new Counter({ name: "rr_signaler_messages_in_total", help: "frames received from the handshake server, by type", labelNames: ["type"], registers: [this.registry] });
  readonly #out = new Counter({ name: "rr_signaler_messages_out_total", help: "frames sent to the handshake server, by type", labelNames: ["type"], registers: [this.registry] });
  readonly #dropped = new Counter({ name: "rr_signaler_frames_dropped_total", help: "frames from the server dropped, by reason", labelNames: ["reason"], registers: [this.registry] });

  socket(connected: boolean): void {
    this.#connected.set(connected ? 1 : 0);
  }

  reconnected(): void {
    this.#reconnects.inc();
  }

  rosterSize(n: number): void {
    this.#roster.set(n);
  }

  received(type: string): void {
    this.#in.inc({ type });
  }

  sent(type: string): void {
    this.#out.inc({ type });
  }

  dropped(reason: "malformed" | "oversize" | "binary" | "unroutable" | "not-for-us" | "held-full" | "held-peer-full"): void {
    this.#dropped.inc({ reason });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
