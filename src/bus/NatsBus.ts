/**
 * The bus over NATS (cluster deployment, and `record --nats`). docs/nats.md explains the
 * choices; in short:
 * - reconnect forever with capped exponential backoff; nats.js restores subscriptions;
 * - publishes made while disconnected are buffered here (bounded, oldest dropped first) and sent
 *   in order on reconnect: nats.js v2 discards its own outbound buffer at every dial attempt
 *   (`ProtocolHandler.prepare` → `resetOutbound`), so it cannot be relied on;
 * - payloads are JSON capped at 1 MiB like every transport (wire.ts); when the server's
 *   `max_payload` is lower, a message is chunked transparently (chunks.ts);
 * - request inboxes live under `inboxPrefix`, so a NATS user limited to one recording's
 *   subjects can receive its replies and no other recording can read them.
 */
import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, Events, headers, nkeyAuthenticator, nuid } from "nats";
import type { ConnectionOptions, Msg, NatsConnection, PublishOptions } from "nats";
import type { BusHandler } from "./Bus.ts";
import { BaseBus, type LocalSubscription } from "./BaseBus.ts";
import { OutageBuffer } from "./OutageBuffer.ts";
import { CHUNK_HEADER, ChunkAssembler, formatChunkTag, parseChunkTag, splitPayload } from "./chunks.ts";
import type { NatsSettings } from "./natsSettings.ts";
import type { Logger } from "../observability/logger.ts";

