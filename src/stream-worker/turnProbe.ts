/**
 * Asks a TURN server for one allocation, the way werift does (RFC 5766 §6: unauthenticated
 * Allocate → 401 with realm and nonce → Allocate with long-term credentials), and says how it
 * went. werift hides this outcome (iceFailure.ts), so after an ICE failure without a relay
 * candidate the worker runs the exchange once itself to tell "unreachable" from "credentials
 * refused". A granted allocation is released at once (Refresh, lifetime 0).
 *
 * Messages come from werift's own STUN codec (exported by the package), so the probe speaks
 * exactly the dialect the ICE agent speaks. UDP, TCP and TLS, as `turn:`/`?transport=tcp`/`turns:`.
 */
import { createSocket } from "node:dgram";
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { classes, makeIntegrityKey, Message, methods, parseMessage } from "werift";
import type { IceServerConfig } from "../config/types.ts";

export type TurnProbeResult =
  | { readonly outcome: "ok" }
  /** 401 after we sent credentials, or 441 Wrong Credentials. */
  | { readonly outcome: "auth"; readonly code: number; readonly reason: string }
  /** Any other error response (403 Forbidden, 486 Allocation Quota Reached, …). */
  | { readonly outcome: "error"; readonly code: number; readonly reason: string }
  | { readonly outcome: "unreachable"; readonly detail: string };

/** REQUESTED-TRANSPORT = UDP (RFC 5766 §14.7), as werift asks. */
const UDP_TRANSPORT = 0x11000000;
/** STUN's initial retransmission timeout over UDP (RFC 5389 §7.2.1), doubled each time. */
const UDP_RTO_MS = 250;

interface Exchange {
  request(msg: Message): Promise<Message>;
  close(): void;
}

/** Never throws. `timeoutMs` bounds each request/response exchange (there are at most three). */
export async function probeTurn(server: IceServerConfig, timeoutMs = 3000): Promise<TurnProbeResult> {
  const target = parseTurnTarget(server.urls);
  if (!target) return { outcome: "unreachable", detail: `not a TURN URL: ${server.urls}` };
  const where = `${target.host}:${target.port} over ${target.transport}`;
  let ex: Exchange;
  try {
    ex = await open(target, timeoutMs);
  } catch (err) {
    return { outcome: "unreachable", detail: `${where}: ${(err as Error).message}` };
  }
  try {
    const first = await ex.request(allocate());
    if (first.messageClass === classes.RESPONSE) return { outcome: "ok" }; // no auth at all
    const [code, reason] = errorCode(first);
    const realm = first.getAttributeValue("REALM") as string | undefined;
    const nonce = first.getAttributeValue("NONCE") as Buffer | undefined;
    if (code !== 401 || realm === undefined || nonce === undefined) return { outcome: "error", code, reason };
    const key = makeIntegrityKey(server.username ?? "", realm, server.credential ?? "");
    const signed = (m: Message) => m.setAttribute("USERNAME", server.username ?? "").setAttribute("REALM", realm).setAttribute("NONCE", nonce).addMessageIntegrity(key).addFingerprint();
    const second = await ex.request(signed(allocate()));
    if (second.messageClass === classes.RESPONSE) {
      // Release what we were granted; if this is lost, the allocation expires on its own.
      await ex.request(signed(new Message(methods.REFRESH, classes.REQUEST).setAttribute("LIFETIME", 0))).catch(() => undefined);
      return { outcome: "ok" };
    }
    const [code2, reason2] = errorCode(second);
    if (code2 === 401 || code2 === 441) return { outcome: "auth", code: code2, reason: reason2 };
    return { outcome: "error", code: code2, reason: reason2 };
  } catch (err) {
    return { outcome: "unreachable", detail: `${where}: ${(err as Error).message}` };
  } finally {
    ex.close();
  }
}

export interface TurnTarget {
  readonly host: string;
  readonly port: number;
  readonly transport: "udp" | "tcp" | "tls";
}

