/**
 * The one seam between the roles. Shaped like nats.js' connection (publish / subscribe /
 * request / close / closed), so the signaler and the stream worker never learn whether they
 * run as child processes over IPC or as pods over NATS (docs/architecture.md, "Bus").
 *
 * Payloads are plain JSON values; every transport serializes them itself. Subjects follow
 * `subjects.ts`; `*` matches one token and `>` the rest, as in NATS.
 */
export type BusPayload = unknown;

export interface BusMessage {
  readonly subject: string;
  readonly data: BusPayload;
  /** Present when the sender used `request()`: answer with `respond()`. */
  readonly reply?: string;
}

export type BusHandler = (msg: BusMessage) => void;

export interface Subscription {
  readonly subject: string;
  unsubscribe(): void;
}

export interface RequestOptions {
  /** @default 2000 */
  timeoutMs?: number;
}

export interface Bus {
  publish(subject: string, data: BusPayload): void;
  /** The handler runs for every message on `subject` (wildcards allowed) until unsubscribed. */
  subscribe(subject: string, handler: BusHandler): Subscription;
  /** Publish with a reply subject and resolve with the first answer; rejects with BusTimeoutError. */
  request(subject: string, data: BusPayload, opts?: RequestOptions): Promise<BusPayload>;
  /** Answer a message received with a `reply` subject. */
  respond(msg: BusMessage, data: BusPayload): void;
  /** Resolves once every publish so far has left this process (NATS flush; IPC drain). */
  flush(): Promise<void>;
  /** Idempotent. Pending requests reject with BusClosedError. */
  close(): Promise<void>;
  /** Resolves when the bus is closed, with the error that closed it, if any. Never rejects. */
  closed(): Promise<Error | undefined>;
}