/** Room left in each NATS message for our chunk header and the server's framing. */
const HEADER_ROOM_BYTES = 1024;
/** Reconnect backoff: 100 ms doubling to 2 s (plus nats.js jitter), reset once reconnected. */
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 2000;
/** Publishes kept while disconnected; a heartbeat a second for minutes fits many times over. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Longest a graceful close waits for buffered publishes to reach the server. */
const CLOSE_FLUSH_MS = 2000;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export class NatsBus extends BaseBus {
  readonly #nc: NatsConnection;
  readonly #backoff: Backoff;
  readonly #inboxBase: string;
  #nextInbox = 0;
  #reconnects = 0;
  #connected = true;
  readonly #buffer = new OutageBuffer<PublishOptions>(MAX_BUFFERED_BYTES);
  #closing: Promise<void> | undefined;

  /**
   * Resolves once connected. A server that is not up yet is retried forever (a pod may start
   * before NATS); bad credentials reject.
   */
  static async connect(settings: NatsSettings, log: Logger): Promise<NatsBus> {
    const backoff = new Backoff();
    const nc = await connect(connectionOptions(settings, backoff));
    return new NatsBus(nc, settings.inboxPrefix ?? "_INBOX", backoff, log);
  }

  private constructor(nc: NatsConnection, inboxPrefix: string, backoff: Backoff, log: Logger) {
    super(log);
    this.#nc = nc;
    this.#backoff = backoff;
    this.#inboxBase = `${inboxPrefix}.${nuid.next()}`;
    log.info({ server: nc.getServer(), maxPayload: nc.info?.max_payload }, "nats connected");
    void this.#watchStatus();
    // The server closed us for good (auth revoked, close()): the bus is closed with its reason.
    void nc.closed().then((err) => this.closeWith(err ?? undefined));
  }

  /** False while the server is lost (publishes are buffered meanwhile). */
  get connected(): boolean {
    return this.#connected && !this.#nc.isClosed();
  }

  /** How many times the connection came back after a loss. */
  get reconnects(): number {
    return this.#reconnects;
  }

  async flush(): Promise<void> {
    if (!this.#nc.isClosed()) await this.#nc.flush();
  }

  override async close(): Promise<void> {
    this.#closing ??= this.#closeGracefully();
    await this.#closing;
  }

  async #closeGracefully(): Promise<void> {
    if (!this.#nc.isClosed()) {
      // Deliver what was published (a worker's `ended`), but never hang on a lost server.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.flush().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, CLOSE_FLUSH_MS)))]);
      clearTimeout(timer);
    }
    await super.close();
    await this.#nc.close();
    this.log.info("nats closed");
  }

  protected override newInbox(): string {
    return `${this.#inboxBase}.${++this.#nextInbox}`;
  }

  /** One NATS message, or chunks of it when the server's max_payload is smaller. */
  protected sendEncoded(subject: string, text: string, reply: string | undefined): void {
    const bytes = encoder.encode(text);
    const room = (this.#nc.info?.max_payload ?? 1024 * 1024) - HEADER_ROOM_BYTES;
    const opts = reply === undefined ? {} : { reply };
    if (bytes.length <= room) {
      this.#publish(subject, bytes, opts);
      return;
    }
    const pieces = splitPayload(bytes, room);
    const id = nuid.next();
    this.log.debug({ subject, bytes: bytes.length, chunks: pieces.length }, "bus: publishing a large payload in chunks");
    pieces.forEach((piece, index) => {
      const h = headers();
      h.set(CHUNK_HEADER, formatChunkTag({ id, index, count: pieces.length }));
      this.#publish(subject, piece, { ...opts, headers: h });
    });
  }

  /** Straight to nats.js while connected; into the outage buffer (order kept) otherwise. */
  #publish(subject: string, data: Uint8Array, opts: PublishOptions): void {
    if (this.#connected && this.#buffer.size === 0) {
      this.#nc.publish(subject, data, opts);
      return;
    }
    const dropped = this.#buffer.push({ subject, data, opts });
    if (dropped > 0) this.log.warn({ dropped, bufferedBytes: this.#buffer.bytes }, "bus: outage buffer full; dropped the oldest publishes");
  }

  #drainBuffer(): void {
    const items = this.#buffer.take();
    for (const m of items) this.#nc.publish(m.subject, m.data, m.opts);
    if (items.length > 0) this.log.info({ messages: items.length }, "bus: sent the publishes buffered while disconnected");
  }

  protected addSubscription(pattern: string, handler: BusHandler): LocalSubscription {
    const assembler = new ChunkAssembler();
    const sub: LocalSubscription = {
      subject: pattern,
      handler,
      active: true,
      unsubscribe: () => {
        if (!sub.active) return;
        sub.active = false;
        if (!this.#nc.isClosed()) natsSub.unsubscribe();
      },
    };
    const natsSub = this.#nc.subscribe(pattern, {
      callback: (err, msg) => {
        if (err) {
          // A permissions violation, typically: this process may not read `pattern`.
          this.log.error({ err, subject: pattern }, "bus: nats subscription failed");
          return;
        }
        // "No responders" (503) and other status messages carry no payload: a request then
        // times out, as it does on IPC.
        if (msg.headers?.code && msg.data.length === 0) return;
        const text = this.#text(assembler, msg);
        if (text !== undefined) this.deliver(sub, msg.subject, text, msg.reply || undefined);
      },
    });
    return sub;
  }

  protected shutdown(): void {
    // Subscriptions end with the connection; `close()` closes it after its flush.
    if (this.#closing === undefined) void this.#nc.close();
  }

  /** The whole payload of `msg` as text, or undefined while chunks are missing or when refused. */
  #text(assembler: ChunkAssembler, msg: Msg): string | undefined {
    let bytes: Uint8Array = msg.data;
    const raw = msg.headers?.get(CHUNK_HEADER);
    if (raw) {
      const tag = parseChunkTag(raw);
      if (!tag) {
        this.log.warn({ subject: msg.subject }, "bus: dropped a message with a malformed chunk header");
        return undefined;
      }
      const result = assembler.add(tag, msg.data, Date.now());
      if (result.kind === "rejected") this.log.warn({ subject: msg.subject, reason: result.reason }, "bus: refused a chunked message");
      if (result.kind !== "complete") return undefined;
      bytes = result.bytes;
    }
    try {
      return decoder.decode(bytes);
    } catch {
      this.log.warn({ subject: msg.subject, bytes: bytes.length }, "bus: dropped a message that is not UTF-8");
      return undefined;
    }
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      switch (s.type) {
        case Events.Disconnect:
          this.#connected = false;
          this.log.warn({ server: s.data }, "nats disconnected; publishes are buffered until it is back");
          break;
        case Events.Reconnect:
          this.#drainBuffer();
          this.#connected = true;
          this.#reconnects++;
          this.#backoff.reset();
          this.log.info({ server: s.data, reconnects: this.#reconnects }, "nats reconnected");
          break;
        case Events.Error:
          this.log.error({ err: s.data, permission: s.permissionContext }, "nats error");
          break;
        case Events.LDM:
          this.log.warn({ server: s.data }, "nats server entering lame duck mode");
          break;
        default:
          this.log.debug({ status: s.type, data: s.data }, "nats status");
      }
    }
  }
}

class Backoff {
  #attempt = 0;
  next(): number {
    return Math.min(BACKOFF_MIN_MS * 2 ** this.#attempt++, BACKOFF_MAX_MS);
  }
  reset(): void {
    this.#attempt = 0;
  }
}

function connectionOptions(s: NatsSettings, backoff: Backoff): ConnectionOptions {
  const opts: ConnectionOptions = {
    servers: [...s.servers],
    reconnect: true,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectDelayHandler: () => backoff.next(),
    reconnectJitter: 100,
    pingInterval: 10_000,
    maxPingOut: 3,
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.user !== undefined ? { user: s.user, pass: s.password } : {}),
    ...(s.token !== undefined ? { token: s.token } : {}),
  };
  if (s.nkeyFile !== undefined) opts.authenticator = nkeyAuthenticator(readNkeySeed(s.nkeyFile));
  if (s.credsFile !== undefined) opts.authenticator = credsAuthenticator(readFileSync(s.credsFile));
  if (s.tls) opts.tls = { ...s.tls };
  return opts;
}

/** The user seed (`SU…`) of an NKey seed file, which may also hold comments and the public key. */
function readNkeySeed(file: string): Uint8Array {
  const seed = readFileSync(file, "utf8").split("\n").map((l) => l.trim()).find((l) => l.startsWith("SU"));
  if (seed === undefined) throw new TypeError(`${file} holds no NKey user seed (a line starting with SU)`);
  return encoder.encode(seed);
}