/** The normalized `urls` of iceUrl.ts: `turn:host:port[?transport=tcp]`, `turns:host:port`, IPv6 in brackets. */
export function parseTurnTarget(urls: string): TurnTarget | undefined {
  const m = /^(turns?):(?:\[([^\]]+)\]|([^:?]+))(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(urls);
  if (!m) return undefined;
  const tls = m[1]!.toLowerCase() === "turns";
  return { host: (m[2] ?? m[3])!, port: m[4] ? Number(m[4]) : tls ? 5349 : 3478, transport: tls ? "tls" : m[5]?.toLowerCase() === "tcp" ? "tcp" : "udp" };
}

const allocate = () => new Message(methods.ALLOCATE, classes.REQUEST).setAttribute("REQUESTED-TRANSPORT", UDP_TRANSPORT);

function errorCode(m: Message): [number, string] {
  const v = m.getAttributeValue("ERROR-CODE") as [number, string] | undefined;
  return v ?? [0, "no ERROR-CODE"];
}

function open(t: TurnTarget, timeoutMs: number): Promise<Exchange> {
  return t.transport === "udp" ? Promise.resolve(udpExchange(t, timeoutMs)) : streamExchange(t, timeoutMs);
}

/** A response matches its request by transaction id; anything else is ignored. */
function matches(req: Message, data: Buffer): Message | undefined {
  const msg = parseMessage(data);
  return msg && msg.transactionId.equals(req.transactionId) ? msg : undefined;
}

function udpExchange(t: TurnTarget, timeoutMs: number): Exchange {
  const socket = createSocket(t.host.includes(":") ? "udp6" : "udp4");
  // An unconnected UDP socket sees no ICMP errors: silence until the deadline is "unreachable".
  socket.on("error", () => undefined);
  return {
    request: (msg) =>
      new Promise((resolve, reject) => {
        const bytes = msg.bytes;
        let wait = UDP_RTO_MS;
        let retry: NodeJS.Timeout | undefined;
        const send = () => {
          socket.send(bytes, t.port, t.host);
          retry = setTimeout(send, wait);
          wait *= 2;
        };
        const done = (err?: Error, res?: Message) => {
          clearTimeout(retry);
          clearTimeout(deadline);
          socket.off("message", onMessage);
          if (res) resolve(res);
          else reject(err);
        };
        const onMessage = (data: Buffer) => {
          const res = matches(msg, data);
          if (res) done(undefined, res);
        };
        const deadline = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        socket.on("message", onMessage);
        send();
      }),
    close: () => socket.close(),
  };
}

async function streamExchange(t: TurnTarget, timeoutMs: number): Promise<Exchange> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = t.transport === "tls" ? tlsConnect({ host: t.host, port: t.port, servername: t.host }) : tcpConnect({ host: t.host, port: t.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once(t.transport === "tls" ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  // STUN over a stream (RFC 5389 §7.2.2): each message is its 20-byte header plus its length.
  let buffered = Buffer.alloc(0);
  const waiting = new Set<(m: Buffer) => void>();
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 20 && buffered.length >= 20 + buffered.readUInt16BE(2)) {
      const one = buffered.subarray(0, 20 + buffered.readUInt16BE(2));
      buffered = buffered.subarray(one.length);
      for (const w of waiting) w(one);
    }
  });
  socket.on("error", () => undefined);
  return {
    request: (msg) =>
      new Promise((resolve, reject) => {
        const onMessage = (data: Buffer) => {
          const res = matches(msg, data);
          if (!res) return;
          clearTimeout(deadline);
          waiting.delete(onMessage);
          resolve(res);
        };
        const deadline = setTimeout(() => {
          waiting.delete(onMessage);
          reject(new Error(socket.destroyed ? "connection closed" : `no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(onMessage);
        socket.write(msg.bytes);
      }),
    close: () => socket.destroy(),
  };
}
