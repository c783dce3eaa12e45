import { WebSocket, type RawData } from "ws";
import type { Logger } from "../observability/logger.ts";
import { backoffDelay, RECONNECT_BACKOFF, type BackoffPolicy } from "./backoff.ts";

export interface SocketEvents {
  /** A new socket is open (a new server UUID, spec §1.4): join again. */
  open(): void;
  /** One text frame. Binary frames are reported with `binary: true` and no text. */
  frame(text: string | undefined, binary: boolean): void;
  /** The socket is gone; a reconnect is scheduled unless closed. */
  down(reason: string): void;
}

/** ws refuses bigger frames by closing the socket; ours are dropped one by one above it. */
const WS_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * One WebSocket to the handshake server that comes back after every close or error, with
 * RECONNECT_BACKOFF. The backoff restarts once the caller says the connection is healthy
 * (`healthy()`, after the room listing), so a server that accepts and then drops us at once
 * is not hammered.
 */
export class ReconnectingSocket {
  readonly #url: string;
  readonly #events: SocketEvents;
  readonly #log: Logger;
  readonly #policy: BackoffPolicy;
  #ws: WebSocket | undefined;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: { url: string; events: SocketEvents; log: Logger; policy?: BackoffPolicy }) {
    this.#url = opts.url;
    this.#events = opts.events;
    this.#log = opts.log;
    this.#policy = opts.policy ?? RECONNECT_BACKOFF;
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.#closed && !this.#ws && !this.#timer) this.#connect();
  }

  healthy(): void {
    this.#attempt = 0;
  }

  /** False when the socket is not open (the frame is dropped: nothing is queued, spec §8.7). */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.#ws!.send(text);
    return true;
  }

  /** Idempotent: closes the socket with 1000 and never reconnects. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      ws.removeAllListeners();
      ws.on("error", () => {});
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
    }
  }

  #connect(): void {
    this.#timer = undefined;
    const ws = new WebSocket(this.#url, { maxPayload: WS_MAX_PAYLOAD_BYTES, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, perMessageDeflate: false });
    this.#ws = ws;
    ws.on("open", () => this.#events.open());
    ws.on("message", (data: RawData, isBinary: boolean) => this.#events.frame(isBinary ? undefined : rawText(data), isBinary));
    ws.on("error", (err) => this.#log.warn({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, "signaling socket error"));
    ws.on("close", (code, reason) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      const why = `closed (${code}${reason.length ? ` ${reason.toString().slice(0, 120)}` : ""})`;
      this.#events.down(why);
      if (this.#closed) return;
      const delay = backoffDelay(this.#policy, this.#attempt++);
      this.#log.info({ delayMs: delay, attempt: this.#attempt }, "signaling socket down: reconnecting");
      this.#timer = setTimeout(() => this.#connect(), delay);
    });
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
