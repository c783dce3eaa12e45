/**
 * A lossy UDP relay on this host between a WebRTC publisher and the recorder. Each side is given
 * one candidate that points at the relay (see `rewriteCandidates`), so ICE, DTLS and media all
 * cross it: socket `forWorker` is what the worker sees as the publisher, socket `forSender` is
 * what the publisher sees as the worker. Only RTP from the publisher is dropped or delayed
 * (STUN, DTLS and RTCP pass untouched, so the connection comes up and NACKs get through),
 * with a seeded generator so a run is repeatable.
 */
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";

export interface LossyUdpOptions {
  /** Fraction of publisher RTP packets dropped. */
  readonly lossRate: number;
  /** Fraction of publisher RTP packets held back by `reorderDelayMs` (so later ones overtake). */
  readonly reorderRate: number;
  readonly reorderDelayMs: number;
  readonly seed?: number;
}

export interface LossyUdpRelay {
  /** Port the worker must use for the publisher. */
  readonly forWorkerPort: number;
  /** Port the publisher must use for the worker. */
  readonly forSenderPort: number;
  /** Where each peer really is (from its candidate), until it sends from somewhere else. */
  senderAddress?: { address: string; port: number };
  workerAddress?: { address: string; port: number };
  /** Datagrams from each side, and what happened to the publisher's RTP. */
  readonly counters: { fromWorker: number; fromSender: number; rtp: number; dropped: number; delayed: number };
  stop(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startLossyUdpRelay(o: LossyUdpOptions): Promise<LossyUdpRelay> {
  const forWorker = createSocket("udp4");
  const forSender = createSocket("udp4");
  // All interfaces: the peers' sockets are bound to the host's address and cannot reach loopback.
  forWorker.bind(0);
  forSender.bind(0);
  await Promise.all([once(forWorker, "listening"), once(forSender, "listening")]);
  const random = mulberry32(o.seed ?? 4);
  const timers = new Set<NodeJS.Timeout>();
  const relay: LossyUdpRelay = {
    forWorkerPort: forWorker.address().port,
    forSenderPort: forSender.address().port,
    counters: { fromWorker: 0, fromSender: 0, rtp: 0, dropped: 0, delayed: 0 },
    stop() {
      for (const t of timers) clearTimeout(t);
      for (const s of [forWorker, forSender]) {
        try {
          s.close();
        } catch {
          // already closed
        }
      }
    },
    async [Symbol.asyncDispose]() {
      relay.stop();
    },
  };
  const sendTo = (socket: Socket, msg: Buffer, address: string, port: number) => socket.send(msg, port, address, () => undefined);
  forWorker.on("message", (msg, from) => {
    relay.counters.fromWorker++;
    relay.workerAddress = { address: from.address, port: from.port };
    const s = relay.senderAddress;
    if (s) sendTo(forSender, msg, s.address, s.port);
  });
  forSender.on("message", (msg) => {
    relay.counters.fromSender++;
    const to = relay.workerAddress;
    if (!to) return;
    if (isRtp(msg)) {
      relay.counters.rtp++;
      const r = random();
      if (r < o.lossRate) {
        relay.counters.dropped++;
        return;
      }
      if (r < o.lossRate + o.reorderRate) {
        relay.counters.delayed++;
        const t = setTimeout(() => {
          timers.delete(t);
          sendTo(forWorker, msg, to.address, to.port);
        }, o.reorderDelayMs);
        timers.add(t);
        return;
      }
    }
    sendTo(forWorker, msg, to.address, to.port);
  });
  return relay;
}

/** RFC 7983 demultiplexing: 128–191 is RTP/RTCP; RTCP packet types are 192–223. */
function isRtp(b: Buffer): boolean {
  const first = b[0] ?? 0;
  const pt = b[1] ?? 0;
  return first >= 128 && first <= 191 && !(pt >= 192 && pt <= 223);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rewrites the ICE candidates of one side so the other side reaches it only through the relay:
 * the first IPv4 UDP candidate keeps its (host) address but gets the relay's `port` (its real port
 * goes to `onReal`), every other candidate is dropped. Works on `a=candidate:` SDP lines and on
 * candidate strings alike.
 */
export function rewriteCandidate(candidate: string, port: number, onReal: (address: string, port: number) => void): string | undefined {
  const f = candidate.replace(/^a=/, "").split(" ");
  const [, , proto, , address, realPort] = f;
  if (proto?.toLowerCase() !== "udp" || !address || !/^\d+\.\d+\.\d+\.\d+$/.test(address)) return undefined;
  onReal(address, Number(realPort));
  f[5] = String(port);
  return (candidate.startsWith("a=") ? "a=" : "") + f.join(" ");
}
