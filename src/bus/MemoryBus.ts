import type { Logger } from "../observability/logger.ts";
import type { BusHandler } from "./Bus.ts";
import { BaseBus, type LocalSubscription } from "./BaseBus.ts";
import { subjectMatches } from "./subjects.ts";

/** Receives messages already encoded as JSON text: how `attachChild` relays to a child. */
export type EncodedHandler = (subject: string, text: string, reply: string | undefined) => void;

interface Route {
  readonly pattern: string;
  readonly deliver: EncodedHandler;
  active: boolean;
}

/**
 * The in-process hub (local deployment): routes by NATS subject matching. Local subscribers
 * and child processes (through `attachChild`) share one routing table, so a worker child's
 * `ready` reaches the signaler exactly as it would over NATS. Delivery is asynchronous
 * (microtask), like NATS: a handler never runs inside the publisher's call.
 */
export class MemoryBus extends BaseBus {
  readonly #routes = new Set<Route>();

  constructor(opts: { log: Logger }) {
    super(opts.log);
  }

  flush(): Promise<void> {
    // Deliveries are queued microtasks: they have all run by the next macrotask.
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Route an already-encoded message (from a child process); subject checks are the caller's. */
  publishEncoded(subject: string, text: string, reply: string | undefined): void {
    if (this.isClosed) return;
    this.sendEncoded(subject, text, reply);
  }

  /** Subscribe with a raw handler (for a child process); unsubscribe with the returned function. */
  subscribeEncoded(pattern: string, deliver: EncodedHandler): () => void {
    const route: Route = { pattern, deliver, active: true };
    this.#routes.add(route);
    return () => {
      route.active = false;
      this.#routes.delete(route);
    };
  }

  /** How many routes match `subject`: for tests and for "is anyone listening" diagnostics. */
  listenersOf(subject: string): number {
    let n = 0;
    for (const r of this.#routes) if (subjectMatches(r.pattern, subject)) n++;
    return n;
  }

  protected sendEncoded(subject: string, text: string, reply: string | undefined): void {
    for (const route of this.#routes) {
      if (!subjectMatches(route.pattern, subject)) continue;
      queueMicrotask(() => {
        if (!route.active) return;
        try {
          route.deliver(subject, text, reply);
        } catch (err) {
          this.log.error({ err, subject }, "bus: a route threw");
        }
      });
    }
  }

  protected addSubscription(pattern: string, handler: BusHandler): LocalSubscription {
    const sub = {
      subject: pattern,
      handler,
      active: true,
      unsubscribe: () => {
        sub.active = false;
        stop();
      },
    };
    const stop = this.subscribeEncoded(pattern, (subject, text, reply) => this.deliver(sub, subject, text, reply));
    return sub;
  }

  protected shutdown(): void {
    for (const r of this.#routes) r.active = false;
    this.#routes.clear();
  }
}
