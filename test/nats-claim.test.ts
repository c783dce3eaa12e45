import { test } from "node:test";
import assert from "node:assert/strict";
import { NatsBus } from "../src/bus/NatsBus.ts";
import { claimStream, claimWins, type ClaimResult } from "../src/bus/claim.ts";
import { subjects, type SubjectScope } from "../src/bus/subjects.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { startNats } from "./harness/nats.ts";

const scope: SubjectScope = { scope: "ns", recording: "rec" };
const log = createRootLogger({ level: "silent" });

test("claimWins - the older claim wins, ties broken by instance, never both", () => {
  assert.equal(claimWins({ instance: "b", since: 1 }, { instance: "a", since: 2 }), true);
  assert.equal(claimWins({ instance: "a", since: 2 }, { instance: "b", since: 1 }), false);
  const x = { instance: "x", since: 5 };
  const y = { instance: "y", since: 5 };
  assert.notEqual(claimWins(x, y), claimWins(y, x));
});

test("claimStream over NATS - a second worker for a held stream loses to the owner; after release a newcomer wins", async () => {
  await using nats = await startNats();
  const buses = await Promise.all([1, 2, 3].map(() => NatsBus.connect({ servers: [nats.url] }, log)));
  const [b1, b2, b3] = buses as [NatsBus, NatsBus, NatsBus];
  try {
    const first = await claimStream(b1, { scope, key: "cam", me: { instance: "w1", since: 100 }, log });
    assert.equal(first.won, true);
    // The newcomer is older by the clock, yet the owner still keeps the stream.
    const second = await claimStream(b2, { scope, key: "cam", me: { instance: "w2", since: 1 }, log });
    assert.deepEqual(second, { won: false, owner: { instance: "w1", since: 100 } });
    const other = await claimStream(b2, { scope, key: "other-cam", me: { instance: "w2", since: 1 }, log });
    assert.equal(other.won, true, "claims are per stream");

    if (first.won) first.claim.release();
    const third = await claimStream(b3, { scope, key: "cam", me: { instance: "w3", since: 200 }, log });
    assert.equal(third.won, true);
  } finally {
    await Promise.all(buses.map((b) => b.close()));
  }
});

test("claimStream over NATS - workers claiming the same stream at once: exactly one wins", async () => {
  await using nats = await startNats();
  const buses = await Promise.all([1, 2, 3, 4].map(() => NatsBus.connect({ servers: [nats.url] }, log)));
  try {
    const since = Date.now();
    const results: ClaimResult[] = await Promise.all(
      buses.map((bus, i) => claimStream(bus, { scope, key: "same", me: { instance: `w${i}`, since: since + (i % 2) }, log })),
    );
    const winners = results.flatMap((r, i) => (r.won ? [`w${i}`] : []));
    assert.deepEqual(winners, ["w0"], "the oldest claim (ties by instance) wins");
    // A loser names a claimant that beat it: the winner, or a rival that itself lost to the winner.
    results.forEach((r, i) => !r.won && assert.ok(["w0", "w1", "w2", "w3"].includes(r.owner.instance) && r.owner.instance !== `w${i}`));
  } finally {
    await Promise.all(buses.map((b) => b.close()));
  }
});

test("claimStream - a malformed claim on the subject is ignored", async () => {
  await using nats = await startNats();
  const a = await NatsBus.connect({ servers: [nats.url] }, log);
  const b = await NatsBus.connect({ servers: [nats.url] }, log);
  try {
    const held = await claimStream(a, { scope, key: "k", me: { instance: "w1", since: 1 }, log });
    assert.equal(held.won, true);
    await assert.rejects(b.request(subjects.claim(scope, "k"), { type: "claim", instance: 7 }, { timeoutMs: 300 }), /no reply/);
    assert.deepEqual(await b.request(subjects.claim(scope, "k"), { type: "claim", instance: "w9", since: 0 }), { type: "owned", instance: "w1", since: 1 });
  } finally {
    await a.close();
    await b.close();
  }
});
