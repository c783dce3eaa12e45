import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { connect, headers } from "nats";
import { NatsBus } from "../src/bus/NatsBus.ts";
import type { BusMessage } from "../src/bus/Bus.ts";
import { BusPayloadTooLargeError, BusTimeoutError } from "../src/bus/errors.ts";
import { streamKey, subjects, type SubjectScope } from "../src/bus/subjects.ts";
import { createRootLogger, type Logger } from "../src/observability/logger.ts";
import { startNats } from "./harness/nats.ts";
import { waitFor } from "./harness/wait.ts";

const WAIT_MS = 15_000;
const scope: SubjectScope = { scope: "ns", recording: "rec" };

/** A logger whose lines the test can read. */
function capturingLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk.toString());
      cb();
    },
  });
  return { log: createRootLogger({ level: "debug", destination }), lines: () => out.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l)) };
}

const quiet = () => createRootLogger({ level: "silent" });

function collect(bus: NatsBus, subject: string): BusMessage[] {
  const got: BusMessage[] = [];
  bus.subscribe(subject, (m) => got.push(m));
  return got;
}

test("NatsBus - publish, wildcard subscribe and request/reply between two connections", async () => {
  await using nats = await startNats();
  const a = await NatsBus.connect({ servers: [nats.url] }, quiet());
  const b = await NatsBus.connect({ servers: [nats.url] }, quiet());
  try {
    const all = collect(b, subjects.allStatus(scope));
    const one = collect(b, subjects.status(scope, "s1"));
    b.subscribe(subjects.rosterGet(scope), (m) => b.respond(m, { type: "snapshot", asked: m.data }));
    await b.flush();

    a.publish(subjects.status(scope, "s1"), { n: 1 });
    a.publish(subjects.status(scope, "s2"), { n: 2 });
    a.publish(subjects.toWorker(scope, "s1"), { n: 3 });
    await waitFor(() => all.length === 2 && one.length === 1, WAIT_MS, "status messages");
    assert.deepEqual(all.map((m) => m.data), [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(one[0], { subject: subjects.status(scope, "s1"), data: { n: 1 } });

    assert.deepEqual(await a.request(subjects.rosterGet(scope), { q: 1 }), { type: "snapshot", asked: { q: 1 } });
    await assert.rejects(a.request(subjects.roster(scope), {}, { timeoutMs: 300 }), BusTimeoutError);
  } finally {
    await a.close();
    await b.close();
  }
});

test("NatsBus - hostile stream ids are routed to their own subjects and never widen a subscription", async () => {
  await using nats = await startNats();
  const pub = await NatsBus.connect({ servers: [nats.url] }, quiet());
  const sub = await NatsBus.connect({ servers: [nats.url] }, quiet());
  const hostile = ["a.b", "*", ">", "a.>", "x y", "tab\tnl\n", "ü🎥ñ", "\u0000\u0007ctl", "x".repeat(2048), "..", "a*b>c", "plain"];
  try {
    const keys = hostile.map(streamKey);
    assert.equal(new Set(keys).size, hostile.length, "distinct ids get distinct keys");
    for (const k of keys) assert.match(k, /^[A-Za-z0-9_~-]{1,77}$/);

    const perStream = keys.map((k) => collect(sub, subjects.toWorker(scope, k)));
    const wildcard = collect(sub, `rr.ns.rec.stream.*.to-worker`);
    await sub.flush();
    keys.forEach((k, i) => pub.publish(subjects.toWorker(scope, k), { i }));
    await waitFor(() => wildcard.length === hostile.length, WAIT_MS, "every stream's message");
    await pub.flush();
    await sub.flush();
    perStream.forEach((got, i) => assert.deepEqual(got.map((m) => m.data), [{ i }], `stream ${JSON.stringify(hostile[i]!.slice(0, 20))}`));

    // Raw stranger text as a subject is refused before it reaches NATS.
    for (const raw of ["rr.ns.rec.stream.a b.to-worker", "rr.ns.rec.>", "rr..x", "rr.ns.*"]) {
      assert.throws(() => pub.publish(raw, {}), TypeError, raw);
    }
    assert.throws(() => sub.subscribe("rr.ns.rec.x y", () => {}), TypeError);
  } finally {
    await pub.close();
    await sub.close();
  }
});

test("NatsBus - payloads above the server's max_payload are chunked transparently; above 1 MiB refused at the sender", async () => {
  await using nats = await startNats({ maxPayload: 64 * 1024 });
  const a = await NatsBus.connect({ servers: [nats.url] }, quiet());
  const b = await NatsBus.connect({ servers: [nats.url] }, quiet());
  try {
    const sdp = `v=0\r\n${"a=candidate:1 1 udp 2130706431 192.0.2.1 50000 typ host\r\n".repeat(5000)}`;
    assert.ok(sdp.length > 250_000);
    const got = collect(b, subjects.toWorker(scope, "big"));
    b.subscribe(subjects.rosterGet(scope), (m) => b.respond(m, { echo: m.data }));
    await b.flush();
    a.publish(subjects.toWorker(scope, "big"), { type: "peer", uuid: "u", payload: { description: { type: "offer", sdp } } });
    a.publish(subjects.toWorker(scope, "big"), { small: true });
    await waitFor(() => got.length === 2, WAIT_MS, "the large message and the one after it");
    assert.equal((got[0]!.data as { payload: { description: { sdp: string } } }).payload.description.sdp, sdp);
    assert.deepEqual(got[1]!.data, { small: true });

    assert.deepEqual(await a.request(subjects.rosterGet(scope), { sdp }, { timeoutMs: 10_000 }), { echo: { sdp } });
    assert.throws(() => a.publish(subjects.toWorker(scope, "big"), "x".repeat(1024 * 1024 + 1)), BusPayloadTooLargeError);
  } finally {
    await a.close();
    await b.close();
  }
});

test("NatsBus - malformed messages from a raw client are logged and dropped; the subscription survives", async () => {
  await using nats = await startNats();
  const { log, lines } = capturingLogger();
  const bus = await NatsBus.connect({ servers: [nats.url] }, log);
  const raw = await connect({ servers: nats.url });
  try {
    const subject = subjects.fromWorker(scope, "s");
    const got = collect(bus, subject);
    bus.subscribe(subject, () => {
      throw new Error("handler bug");
    });
    await bus.flush();
    raw.publish(subject, new TextEncoder().encode("{not json"));
    raw.publish(subject, Uint8Array.of(0xff, 0xfe));
    const h = headers();
    h.set("Rr-Chunk", "bad;tag");
    raw.publish(subject, new TextEncoder().encode("{}"), { headers: h });
    raw.publish(subject, new TextEncoder().encode('{"ok":1}'));
    await waitFor(() => got.length === 1, WAIT_MS, "the valid message");
    assert.deepEqual(got[0]!.data, { ok: 1 });
    const msgs = lines().map((l) => l.msg);
    assert.ok(msgs.includes("bus: dropped a message that is not JSON"), String(msgs));
    assert.ok(msgs.includes("bus: dropped a message that is not UTF-8"), String(msgs));
    assert.ok(msgs.includes("bus: dropped a message with a malformed chunk header"), String(msgs));
    assert.ok(msgs.includes("bus: a message handler threw"), String(msgs));
  } finally {
    await raw.close();
    await bus.close();
  }
});

test("NatsBus - survives a nats-server restart: subscriptions come back and publishes made while down are delivered", async () => {
  await using nats = await startNats();
  const a = await NatsBus.connect({ servers: [nats.url] }, quiet());
  const b = await NatsBus.connect({ servers: [nats.url] }, quiet());
  try {
    const got = collect(b, subjects.allStatus(scope));
    const own = collect(a, subjects.allStatus(scope));
    b.subscribe(subjects.rosterGet(scope), (m) => b.respond(m, "pong"));
    await b.flush();
    await a.flush();
    a.publish(subjects.status(scope, "s"), { seq: 1 });
    await waitFor(() => got.length === 1, WAIT_MS, "message before the restart");

    await nats.down();
    await waitFor(() => !a.connected && !b.connected, WAIT_MS, "both buses see the server gone");
    a.publish(subjects.status(scope, "s"), { seq: 2 }); // buffered in this process
    await nats.up();
    await waitFor(() => a.connected && b.connected, WAIT_MS, "both buses reconnected");
    assert.equal(a.reconnects, 1);
    // nats.js resends its subscriptions before the buffered publishes, so `a` must see its own.
    await waitFor(() => own.some((m) => (m.data as { seq: number }).seq === 2), WAIT_MS, "the publish buffered while down");
    a.publish(subjects.status(scope, "s"), { seq: 3 });
    await waitFor(() => got.some((m) => (m.data as { seq: number }).seq === 3), WAIT_MS, "message after the restart, on the other connection");
    assert.equal(await a.request(subjects.rosterGet(scope), null, { timeoutMs: 5000 }), "pong");
  } finally {
    await a.close();
    await b.close();
  }
});

test("NatsBus - with authorization, another recording's user can neither read nor publish this recording's subjects, nor its replies", async () => {
  const a: SubjectScope = { scope: "ns", recording: "a" };
  const b: SubjectScope = { scope: "ns", recording: "b" };
  await using nats = await startNats({
    users: [
      { user: "rec-a", password: "pa", allow: [subjects.everything(a)] },
      { user: "rec-b", password: "pb", allow: [subjects.everything(b)] },
    ],
  });
  const signalerA = await NatsBus.connect({ servers: [nats.url], user: "rec-a", password: "pa", inboxPrefix: subjects.inbox(a) }, quiet());
  const workerA = await NatsBus.connect({ servers: [nats.url], user: "rec-a", password: "pa", inboxPrefix: subjects.inbox(a) }, quiet());
  const intruder = await NatsBus.connect({ servers: [nats.url], user: "rec-b", password: "pb", inboxPrefix: subjects.inbox(b) }, quiet());
  try {
    const stolen = collect(intruder, subjects.everything(a));
    const stolenReplies = collect(intruder, ">");
    await intruder.flush();
    const heard = collect(signalerA, subjects.allFromWorker(a));
    signalerA.subscribe(subjects.rosterGet(a), (m) => signalerA.respond(m, { type: "snapshot", secret: "a-roster" }));
    await signalerA.flush();

    // Recording A works for its own user, request/reply included.
    assert.deepEqual(await workerA.request(subjects.rosterGet(a), null), { type: "snapshot", secret: "a-roster" });
    workerA.publish(subjects.fromWorker(a, "s"), { type: "ready", key: "s", instance: "w1" });
    await waitFor(() => heard.length === 1, WAIT_MS, "A's worker heard by A's signaler");

    // B's user: its publishes into A never arrive, its request gets no answer.
    intruder.publish(subjects.fromWorker(a, "s"), { type: "ready", key: "s", instance: "evil" });
    await assert.rejects(intruder.request(subjects.rosterGet(a), null, { timeoutMs: 500 }), BusTimeoutError);
    // A marker through A's own path, sent after the intruder's: once it arrives, the intruder's would have.
    workerA.publish(subjects.fromWorker(a, "s"), { marker: true });
    await waitFor(() => heard.length === 2, WAIT_MS, "A's marker");
    assert.deepEqual(heard.map((m) => (m.data as { instance?: string }).instance), ["w1", undefined]);
    await intruder.flush();
    assert.deepEqual(stolen, [], "B read nothing of A's subjects");
    assert.deepEqual(stolenReplies, [], "B read none of A's replies");
  } finally {
    await signalerA.close();
    await workerA.close();
    await intruder.close();
  }
});

test("NatsBus - wrong credentials fail the connect instead of retrying forever", async () => {
  await using nats = await startNats({ users: [{ user: "u", password: "right", allow: [">"] }] });
  await assert.rejects(NatsBus.connect({ servers: [nats.url], user: "u", password: "wrong" }, quiet()), /Authorization/i);
});
