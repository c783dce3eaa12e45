import type { Logger } from "../observability/logger.ts";
import type { BusHandler } from "./Bus.ts";
import { BaseBus, type LocalSubscription } from "./BaseBus.ts";
import type { ChildFrame } from "./ipcFrames.ts";
import { parseParentFrame } from "./ipcFrames.ts";

/** The part of `process` (a child with an IPC channel) this bus uses. */
export interface IpcEndpoint {
  send?: ((message: unknown, sendHandle?: undefined, options?: undefined, callback?: (err: Error | null) => void) => boolean) | undefined;
  on(event: "message", fn: (msg: unknown) => void): unknown;
  on(event: "disconnect", fn: () => void): unknown;
  off(event: "message", fn: (msg: unknown) => void): unknown;
  off(event: "disconnect", fn: () => void): unknown;
}

/** Close waits at most this long for queued frames to reach the parent. */
const CLOSE_FLUSH_MS = 2000;

/**
 * Child side of the local bus: a worker process talks to the hub in its parent (the
 * `record` process) over the IPC channel. Subscriptions are registered in the parent by id,
 * so the parent does the subject matching once and sends each message only to children that
 * asked for it (see `attachChild`).
 */
export class IpcBus extends BaseBus {
  readonly #endpoint: IpcEndpoint;
  readonly #subs = new Map<number, LocalSubscription>();
  #nextSid = 1;
  #inFlight = 0;
  #drained: Array<() => void> = [];

  constructor(opts: { log: Logger; endpoint?: IpcEndpoint }) {
    super(opts.log);
    this.#endpoint = opts.endpoint ?? process;
    if (typeof this.#endpoint.send !== "function") throw new TypeError("IpcBus needs an IPC channel (spawn with stdio 'ipc')");
    this.#endpoint.on("message", this.#onMessage);
    this.#endpoint.on("disconnect", this.#onDisconnect);
  }

  flush(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  override async close(): Promise<void> {
    if (!this.isClosed) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.flush(), new Promise((r) => (timer = setTimeout(r, CLOSE_FLUSH_MS)))]);
      clearTimeout(timer);
    }
    await super.close();
  }

  protected sendEncoded(subject: string, text: string, reply: string | undefined): void {
    this.#send(reply === undefined ? { bus: "pub", subject, data: text } : { bus: "pub", subject, data: text, reply });
  }

  protected addSubscription(pattern: string, handler: BusHandler): LocalSubscription {
    const sid = this.#nextSid++;
    const sub = {
      subject: pattern,
      handler,
      active: true,
      unsubscribe: () => {
        if (!sub.active) return;
        sub.active = false;
        this.#subs.delete(sid);
        if (!this.isClosed) this.#send({ bus: "unsub", sid });
      },
    };
    this.#subs.set(sid, sub);
    this.#send({ bus: "sub", sid, subject: pattern });
    return sub;
  }

  protected shutdown(): void {
    for (const sub of this.#subs.values()) sub.active = false;
    this.#subs.clear();
    // Removing our listeners unrefs the channel, so a finished worker can exit.
    this.#endpoint.off("message", this.#onMessage);
    this.#endpoint.off("disconnect", this.#onDisconnect);
    for (const resolve of this.#drained.splice(0)) resolve();
  }

  #send(frame: ChildFrame): void {
    this.#inFlight++;
    try {
      this.#endpoint.send!(frame, undefined, undefined, (err) => {
        if (err) this.log.debug({ err }, "bus: IPC send failed");
        this.#sent();
      });
    } catch (err) {
      // ERR_IPC_CHANNEL_CLOSED: the parent is gone; nothing sent from now on can arrive.
      this.#sent();
      this.closeWith(err as Error);
    }
  }

  #sent(): void {
    this.#inFlight--;
    if (this.#inFlight === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  readonly #onMessage = (raw: unknown): void => {
    const { frame, reason } = parseParentFrame(raw);
    if (!frame) {
      this.log.warn({ reason }, "bus: dropped a malformed IPC frame from the parent");
      return;
    }
    const sub = this.#subs.get(frame.sid);
    if (sub) this.deliver(sub, frame.subject, frame.data, frame.reply);
  };

  readonly #onDisconnect = (): void => {
    this.closeWith(new Error("IPC channel to the parent closed"));
  };
}
