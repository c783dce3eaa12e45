import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { pino } from "pino";
import { MemoryBus } from "./MemoryBus.ts";
import { BusClosedError, BusPayloadTooLargeError, BusTimeoutError } from "./errors.ts";
import { MAX_PAYLOAD_BYTES } from "./wire.ts";
import type { BusMessage } from "./Bus.ts";

/** A logger whose lines the test can read. */
function capturingLog(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: "debug" }, sink), lines };
}

function collect(bus: MemoryBus, pattern: string): BusMessage[] {
  const got: BusMessage[] = [];
  bus.subscribe(pattern, (m) => got.push(m));
  return got;
}

test("MemoryBus - delivers by NATS subject matching (* one token, > the rest)", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  const exact = collect(bus, "rr.local.r.roster");
  const star = collect(bus, "rr.local.r.stream.*.from-worker");
  const tail = collect(bus, "rr.local.r.>");
  bus.publish("rr.local.r.roster", { n: 1 });
  bus.publish("rr.local.r.stream.cam1.from-worker", { n: 2 });
  bus.publish("rr.local.r.stream.cam1.to-worker", { n: 3 });
  bus.publish("rr.local.other.roster", { n: 4 });
  await bus.flush();
  assert.deepEqual(exact.map((m) => m.data), [{ n: 1 }]);
  assert.deepEqual(star.map((m) => m.data), [{ n: 2 }]);
  assert.deepEqual(tail.map((m) => m.data), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  assert.equal(star[0]?.subject, "rr.local.r.stream.cam1.from-worker");
  await bus.close();
});

test("MemoryBus - delivers asynchronously, in order, each subscriber its own copy", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  const a = collect(bus, "s");
  const b = collect(bus, "s");
  const payload = { list: [1] };
  bus.publish("s", payload);
  bus.publish("s", { list: [2] });
  assert.equal(a.length, 0, "not delivered inside publish()");
  payload.list.push(99);
  await bus.flush();
  assert.deepEqual(a.map((m) => m.data), [{ list: [1] }, { list: [2] }]);
  assert.notEqual(a[0]?.data, b[0]?.data);
  await bus.close();
});

test("MemoryBus - a throwing handler is logged and the others still run", async () => {
  const { log, lines } = capturingLog();
  const bus = new MemoryBus({ log });
  bus.subscribe("s", () => {
    throw new Error("boom");
  });
  const got = collect(bus, "s");
  bus.publish("s", 1);
  bus.publish("s", 2);
  await bus.flush();
  assert.deepEqual(got.map((m) => m.data), [1, 2]);
  assert.equal(lines.filter((l) => l.msg === "bus: a message handler threw").length, 2);
  await bus.close();
});

test("MemoryBus - unsubscribe stops delivery, even of messages already queued", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  const got: unknown[] = [];
  const sub = bus.subscribe("s", (m) => got.push(m.data));
  bus.publish("s", 1);
  sub.unsubscribe();
  bus.publish("s", 2);
  await bus.flush();
  assert.deepEqual(got, []);
  assert.equal(bus.listenersOf("s"), 0);
  await bus.close();
});

test("MemoryBus - request resolves with the first reply", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  bus.subscribe("svc.echo", (m) => bus.respond(m, { echo: m.data }));
  let late: Promise<void> | undefined;
  bus.subscribe("svc.echo", (m) => (late = new Promise((r) => setTimeout(r, 20)).then(() => bus.respond(m, "late"))));
  assert.deepEqual(await bus.request("svc.echo", "hi"), { echo: "hi" });
  await late;
  await bus.close();
});

test("MemoryBus - request rejects with BusTimeoutError when nobody answers", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  await assert.rejects(bus.request("svc.none", {}, { timeoutMs: 50 }), BusTimeoutError);
  assert.equal(bus.listenersOf("_INBOX.>"), 0, "the inbox subscription is gone");
  await bus.close();
});

test("MemoryBus - respond to a message without reply is a TypeError", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  assert.throws(() => bus.respond({ subject: "s", data: 1 }, 2), TypeError);
  await bus.close();
});

test("MemoryBus - invalid subjects and payloads are refused at publish", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  assert.throws(() => bus.publish("a.*", 1), TypeError);
  assert.throws(() => bus.publish("a..b", 1), TypeError);
  assert.throws(() => bus.publish("a b", 1), TypeError);
  assert.throws(() => bus.subscribe("a.>.b", () => {}), TypeError);
  assert.throws(() => bus.publish("a", undefined), TypeError);
  assert.throws(() => bus.publish("a", "x".repeat(MAX_PAYLOAD_BYTES)), BusPayloadTooLargeError);
  await assert.rejects(bus.request("a.>", 1), TypeError);
  await bus.close();
});

test("MemoryBus - close() is idempotent, rejects pending requests and refuses later use", async () => {
  const bus = new MemoryBus({ log: capturingLog().log });
  bus.subscribe("svc", () => {});
  const pending = bus.request("svc", 1, { timeoutMs: 10_000 });
  await Promise.all([bus.close(), bus.close()]);
  await assert.rejects(pending, BusClosedError);
  assert.equal(await bus.closed(), undefined);
  assert.throws(() => bus.publish("s", 1), BusClosedError);
  assert.throws(() => bus.subscribe("s", () => {}), BusClosedError);
  await assert.rejects(bus.request("s", 1), BusClosedError);
  await bus.close();
});
