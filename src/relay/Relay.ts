/**
 * Our VDO.Ninja-compatible handshake server (spec §7.4): the socket I/O around a pure
 * `RelayState`. Frames are size-capped and JSON-checked here; anything malformed is logged at
 * debug and dropped, and the server keeps serving. Plain ws://, or wss:// with a certificate
 * (browsers reach a self-hosted server only over wss, spec Appendix C).
 */
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { Dialect } from "../protocol/defaults.ts";
import { createRootLogger, type Logger } from "../observability/logger.ts";
import { LIMITS, parseJsonFrame } from "../protocol/index.ts";
import { FanoutRelayState } from "./FanoutRelayState.ts";
import { OfficialRelayState } from "./OfficialRelayState.ts";
import type { RelayState } from "./types.ts";

export interface RelayOptions {
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** 0 = a kernel-chosen port. */
  readonly port: number;
  readonly dialect: Dialect;
  /** PEM certificate chain and key: serve wss://. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly log?: Logger;
  /** WebSocket ping interval; a client that missed the previous ping is dropped. @default 30000 */
  readonly pingIntervalMs?: number;
}

export interface Relay {
  /** ws://host:port or wss://host:port (a wildcard host is reported as 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  /** Number of connected sockets. */
  readonly connections: number;
  /** Fault injection: drops every client socket at once (no close handshake). */
  dropAll(): void;
  /** Idempotent. Resolves when the listener is closed. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_PING_INTERVAL_MS = 30_000;

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const host = opts.host ?? "127.0.0.1";
  const log = (opts.log ?? createRootLogger()).child({ component: "relay", dialect: opts.dialect });
  const state: RelayState = opts.dialect === "fanout" ? new FanoutRelayState() : new OfficialRelayState();
  const server: HttpServer = opts.tls
    ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, answerHttp)
    : createHttpServer(answerHttp);
  // ws closes a connection whose frame exceeds maxPayload (code 1009); the server carries on.
  const wss = new WebSocketServer({ server, maxPayload: LIMITS.frameBytes });
  const sockets = new Map<string, WebSocket>();
  const alive = new WeakSet<WebSocket>();

  wss.on("connection", (ws, req) => {
    const conn = randomUUID();
    sockets.set(conn, ws);
    alive.add(ws);
    state.connect(conn);
    const connLog = log.child({ conn });
    connLog.debug({ remote: req.socket.remoteAddress }, "client connected");
    ws.on("pong", () => alive.add(ws));
    ws.on("message", (data, isBinary) => onMessage(conn, data, isBinary, connLog));
    ws.on("error", (err) => connLog.debug({ err }, "client socket error"));
    ws.on("close", (code) => {
      sockets.delete(conn);
      state.disconnect(conn);
      connLog.debug({ code }, "client disconnected");
    });
  });

  function onMessage(conn: string, data: RawData, isBinary: boolean, connLog: Logger): void {
    if (isBinary) {
      connLog.debug("binary frame dropped");
      return;
    }
    const text = rawText(data);
    const frame = parseJsonFrame(text);
    if (!frame.ok) {
      connLog.debug({ error: frame.error, bytes: text.length }, "frame dropped");
      return;
    }
    for (const out of state.receive(conn, text, frame.msg)) {
      const target = sockets.get(out.to);
      if (target?.readyState === WebSocket.OPEN) target.send(out.data);
    }
  }

  const pinger = setInterval(() => {
    for (const ws of sockets.values()) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
  pinger.unref();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? "wss" : "ws"}://${urlHost(host)}:${port}`;
  log.info({ url }, "relay listening");

  let closing: Promise<void> | undefined;
  const relay: Relay = {
    url,
    port,
    get connections() {
      return sockets.size;
    },
    dropAll() {
      log.info({ connections: sockets.size }, "dropping every client socket");
      for (const ws of sockets.values()) ws.terminate();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(pinger);
        for (const ws of sockets.values()) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => log.info("relay closed"));
      return closing;
    },
    [Symbol.asyncDispose]() {
      return relay.close();
    },
  };
  return relay;
}

/** Plain HTTP requests get a one-line answer (handy for health checks and "is it TLS?"). */
function answerHttp(_req: unknown, res: import("node:http").ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("room-recorder handshake relay\n");
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as Buffer).toString("utf8");
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
