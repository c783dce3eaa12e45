/**
 * The bus side of a stream worker, without WebRTC: says `ready`/`connected`/`ended` and records
 * what the signaler sends it. For signaling tests that must not depend on media.
 */
import type { Bus } from "../../src/bus/Bus.ts";
import type { EndReason, ToWorker } from "../../src/bus/messages.ts";
import { subjects, type SubjectScope } from "../../src/bus/subjects.ts";

export interface FakeWorker {
  readonly received: ToWorker[];
  ready(): void;
  connected(uuid: string): void;
  ended(reason: EndReason, uuid?: string): void;
  /** Ask the signaler to put `payload` on the socket for peer `uuid`. */
  sendPeer(uuid: string, payload: Record<string, unknown>): void;
  stop(): void;
  [Symbol.dispose](): void;
}

let instances = 0;

export function startFakeWorker(bus: Bus, scope: SubjectScope, key: string): FakeWorker {
  const instance = `fake-${process.pid}-${++instances}`;
  const received: ToWorker[] = [];
  const sub = bus.subscribe(subjects.toWorker(scope, key), (m) => received.push(m.data as ToWorker));
  const from = subjects.fromWorker(scope, key);
  const worker: FakeWorker = {
    received,
    ready: () => bus.publish(from, { type: "ready", key, instance }),
    connected: (uuid) => bus.publish(from, { type: "connected", key, instance, uuid }),
    ended: (reason, uuid) => bus.publish(from, { type: "ended", key, instance, reason, ...(uuid ? { uuid } : {}) }),
    sendPeer: (uuid, payload) => bus.publish(from, { type: "peer", uuid, payload }),
    stop: () => sub.unsubscribe(),
    [Symbol.dispose]: () => sub.unsubscribe(),
  };
  return worker;
}
