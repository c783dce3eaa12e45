import type { Logger } from "../observability/logger.ts";
import type { Bus, BusHandler, BusMessage, BusPayload, RequestOptions, Subscription } from "./Bus.ts";
import { BusClosedError, BusTimeoutError } from "./errors.ts";
import { assertPublishSubject, assertSubscribePattern, encodePayload, newInbox } from "./wire.ts";

export const DEFAULT_REQUEST_TIMEOUT_MS = 2000;

/** One local subscription as a transport tracks it. */
export interface LocalSubscription extends Subscription {
  readonly handler: BusHandler;
  active: boolean;
}

/**
 * What the two in-repo transports share: the closed state, request/reply over inbox subjects
 * (as nats.js does it: subscribe a unique inbox, publish with `reply`, first answer wins),
 * and isolated handler calls. A transport supplies how an encoded message leaves
 * (`sendEncoded`) and how subscriptions are registered (`addSubscription`).
 */
export abstract class BaseBus implements Bus {
  protected readonly log: Logger;
  #closed = false;
  #closedResolve!: (err: Error | undefined) => void;
  readonly #closedPromise = new Promise<Error | undefined>((r) => (this.#closedResolve = r));
  readonly #pending = new Set<(err: Error) => void>();

  constructor(log: Logger) {
    this.log = log;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  publish(subject: string, data: BusPayload): void {
    this.#assertOpen();
    assertPublishSubject(subject);
    this.sendEncoded(subject, encodePayload(subject, data), undefined);
  }

  subscribe(subject: string, handler: BusHandler): Subscription {
    this.#assertOpen();
    assertSubscribePattern(subject);
    return this.addSubscription(subject, handler);
  }

  request(subject: string, data: BusPayload, opts: RequestOptions = {}): Promise<BusPayload> {
    if (this.#closed) return Promise.reject(new BusClosedError());
    const timeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    let text: string;
    try {
      assertPublishSubject(subject);
      text = encodePayload(subject, data);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise<BusPayload>((resolve, reject) => {
      const inbox = this.newInbox();
      const settle = (fn: () => void): void => {
        clearTimeout(timer);
        sub.unsubscribe();
        this.#pending.delete(fail);
        fn();
      };
      const fail = (err: Error): void => settle(() => reject(err));
      const sub = this.addSubscription(inbox, (msg) => settle(() => resolve(msg.data)));
      const timer = setTimeout(() => fail(new BusTimeoutError(subject, timeoutMs)), timeoutMs);
      this.#pending.add(fail);
      this.sendEncoded(subject, text, inbox);
    });
  }

  respond(msg: BusMessage, data: BusPayload): void {
    if (msg.reply === undefined) throw new TypeError(`message on ${msg.subject} has no reply subject`);
    this.publish(msg.reply, data);
  }

  abstract flush(): Promise<void>;

  async close(): Promise<void> {
    this.closeWith(undefined);
    await this.#closedPromise;
  }

  closed(): Promise<Error | undefined> {
    return this.#closedPromise;
  }

  /** Close because the transport went away (`err`) or on request (`undefined`). Idempotent. */
  protected closeWith(err: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const fail of [...this.#pending]) fail(new BusClosedError());
    this.shutdown();
    this.#closedResolve(err);
  }

  /** Deliver one encoded message to a local handler: its own decoded copy, errors contained. */
  protected deliver(sub: LocalSubscription, subject: string, text: string, reply: string | undefined): void {
    if (!sub.active || this.#closed) return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      this.log.warn({ err, subject }, "bus: dropped a message that is not JSON");
      return;
    }
    try {
      sub.handler(reply === undefined ? { subject, data } : { subject, data, reply });
    } catch (err) {
      this.log.error({ err, subject, subscription: sub.subject }, "bus: a message handler threw");
    }
  }

  /** A fresh reply subject; NATS overrides it to keep inboxes under a per-user prefix. */
  protected newInbox(): string {
    return newInbox();
  }

  protected abstract sendEncoded(subject: string, text: string, reply: string | undefined): void;
  protected abstract addSubscription(pattern: string, handler: BusHandler): LocalSubscription;
  /** Release transport resources; called once by `closeWith`. */
  protected abstract shutdown(): void;

  #assertOpen(): void {
    if (this.#closed) throw new BusClosedError();
  }
}
